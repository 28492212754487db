"""An engagement from an empty data folder, through the pages alone (no command, no service
called by the test except to make the organiser's first link, as the terminal does).

The organiser opens a conflict, records two ripeness assessments and a workshop in its own
time zone, and forms the team; the lead facilitator adds a co-facilitator (each signs in
with their own link), recruits by snowball, briefs, records leadership approval, composes,
schedules (an overlapping joint session is refused, naming the rule), and participants
rate the sessions, so that every contact condition scores above 0. Transfers and re-entry
checks follow. Each rule the pages enforce is checked where it bites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import CSRF, OPERATOR
from tracktwo.services import conditions, signin
from tracktwo.services.setup import initialise
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.web.app import create_app

LINK = re.compile(r'href="http://testserver(/signin/[^"]+)"')


class Browser:
    """A signed-in test client that keeps its CSRF token and follows the app's redirects."""

    def __init__(self, app: Any, path: str) -> None:
        self.client = TestClient(app, follow_redirects=False)
        landing = self.client.get(path)
        assert landing.status_code == 303, landing.text
        self.home = landing.headers["location"]
        page = self.get(self.home)
        found = CSRF.search(page)
        assert found, "the landing page carries a CSRF token"
        self.client.headers["X-CSRF-Token"] = found.group(1)

    def get(self, path: str) -> str:
        answer = self.client.get(path)
        assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
        return answer.text

    def post(self, path: str, data: dict[str, Any], *, expect: int = 303) -> str:
        answer = self.client.post(path, data=data)
        assert answer.status_code == expect, f"POST {path}: {answer.status_code} {answer.text}"
        return answer.headers.get("location", "") if expect == 303 else answer.text


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[tuple[Store, Any]]:
    store = initialise(tmp_path / "data")
    yield store, create_app(store)
    store.dispose()


def _organiser(store: Store, app: Any) -> Browser:
    token = run(store, signin.create_organiser_link, OPERATOR).token
    return Browser(app, f"/signin/{token}")


def _ids(page: str, name: str) -> list[str]:
    """The option values (ids) of the select named ``name``."""
    start = page.index(f'name="{name}"')
    chunk = (
        page[start : page.index("</select>", start)]
        if "<select" in page[start - 40 : start]
        else page
    )
    return re.findall(r'<option value="([0-9a-f-]{36})"', chunk)


def _candidate_ids(page: str) -> list[str]:
    return re.findall(r'<tr id="cand-([0-9a-f-]{36})">', page)


def _open_workshop(store: Store, app: Any) -> tuple[Browser, Browser, str, dict[str, str]]:
    """The organiser's part: conflict, two assessments, workshop, lead facilitator."""
    organiser = _organiser(store, app)
    assert organiser.home == "/organise"
    where = organiser.post(
        "/organise/conflicts",
        {"name": "The island", "parties": "North\nSouth", "stage": "pre-negotiation",
         "kind": "internal-identity", "misperception_share": "0.6"},
    )  # fmt: skip
    conflict = where.rsplit("/", 1)[1]
    for party, pain in (("North", "0.7"), ("South", "0.8")):
        organiser.post(
            f"/organise/conflicts/{conflict}/ripeness",
            {"party": party, "assessed_on": "2026-01-15", "can_win_alone": "no",
             "stalemate_pain": pain, "assessor": "Lead facilitator",
             "basis": f"interviews with {party} officials"},
        )  # fmt: skip
    page = organiser.get(f"/organise/conflicts/{conflict}")
    assert "interviews with North officials" in page and "Lead facilitator" in page
    where = organiser.post(
        f"/organise/conflicts/{conflict}/workshops",
        {"title": "Workshop I", "per_party": "3", "time_zone": "Asia/Nicosia",
         "new_series": "Island series"},
    )  # fmt: skip
    workshop = where.split("/")[3]
    page = organiser.post(
        f"/organise/workshops/{workshop}/team",
        {"name": "Dr. Lead", "lead": "yes", "impartiality": "0.9", "communication": "0.9",
         "sensitivity": "0.9", "credibility-North": "0.8", "credibility-South": "0.8"},
        expect=200,
    )  # fmt: skip
    lead = Browser(app, LINK.search(page).group(1))  # type: ignore[union-attr]
    assert lead.home == f"/w/{workshop}/console"
    return organiser, lead, workshop, {"conflict": conflict}


