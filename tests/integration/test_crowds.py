"""What a crowd does to the store: parallel sign-ins, first visits and full ballots.

Every test runs on SQLite and, when ``TRACKTWO_TEST_DATABASE_URL`` is set, on PostgreSQL,
with real threads on real connections (or the web app's vote stream, which groups
concurrent ballots into shared transactions).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from threading import Barrier
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import text

from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import AccessDenied, TrackTwoError, VoteBatchError
from tracktwo.services import feedback, phases, signin, workshops
from tracktwo.services.commonground_rounds import analyse_round
from tracktwo.services.transaction import run, transaction
from tracktwo.store.database import Store
from tracktwo.web.votes import VoteStream

OPERATOR = Actor.operator()


def all_at_once(count: int, call: Callable[[], Any]) -> list[Any]:
    """Run ``call`` on ``count`` threads released together; return each result or error."""
    barrier = Barrier(count)

    def one() -> Any:
        barrier.wait()
        try:
            return call()
        except TrackTwoError as error:
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: one(), range(count)))


@pytest.fixture
def demo(store: Store) -> tuple[Store, Any]:
    return store, build_demo(store, seed=7)


def open_round(store: Store, workshop_id: UUID, statements: int) -> feedback.RoundOpened:
    """Open a round of the workshop's ideas, topped up to ``statements`` with accepted ones."""
    ideas = [UUID(i.id) for i in run(store, phases.board, OPERATOR, workshop_id).ideas]
    opened = run(store, feedback.release_ideas, OPERATOR, workshop_id, ideas, title="A crowd")
    writer = run(store, feedback.join_round, opened.links["Ilvan community"])
    for number in range(statements - len(ideas)):
        added = run(
            store,
            feedback.submit_statement,
            writer,
            opened.round_id,
            text=f"Suggested statement number {number}",
        )
        run(store, feedback.moderate, OPERATOR, added, accept=True)
    return opened


def test_twenty_parallel_redemptions_of_one_sign_in_link_give_one_session(demo: tuple) -> None:
    store, ids = demo
    lead = run(store, workshops.facilitators_of, OPERATOR, ids.first_workshop)[0]
    for _ in range(5):
        link = run(
            store,
            signin.create_link,
            OPERATOR,
            ids.first_workshop,
            kind=ActorKind.FACILITATOR,
            subject_id=lead,
        )
        outcomes = all_at_once(20, lambda token=link.token: run(store, signin.redeem, token))
        sessions = [o for o in outcomes if isinstance(o, Actor)]
        refused = [o for o in outcomes if isinstance(o, AccessDenied)]
        assert len(sessions) == 1, outcomes
        assert len(refused) == 19
        with pytest.raises(AccessDenied, match="already used"):
            run(store, signin.redeem, link.token)


def test_fifty_parallel_first_visits_give_fifty_respondents_all_counted(demo: tuple) -> None:
    store, ids = demo
    opened = open_round(store, ids.first_workshop, statements=4)
    link = opened.links["Sorai community"]
    respondents = all_at_once(50, lambda: run(store, feedback.join_round, link))
    assert all(isinstance(r, Actor) for r in respondents), respondents
    assert len({r.id for r in respondents}) == 50
    shown = run(store, feedback.statements, OPERATOR, opened.round_id)
    voted = all_at_once(
        50,
        lambda it=iter(respondents): run(
            store,
            feedback.cast_votes,
            next(it),
            opened.round_id,
            [(shown[0].id, 1), (shown[1].id, -1)],
        ),
    )
    assert voted == [2] * 50
    frame = run(store, feedback.votes_frame, OPERATOR, opened.round_id)
    assert frame["voter"].nunique() == 50
    summary = run(store, analyse_round, OPERATOR, opened.round_id)
    # the writer of the suggested statements is a respondent too, but did not vote
    assert summary.respondents == 50


def test_a_thousand_concurrent_full_ballots_on_a_hundred_statements_are_all_counted(
    demo: tuple,
) -> None:
    store, ids = demo
    opened = open_round(store, ids.first_workshop, statements=100)
    shown = [s.id for s in run(store, feedback.statements, OPERATOR, opened.round_id)]
    assert len(shown) == 100
    links = list(opened.links.values())
    voters = [run(store, feedback.join_round, links[n % 2]) for n in range(1000)]
    stream = VoteStream(store)

    async def crowd() -> list[int]:
        return await asyncio.gather(
            *(
                stream.submit(
                    voter,
                    opened.round_id,
                    [(s, (n + k) % 3 - 1) for k, s in enumerate(shown)],
                )
                for n, voter in enumerate(voters)
            )
        )

    # on a thread of its own: Playwright's sync API may hold this thread's event loop
    with ThreadPoolExecutor(max_workers=1) as loop_thread:
        stored = loop_thread.submit(lambda: asyncio.run(crowd())).result()
    assert stored == [100] * 1000
    frame = run(store, feedback.votes_frame, OPERATOR, opened.round_id)
    assert len(frame) == 100_000
    assert frame["voter"].nunique() == 1000
    assert (frame.groupby("voter").size() == 100).all()


def refuse_votes_on(store: Store, statement: UUID) -> None:
    """Plant a database trigger that refuses any vote on ``statement``."""
    with store.engine.begin() as connection:
        if store.engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_vote BEFORE INSERT ON round_votes "
                    f"WHEN NEW.statement_id = '{statement.hex}' "
                    "BEGIN SELECT RAISE(ABORT, 'refused by a planted trigger'); END"
                )
            )
            return
        connection.execute(
            text(
                "CREATE FUNCTION refuse_vote() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.statement_id = '{statement}'::uuid THEN "
                "RAISE EXCEPTION 'refused by a planted trigger'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER refuse_vote BEFORE INSERT ON round_votes "
                "FOR EACH ROW EXECUTE FUNCTION refuse_vote()"
            )
        )


def test_a_batch_the_database_refuses_fails_alone_naming_its_row(
    demo: tuple, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store, ids = demo
    opened = open_round(store, ids.first_workshop, statements=4)
    shown = [s.id for s in run(store, feedback.statements, OPERATOR, opened.round_id)]
    refuse_votes_on(store, UUID(shown[3]))
    voters = [run(store, feedback.join_round, opened.links["Ilvan community"]) for _ in range(3)]
    outcomes = feedback.write_ballots(
        partial(transaction, store),
        [
            (voters[0], opened.round_id, [(shown[0], 1), (shown[1], 1)]),
            (voters[1], opened.round_id, [(shown[0], -1), (shown[3], 1), (shown[2], 0)]),
            (voters[2], opened.round_id, [(shown[2], 1)]),
        ],
    )
    assert outcomes[0] == 2 and outcomes[2] == 1
    assert isinstance(outcomes[1], VoteBatchError)
    assert str(outcomes[1]).startswith("row 2: the database refused this vote")
    frame = run(store, feedback.votes_frame, OPERATOR, opened.round_id)
    assert sorted(frame["voter"].unique()) == sorted([voters[0].id, voters[2].id])
    assert len(frame) == 3
    # The log says what kind of refusal happened; it carries no vote, respondent or statement.
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "vote batches failed (" in logged
    for secret in (*(v.id for v in voters), *shown, str(opened.round_id)):
        assert secret not in logged and secret.replace("-", "") not in logged
    assert all(secret not in str(outcomes[1]) for secret in (voters[1].id, shown[3]))
