"""A page is one moment of the store: the console, a phase board and a round's results page
each run in exactly one transaction, whatever number of use cases they call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tests.web.conftest import (
    OPERATOR,
    Served,
    facilitator_token,
    member_token,
    respondent_client,
    signed_in,
)
from tracktwo.services import feedback
from tracktwo.services.commonground_rounds import analyse_round
from tracktwo.services.transaction import run


@contextmanager
def transactions(served: Served) -> Iterator[list[Any]]:
    """Record every transaction the store's engine begins inside the block."""
    begun: list[Any] = []

    def count(connection: Any) -> None:
        begun.append(connection)

    event.listen(served.store.engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(served.store.engine, "begin", count)


def test_the_console_page_takes_one_transaction(served: Served) -> None:
    client = signed_in(served, facilitator_token(served, served.ids.first_workshop))
    with transactions(served) as begun:
        page = client.get(f"/w/{served.ids.first_workshop}/console")
    assert page.status_code == 200
    assert len(begun) == 1


def test_a_phase_board_takes_one_transaction(served: Served) -> None:
    member = served.members[sorted(served.members)[0]][0]
    client = signed_in(served, member_token(served, served.ids.first_workshop, member.member_id))
    with transactions(served) as begun:
        joint = client.get(f"/w/{served.ids.first_workshop}/joint")
    assert joint.status_code == 200 and len(begun) == 1
    with transactions(served) as begun:
        board = client.get(f"/api/workshops/{served.ids.first_workshop}/board")
    assert board.status_code == 200 and len(begun) == 1


def test_a_rounds_results_page_takes_one_transaction(served: Served) -> None:
    respondent = respondent_client(served, "Sorai community")
    statements = run(served.store, feedback.statements, OPERATOR, served.round_id)
    assert respondent.post(
        f"/api/rounds/{served.round_id}/votes",
        json={"votes": [[s.id, 1] for s in statements]},
    ).is_success
    run(served.store, analyse_round, OPERATOR, served.round_id)
    run(served.store, feedback.set_results_open, OPERATOR, served.round_id, open_=True)
    try:
        with transactions(served) as begun:
            page = respondent.get(f"/rounds/{served.round_id}/results")
        assert page.status_code == 200 and "Common ground" in page.text
        assert len(begun) == 1
        facilitator = signed_in(served, facilitator_token(served, served.ids.first_workshop))
        with transactions(served) as begun:
            console = facilitator.get(f"/w/{served.ids.first_workshop}/rounds/{served.round_id}")
        assert console.status_code == 200 and len(begun) == 1
    finally:
        run(served.store, feedback.set_results_open, OPERATOR, served.round_id, open_=False)