def test_an_engagement_runs_from_an_empty_folder_through_the_pages(
    empty: tuple[Store, Any],
) -> None:
    store, app = empty
    organiser, lead, workshop, _ = _open_workshop(store, app)

    # A co-facilitator of low impartiality is accepted, flagged, and signs in on their own.
    page = lead.post(
        f"/w/{workshop}/team",
        {"name": "Dr. Second", "impartiality": "0.3", "communication": "0.8",
         "sensitivity": "0.8", "credibility-North": "0.7", "credibility-South": "0.7"},
        expect=200,
    )  # fmt: skip
    assert "impartiality 0.3 is below 0.5" in page
    second = Browser(app, LINK.search(page).group(1))  # type: ignore[union-attr]
    assert second.home == f"/w/{workshop}/console"
    assert "Dr. Second" in lead.get(f"/w/{workshop}/team")

    # Recruitment: a key person per party, then referrals; a walk-in is flagged.
    for party in ("North", "South"):
        lead.post(
            f"/w/{workshop}/candidates",
            {"party": party, "name": f"{party} key", "role": "former-official",
             "influence": "0.8", "credibility": "0.8", "openness": "0.7", "status": "0.6",
             "key_person": "yes"},
        )  # fmt: skip
    page = lead.get(f"/w/{workshop}/candidates")
    keys = dict(zip(("North", "South"), _candidate_ids(page), strict=True))
    roles = ["journalist", "scholar", "civil-society"]
    for party, key in keys.items():
        for number, role in enumerate(roles[:2]):
            lead.post(
                f"/w/{workshop}/candidates",
                {"party": party, "name": f"{party} person {number}", "role": role,
                 "influence": "0.6", "credibility": "0.7", "openness": "0.8",
                 "status": "0.6", "referred_by": key},
            )  # fmt: skip
    lead.post(
        f"/w/{workshop}/candidates",
        {"party": "North", "name": "Walk-in", "role": "youth", "influence": "0.3",
         "credibility": "0.3", "openness": "0.9", "status": "0.2"},
    )  # fmt: skip
    page = lead.get(f"/w/{workshop}/candidates")
    assert "nobody referred" in page or "walk-in" in page
    assert "North 1" in page and "South 3" in page  # labels, not ids
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "North 2" in svg and 'href="#cand-' in svg  # the graph is labelled and linked
    assert "Walk-in" not in page  # names only on request
    assert "Walk-in" in lead.get(f"/w/{workshop}/candidates?reveal=names")

    # Briefings: a commitment before the ground rules were discussed is refused.
    everyone = _candidate_ids(page)[:6]
    refused = lead.post(
        f"/w/{workshop}/briefings",
        {"candidate": everyone[0], "held_on": "2026-02-01", "commitment": "given"},
        expect=400,
    )
    assert "not yet discussed" in refused
    for candidate in everyone:
        lead.post(
            f"/w/{workshop}/briefings",
            {"candidate": candidate, "held_on": "2026-02-01", "purposes": "yes",
             "procedures": "yes", "ground_rules": ["privacy", "no-fault", "equality"],
             "commitment": "given"},
        )  # fmt: skip
        lead.post(f"/w/{workshop}/approvals", {"candidate": candidate, "approved": "yes"})
    # Leaving out a committed person leaves North two committed for three seats: refused.
    refused = lead.post(
        f"/w/{workshop}/compose",
        {"per_party": "3", "max_status_gap": "0.2", "min_distinct_roles": "2",
         "exclude": [everyone[0]]},
        expect=400,
    )  # fmt: skip
    assert "only 2 committed candidates" in refused
    lead.post(
        f"/w/{workshop}/compose",
        {"per_party": "3", "max_status_gap": "0.2", "min_distinct_roles": "2",
         "pin": [everyone[0]]},
    )  # fmt: skip
    console = lead.get(f"/w/{workshop}/console")
    explained = _section(console, "composition").split("<form")[0]
    assert "North 1 (former-official)" in explained and "(North 4)" in explained
    assert "Pinned by the facilitators" in explained
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", explained)  # labels, never ids

    # The schedule, in the workshop's time zone; an overlapping joint session is refused.
    for party, start in (("North", "2026-03-02T09:00"), ("South", "2026-03-02T14:00")):
        lead.post(
            f"/w/{workshop}/schedule",
            {"kind": "preliminary", "party": party, "starts": start, "hours": "4"},
        )
    lead.post(f"/w/{workshop}/schedule",
              {"kind": "joint", "starts": "2026-03-03T09:00", "hours": "6"})  # fmt: skip
    refused = lead.post(
        f"/w/{workshop}/schedule",
        {"kind": "joint", "starts": "2026-03-03T12:00", "hours": "3"},
        expect=400,
    )
    assert "overlap" in refused
    assert "2026-03-03 12:00-15:00 EET" in refused  # said in the workshop's own time
    refused = lead.post(
        f"/w/{workshop}/schedule",
        {"kind": "joint", "starts": "2026-03-01T09:00", "hours": "3"},
        expect=400,
    )
    assert "preliminary" in refused
    page = lead.get(f"/w/{workshop}/schedule")
    assert "2026-03-02 09:00 EET" in page  # Nicosia in March, not UTC

    # Participants sign in by the links the console makes and rate the sessions.
    invited = re.findall(
        r"<td>([^<]*)</td><td>(North|South)</td><td><code class=\"link\">http://testserver"
        r"(/signin/[^<]+)</code>",
        lead.post(f"/w/{workshop}/invitations", {}, expect=200),
    )
    assert len(invited) == 6
    participants = [Browser(app, link) for _, _, link in invited]
    north = [b for b, (_, party, _) in zip(participants, invited, strict=True) if party == "North"]
    south = [b for b, (_, party, _) in zip(participants, invited, strict=True) if party == "South"]
    for number, participant in enumerate(participants):
        page = participant.get(f"/w/{workshop}/sessions")
        sessions = re.findall(r"/sessions/([0-9a-f-]{36})/rate", page)
        assert len(sessions) == 2  # their own preliminary session and the joint one
        for session in sessions:
            participant.post(f"/w/{workshop}/sessions/{session}/rate", {"value": "3"})
            participant.post(
                f"/w/{workshop}/sessions/{session}/rate", {"value": str(4 + number % 2)}
            )
        assert "now 4" in participant.get(f"/w/{workshop}/sessions") or number % 2
    # The joint space: a need stated, acknowledged by the other side and accepted; an idea
    # answering it, rated by everyone. The lead opens the phases in order.
    refused = lead.post(f"/w/{workshop}/phases/open", {"phase": "problem-solving"}, expect=400)
    assert "open the analysis phase first" in refused
    lead.post(f"/w/{workshop}/phases/open", {"phase": "analysis"})
    north[0].post(f"/w/{workshop}/concerns", {"kind": "need", "text": "safety of our villages"})
    page = south[0].get(f"/w/{workshop}/joint")
    concern = re.search(r"/concerns/([0-9a-f-]{36})/acknowledge", page).group(1)  # type: ignore[union-attr]
    south[0].post(f"/w/{workshop}/concerns/{concern}/acknowledge",
                  {"restatement": "you need your villages safe"})  # fmt: skip
    page = north[0].get(f"/w/{workshop}/joint")
    ack = re.search(r"/acknowledgements/([0-9a-f-]{36})/confirm", page).group(1)  # type: ignore[union-attr]
    north[0].post(f"/w/{workshop}/acknowledgements/{ack}/confirm", {"satisfied": "yes"})
    lead.post(f"/w/{workshop}/phases/close", {})
    lead.post(f"/w/{workshop}/phases/open", {"phase": "problem-solving"})
    south[1].post(f"/w/{workshop}/ideas",
                  {"text": "joint village patrols", "answers": [concern]})  # fmt: skip
    page = north[1].get(f"/w/{workshop}/joint")
    idea = re.search(r"/ideas/([0-9a-f-]{36})/rate", page).group(1)  # type: ignore[union-attr]
    for participant in participants:
        participant.post(f"/w/{workshop}/ideas/{idea}/rate", {"value": "4"})

    scores = run(store, conditions.contact_conditions, OPERATOR, UUID(workshop)).scores
    assert all(score.score > 0 for score in scores.values()), scores
    pleasant = next(s for key, s in scores.items() if "pleasant" in key.value)
    assert "12 ratings" in pleasant.evidence, pleasant.evidence  # 12, though 24 were given

    # A transfer of the idea both parties support, and its release to a feedback round.
    page = lead.get(f"/w/{workshop}/transfers")
    assert "joint village patrols" in page and '<strong class="flag">' not in page
    lead.post(
        f"/w/{workshop}/transfers",
        {"idea": idea, "channel": "negotiation-text", "recipient": "the envoys' drafting team",
         "occurred_on": "2026-03-20"},
    )  # fmt: skip
    page = lead.get(f"/w/{workshop}/transfers")
    assert "the envoys&#39; drafting team" in page and "supported by both parties" in page
    where = lead.post(f"/w/{workshop}/release", {"title": "Patrols?", "ideas": [idea]})
    assert "/rounds/" in where

    # Re-entry: a check planned, recorded as reached with a reading and a mitigation.
    page = lead.get(f"/w/{workshop}/reentry")
    member = _ids(page, "member")[0]
    lead.post(f"/w/{workshop}/reentry/checks", {"member": member, "due_on": "2026-04-01"})
    page = lead.get(f"/w/{workshop}/reentry")
    check = re.search(r'/reentry/checks/([0-9a-f-]{36})"', page).group(1)  # type: ignore[union-attr]
    refused = lead.post(f"/w/{workshop}/reentry/checks/{check}",
                        {"done_on": "2026-04-02", "contacted": "yes"}, expect=400)  # fmt: skip
    assert "pressure" in refused
    lead.post(
        f"/w/{workshop}/reentry/checks/{check}",
        {"done_on": "2026-04-02", "contacted": "yes", "ingroup_pressure": "0.6",
         "marginalisation": "0.2", "mitigation": "meet the party elders together"},
    )  # fmt: skip
    page = lead.get(f"/w/{workshop}/reentry")
    assert "meet the party elders together" in page and "elevated" in page
    organiser.get("/organise")


