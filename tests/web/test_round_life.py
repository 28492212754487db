"""A round's life from the console: release once, links made anew, closed, exported."""

from __future__ import annotations

import io
import re
import zipfile
from uuid import UUID

from tests.web.conftest import Served, facilitator_token, signed_in
from tracktwo.domain.actors import Actor
from tracktwo.services import feedback, phases
from tracktwo.services.transaction import run


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_release_links_close_and_export_from_the_round_page(served: Served) -> None:
    workshop = served.ids.first_workshop
    client = signed_in(served, facilitator_token(served, workshop))
    console = client.get(f"/w/{workshop}/console").text
    idea = run(served.store, phases.board, Actor.operator(), workshop).ideas[0].id
    before = len(run(served.store, feedback.rounds, Actor.operator(), workshop))
    released = client.post(
        f"/w/{workshop}/release",
        data={"title": "Round", "ideas": [idea], "csrf_token": _csrf(console)},
        follow_redirects=False,
    )
    assert released.status_code == 303 and "?released=1" in released.headers["location"]
    page = client.get(released.headers["location"]).text
    client.get(released.headers["location"])  # a reload releases nothing again
    rounds = run(served.store, feedback.rounds, Actor.operator(), workshop)
    assert len(rounds) == before + 1
    round_url = released.headers["location"].split("?")[0]
    first = client.post(f"{round_url}/links", data={"csrf_token": _csrf(page)}).text
    second = client.post(f"{round_url}/links", data={"csrf_token": _csrf(page)}).text
    old = re.findall(r"/r/([\w-]+)</code>", first)
    new = re.findall(r"/r/([\w-]+)</code>", second)
    assert len(old) == len(new) == 2 and not set(old) & set(new)
    assert served.client().get(f"/r/{old[0]}", follow_redirects=False).status_code == 403
    voter = served.client()
    assert voter.get(f"/r/{new[0]}", follow_redirects=False).status_code in (200, 303)
    round_id = UUID(round_url.rsplit("/", 1)[1])
    statement = run(served.store, feedback.statements, Actor.operator(), round_id)[0]
    actor = run(served.store, feedback.join_round, new[1])
    run(served.store, feedback.cast_vote_group, [(actor, round_id, [(statement.id, 1)])])
    archive = client.get(f"{round_url}/export.zip")
    assert archive.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert any(n.endswith("participants-votes.csv") for n in names)
    assert any(n.endswith("communities.csv") for n in names)
    closed = client.post(
        f"{round_url}/close", data={"csrf_token": _csrf(page)}, follow_redirects=False
    )
    assert closed.status_code == 303
    assert "The round is closed" in client.get(round_url).text
    assert served.client().get(f"/r/{new[0]}", follow_redirects=False).status_code == 403


def test_releasing_nothing_says_so_in_a_page_not_json(served: Served) -> None:
    workshop = served.ids.first_workshop
    client = signed_in(served, facilitator_token(served, workshop))
    console = client.get(f"/w/{workshop}/console").text
    answer = client.post(
        f"/w/{workshop}/release", data={"title": "Round", "csrf_token": _csrf(console)}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "ideas: nothing was given" in answer.text and '{"detail"' not in answer.text
