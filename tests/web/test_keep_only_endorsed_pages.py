"""Keep-only-endorsed from the browser's side: parties mark, the facilitator ends the session."""

from __future__ import annotations

import re

from sqlalchemy import update

from tests.web.conftest import Served, facilitator_token, member_token, signed_in
from tracktwo.domain.actors import Actor
from tracktwo.services import recruitment
from tracktwo.services.transaction import run
from tracktwo.store.models import WorkshopRow


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert found, "no CSRF field on the page"
    return found.group(1)


def test_both_parties_mark_a_concern_and_it_survives_the_end_of_the_session(
    served: Served,
) -> None:
    workshop = served.ids.next_workshop
    with served.store.engine.begin() as connection:
        connection.execute(
            update(WorkshopRow).where(WorkshopRow.id == workshop).values(keep_only_endorsed=True)
        )
    members = run(served.store, recruitment.members, Actor.operator(), workshop)
    a_id = next(m.member_id for m in members if m.party == sorted(served.members)[0])
    b_id = next(m.member_id for m in members if m.party == sorted(served.members)[1])
    a = signed_in(served, member_token(served, workshop, a_id))
    b = signed_in(served, member_token(served, workshop, b_id))
    facilitator = signed_in(served, facilitator_token(served, workshop))
    opened = facilitator.post(f"/w/{workshop}/phases/open", data={"phase": "analysis"})
    assert opened.status_code == 303, opened.text
    joint = a.get(f"/w/{workshop}/joint").text
    for text in ("kept by both", "dropped by one"):
        a.post(
            f"/w/{workshop}/concerns",
            data={"kind": "need", "text": text, "csrf_token": _csrf(joint)},
        )
    page = a.get(f"/w/{workshop}/joint").text
    assert 'id="record"' in page and "kept by both" in page
    ids = re.findall(r"/keep/concern/([0-9a-f-]{36})", page)
    assert len(ids) == 2
    first = ids[page.index("kept by both") > page.index("dropped by one")]
    for client in (a, b):
        seen = client.get(f"/w/{workshop}/joint").text
        answer = client.post(
            f"/w/{workshop}/keep/concern/{first}",
            data={"csrf_token": _csrf(seen)},
            follow_redirects=False,
        )
        assert answer.status_code == 303
    console = facilitator.get(f"/w/{workshop}/console").text
    assert "2 contributions are pending" in console
    ended = facilitator.post(
        f"/w/{workshop}/prune", data={"csrf_token": _csrf(console)}, follow_redirects=False
    )
    assert ended.status_code == 303
    after = a.get(f"/w/{workshop}/joint").text
    assert "kept by both" in after and "dropped by one" not in after
    console = facilitator.get(f"/w/{workshop}/console").text
    assert "every party marked it to keep" in console and "destroyed" in console