def _section(page: str, name: str) -> str:
    start = page.index(f'id="{name}"')
    return page[start : page.index("</section>", start)]


def test_the_organiser_pages_are_the_organisers_alone(empty: tuple[Store, Any]) -> None:
    store, app = empty
    organiser, lead, workshop, _ = _open_workshop(store, app)
    assert lead.client.get("/organise").status_code == 403
    assert TestClient(app).get("/organise", follow_redirects=False).status_code == 401
    assert organiser.client.get(f"/w/{workshop}/console").status_code == 403
    # The organiser's link was spent by its first use.
    token = run(store, signin.create_organiser_link, OPERATOR).token
    first = TestClient(app, follow_redirects=False)
    assert first.get(f"/signin/{token}").status_code == 303
    assert TestClient(app, follow_redirects=False).get(f"/signin/{token}").status_code == 403


def test_a_bad_time_zone_and_a_bad_number_are_refused_by_name(empty: tuple[Store, Any]) -> None:
    store, app = empty
    organiser, _, _, ids = _open_workshop(store, app)
    refused = organiser.post(
        f"/organise/conflicts/{ids['conflict']}/workshops",
        {"title": "W", "per_party": "3", "time_zone": "Mars/Olympus"},
        expect=400,
    )
    assert "Mars/Olympus" in refused and "IANA" in refused
    refused = organiser.post(
        f"/organise/conflicts/{ids['conflict']}/ripeness",
        {"party": "North", "assessed_on": "2026-01-15", "can_win_alone": "no",
         "stalemate_pain": "1.4", "assessor": "me"},
        expect=400,
    )  # fmt: skip
    assert "stalemate pain" in refused and "1.4" in refused


