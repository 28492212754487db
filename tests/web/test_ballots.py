"""One ballot per respondent in the browser: the ballot cookie outlives sign-out, a second
community's link in the same browser is flagged on the round page, invitations are
single-use, and the cookie itself is never stored."""

from __future__ import annotations

import csv
import io
import re
from uuid import UUID

from fastapi.testclient import TestClient

from tests.web.conftest import CSRF, Served, facilitator_token, signed_in
from tracktwo.domain.actors import Actor
from tracktwo.services import ballots, feedback, phases
from tracktwo.services.transaction import run
from tracktwo.web.routes.community import BALLOT_COOKIE

OPERATOR = Actor.operator()


def enter(client: TestClient, path: str) -> str:
    """Open a round link in ``client``; return the round page, CSRF token installed."""
    answer = client.get(path)
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"]).text
    client.headers["X-CSRF-Token"] = CSRF.search(page).group(1)  # type: ignore[union-attr]
    return page


def respondents(served: Served, round_id: UUID) -> int:
    listed = run(served.store, feedback.rounds, OPERATOR, served.ids.first_workshop)
    return next(r.respondents for r in listed if r.id == str(round_id))


def statement_shown(page: str) -> str:
    found = re.search(r'name="statement" value="([^"]+)"', page)
    assert found, "the page offers a statement to vote on"
    return found.group(1)


def test_signing_out_and_coming_back_through_the_same_link_keeps_the_ballot(
    served: Served,
) -> None:
    community = sorted(served.round_links)[0]
    link = f"/r/{served.round_links[community]}"
    browser = served.client()
    first = enter(browser, link)
    cookie = next(c for c in browser.cookies.jar if c.name == BALLOT_COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.expires is not None
    before = respondents(served, served.round_id)
    voted = statement_shown(first)
    answer = browser.post(
        f"/rounds/{served.round_id}/vote", data={"statement": voted, "choice": "agree"}
    )
    assert answer.status_code == 303
    assert browser.post("/signout").status_code == 303
    assert "tracktwo_session" not in browser.cookies and BALLOT_COOKIE in browser.cookies
    assert browser.get(f"/rounds/{served.round_id}").status_code == 401
    back = enter(browser, link)
    assert respondents(served, served.round_id) == before
    assert statement_shown(back) != voted  # the vote is still there: the next one is asked
    stranger = served.client()
    enter(stranger, link)
    assert respondents(served, served.round_id) == before + 1


def test_one_browser_through_both_links_is_flagged_on_the_round_page_until_accepted(
    served: Served,
) -> None:
    workshop = served.ids.first_workshop
    ideas = [UUID(i.id) for i in run(served.store, phases.board, OPERATOR, workshop).ideas]
    opened = run(served.store, feedback.release_ideas, OPERATOR, workshop, ideas[:2], title="Twice")
    browser = served.client()
    for community in sorted(opened.links):
        enter(browser, f"/r/{opened.links[community]}")
    assert respondents(served, opened.round_id) == 2
    facilitator = signed_in(served, facilitator_token(served, workshop))
    page = facilitator.get(f"/w/{workshop}/rounds/{opened.round_id}").text
    assert "ballot cookie came through the links of" in page
    flag = re.search(rf"/rounds/{opened.round_id}/flags/(\w+)/accept", page)
    assert flag, "the flag has an accept action"
    accepted = facilitator.post(f"/w/{workshop}/rounds/{opened.round_id}/flags/{flag[1]}/accept")
    assert accepted.status_code == 303
    page = facilitator.get(accepted.headers["location"]).text
    assert "those ballots count" in page and f"/flags/{flag[1]}/accept" not in page


def test_a_round_by_invitation_from_the_console_lets_each_invitation_in_once(
    served: Served,
) -> None:
    workshop = served.ids.first_workshop
    facilitator = signed_in(served, facilitator_token(served, workshop))
    idea = run(served.store, phases.board, OPERATOR, workshop).ideas[0].id
    released = facilitator.post(
        f"/w/{workshop}/release", data={"title": "Panel", "ideas": [idea], "mode": "invitation"}
    )
    assert released.status_code == 303
    round_url = released.headers["location"].split("?")[0]
    page = facilitator.get(released.headers["location"]).text
    assert "Make the invitations" in page and "Make the community links" not in page
    community = sorted(served.round_links)[1]
    made = facilitator.post(f"{round_url}/invitations", data={"community": community, "count": "3"})
    assert made.status_code == 200 and made.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(made.text)))
    assert len(rows) == 3 and {r["community"] for r in rows} == {community}
    paths = [r["link"].split("testserver", 1)[1] for r in rows]
    assert len(set(paths)) == 3 and all(p.startswith("/i/") for p in paths)
    panelist = served.client()
    enter(panelist, paths[0])
    refused = served.client().get(paths[0])
    assert refused.status_code == 403 and "has been used" in refused.text
    assert panelist.post("/signout").status_code == 303
    enter(panelist, paths[0])  # the browser that used it gets its ballot back
    wrong = facilitator.post(
        f"{round_url}/invitations", data={"community": community, "count": "x"}
    )
    assert wrong.status_code == 400 and "not a number" in wrong.text
    assert "<td>3</td><td>1</td>" in facilitator.get(round_url).text


def test_the_ballot_cookie_is_kept_only_as_a_hash(served: Served) -> None:
    browser = served.client()
    enter(browser, f"/r/{served.round_links[sorted(served.round_links)[0]]}")
    token = browser.cookies[BALLOT_COOKIE]
    served.store.dispose()  # write the WAL back into the file
    stored = b"".join(
        path.read_bytes() for path in served.store.data_dir.glob("*.db*") if path.is_file()
    )
    assert token.encode() not in stored
    hashed = ballots.ballot_hash(served.round_id, token)
    assert hashed.encode() in stored
    assert len(run(served.store, lambda uow: uow.rounds.with_ballot(served.round_id, hashed))) == 1