def test_the_organiser_sets_a_conflicts_roles_and_the_candidates_page_offers_them(
    empty: tuple[Store, Any],
) -> None:
    store, app = empty
    organiser = _organiser(store, app)
    assert "party-leader\nformer-official" in organiser.get("/organise")  # the seven, to edit
    where = organiser.post(
        "/organise/conflicts",
        {"name": "The valley", "parties": "Upstream\nDownstream", "stage": "pre-negotiation",
         "kind": "internal-identity", "misperception_share": "0.4",
         "roles": "mayor\n elder \n\nteacher"},
    )  # fmt: skip
    conflict = where.rsplit("/", 1)[1]
    page = organiser.get(f"/organise/conflicts/{conflict}")
    assert 'name="roles"' in page and "mayor\nelder\nteacher</textarea>" in page
    where = organiser.post(
        f"/organise/conflicts/{conflict}/workshops",
        {"title": "Valley I", "per_party": "3", "time_zone": "UTC"},
    )
    workshop = where.split("/")[3]
    page = organiser.post(
        f"/organise/workshops/{workshop}/team",
        {"name": "Dr. Lead", "lead": "yes", "impartiality": "0.9", "communication": "0.9",
         "sensitivity": "0.9", "credibility-Upstream": "0.8", "credibility-Downstream": "0.8"},
        expect=200,
    )  # fmt: skip
    lead = Browser(app, LINK.search(page).group(1))  # type: ignore[union-attr]
    page = lead.get(f"/w/{workshop}/candidates")
    offered = page[page.index('id="k-role"') : page.index("</select>", page.index('id="k-role"'))]
    assert re.findall(r"<option>([^<]+)</option>", offered) == ["mayor", "elder", "teacher"]
    person = {"party": "Upstream", "influence": "0.8", "credibility": "0.8", "openness": "0.7",
              "status": "0.6", "key_person": "yes"}  # fmt: skip
    refused = lead.post(
        f"/w/{workshop}/candidates", {**person, "name": "A", "role": "scholar"}, expect=400
    )
    assert "rule 'roles of the conflict': role 'scholar'" in refused.replace("&#39;", "'")
    lead.post(f"/w/{workshop}/candidates", {**person, "name": "B", "role": "elder"})
    # The organiser edits the list: a new role joins, an unheld one goes, a held one stays.
    assert organiser.post(
        f"/organise/conflicts/{conflict}/roles", {"roles": "elder\nfarmer"}
    ).endswith("#roles")
    assert "elder\nfarmer</textarea>" in organiser.get(f"/organise/conflicts/{conflict}")
    refused = organiser.post(
        f"/organise/conflicts/{conflict}/roles", {"roles": "farmer"}, expect=400
    )
    assert "a held role stays" in refused.replace("&#39;", "'") and "elder (1)" in refused
