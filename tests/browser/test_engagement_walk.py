"""A whole engagement in the browser, from an empty data folder to a second workshop.

Pages only: the terminal's one part is the organiser's first link, which `tracktwo run`
prints. The organiser opens a conflict, records two ripeness assessments, opens a workshop
in its own time zone within a series and adds its lead facilitator; the lead adds a
co-facilitator (each signs in with their own link), recruits by snowball, briefs, records
leadership approval, composes and schedules (an overlapping joint session is refused on
the page); two participants per party, each in their own browser, run the four phases,
rate the sessions and answer the surveys, so that all five contact conditions score above
0; the lead logs a transfer and releases the idea to a round. Then workshop II: a
returning participant is invited back, and their answers pair across the two workshops.

Every page visited is checked with axe-core at 1280 px and at 390 px (and, at 390 px, for
a page that scrolls sideways); screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import CHROMIUM
from tests.serving import served_on_loopback
from tracktwo.domain.actors import Actor
from tracktwo.services import signin
from tracktwo.services.setup import initialise
from tracktwo.services.transaction import run
from tracktwo.web.app import create_app

pytestmark = pytest.mark.browser
AXE = Axe()
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    if not CHROMIUM.exists():
        pytest.skip("SKIPPED LOUDLY: Debian's Chromium is not at /usr/bin/chromium")
    store = initialise(tmp_path_factory.mktemp("empty") / "data")
    with served_on_loopback(create_app(store)) as url:
        yield url, store
    store.dispose()


class Walk:
    """The pages visited, each checked at both widths and photographed once."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.count, self.checked = folder, 0, 0

    def check(self, page: Any, name: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"walk-{self.count:02d}-{name}.png"), full_page=True)
        for size in (WIDE, PHONE):
            page.set_viewport_size(size)
            violations = AXE.run(page).response["violations"]
            assert not violations, f"{name} at {size['width']} px: " + "; ".join(
                f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])} nodes)"
                for v in violations
            )
            self.checked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} scrolls sideways at 390 px ({width} px)"
        page.set_viewport_size(WIDE)


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).first.click()


def _link_in(page: Any) -> str:
    return str(page.locator("a.secret").first.get_attribute("href"))


def _new(browser: Any, url: str) -> Any:
    page = browser.new_context(viewport=WIDE).new_page()
    page.goto(url)
    return page


def _facilitator(page: Any, name: str, impartiality: str, parties: tuple[str, str]) -> None:
    page.fill("#f-name", name)
    for field, value in (("#f-imp", impartiality), ("#f-com", "0.8"), ("#f-sen", "0.8")):
        page.fill(field, value)
    page.fill("#f-cred-1", "0.8")
    page.fill("#f-cred-2", "0.8")
    _submit(page, "Add, and make their sign-in link")


def _candidate(page: Any, party: str, name: str, role: str, key: bool, referrer: str) -> None:
    page.select_option("#k-party", party)
    page.fill("#k-name", name)
    page.select_option("#k-role", role)
    for field, value in (("influence", "0.7"), ("credibility", "0.7"), ("openness", "0.8"),
                         ("status", "0.6")):  # fmt: skip
        page.fill(f"#k-{field}", value)
    if key:
        page.check("#k-key")
    if referrer:
        page.select_option("#k-ref", label=referrer)
    _submit(page, "Add")


def _brief_all(page: Any, labels: list[str]) -> None:
    for label in labels:
        option = page.locator("#b-who option", has_text=f"{label} (").first
        page.select_option("#b-who", option.get_attribute("value"))
        for box in ("#b-purposes", "#b-procedures", "#b-rule-privacy", "#b-rule-no-fault",
                    "#b-rule-equality"):  # fmt: skip
            page.check(box)
        page.select_option("#b-commit", "given")
        _submit(page, "Record the briefing")
        page.select_option("#a-who", label=label)
        _submit(page, "Record")


def test_an_engagement_from_an_empty_folder_to_a_second_workshop(
    empty_server: tuple[str, Any], browser: Any, screenshots: Path
) -> None:
    url, store = empty_server
    walk = Walk(screenshots)
    parties = ("North", "South")

    # The organiser: a conflict, two ripeness assessments, workshop I in a series.
    organiser = _new(
        browser, f"{url}/signin/{run(store, signin.create_organiser_link, Actor.operator()).token}"
    )
    organiser.get_by_role("heading", name="Organiser").wait_for()
    walk.check(organiser, "organise-empty")
    organiser.fill("#c-name", "The island")
    organiser.fill("#c-parties", "\n".join(parties))
    organiser.fill("#c-mis", "0.6")
    _submit(organiser, "Open the conflict")
    for party, pain in (("North", "0.7"), ("South", "0.8")):
        organiser.select_option("#r-party", party)
        organiser.fill("#r-on", "2026-01-15")
        organiser.check("#r-win-no")
        organiser.fill("#r-pain", pain)
        organiser.fill("#r-assessor", "Lead facilitator")
        organiser.fill("#r-basis", f"interviews in the {party}")
        _submit(organiser, "Record")
    assert organiser.get_by_text("interviews in the South").count() == 1
    walk.check(organiser, "conflict")
    conflict_url = organiser.url.split("#")[0]
    organiser.fill("#w-title", "Workshop I")
    organiser.fill("#w-tz", "Asia/Nicosia")
    organiser.fill("#w-new-series", "Island series")
    _submit(organiser, "Open the workshop")
    walk.check(organiser, "team-empty")
    _facilitator(organiser, "Dr. Lead", "0.9", parties)
    lead = _new(browser, _link_in(organiser))
    assert lead.url.endswith("/console")
    workshop = lead.url.split("/")[4]
    base = f"{url}/w/{workshop}"
    walk.check(lead, "console-new")

    # The lead adds a co-facilitator, flagged for low impartiality, with their own link.
    lead.goto(f"{base}/team")
    _facilitator(lead, "Dr. Second", "0.3", parties)
    assert lead.get_by_text("impartiality 0.3 is below 0.5").count() >= 1
    walk.check(lead, "team")
    second = _new(browser, _link_in(lead))
    assert second.url.endswith("/console")

    # Recruitment by snowball: key people, their referrals, a walk-in (flagged).
    lead.goto(f"{base}/candidates")
    for party in parties:
        _candidate(lead, party, f"{party} key", "former-official", True, "")
    for party in parties:
        for number, role in enumerate(("journalist", "scholar")):
            _candidate(lead, party, f"{party} person {number}", role, False,
                       f"{party} 1")  # fmt: skip
    _candidate(lead, "North", "Walk-in", "youth", False, "")
    assert lead.get_by_text("flagged:").count() >= 1
    walk.check(lead, "candidates")
    labels = [f"{party} {n}" for party in parties for n in (1, 2, 3)]
    _brief_all(lead, labels)

    # Compose, make the members' links, schedule (an overlap is refused on the page).
    lead.goto(f"{base}/console")
    lead.fill("#gap", "0.2")
    lead.fill("#roles", "2")
    _submit(lead, "Compose")
    _submit(lead, "Make sign-in links for the members")
    walk.check(lead, "invitations")
    links: dict[str, list[str]] = {party: [] for party in parties}
    rows = lead.locator("tbody tr")
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td")
        links[cells.nth(1).inner_text()].append(cells.nth(2).inner_text())
    lead.goto(f"{base}/schedule")
    for party, start in (("North", "2026-03-02T09:00"), ("South", "2026-03-02T14:00")):
        lead.select_option("#s-kind", "preliminary")
        lead.select_option("#s-party", party)
        lead.fill("#s-start", start)
        lead.fill("#s-hours", "4")
        _submit(lead, "Add")
    lead.select_option("#s-kind", "joint")
    lead.select_option("#s-party", "")
    lead.fill("#s-start", "2026-03-03T09:00")
    lead.fill("#s-hours", "6")
    _submit(lead, "Add")
    assert lead.get_by_text("2026-03-02 09:00 EET").count() == 1
    walk.check(lead, "schedule")
    lead.select_option("#s-kind", "joint")
    lead.fill("#s-start", "2026-03-03T12:00")
    lead.fill("#s-hours", "2")
    _submit(lead, "Add")
    assert "overlap" in lead.locator("[role=alert]").inner_text()
    walk.check(lead, "schedule-refused")

    # Every member signs in in their own browser; two per party run the phases.
    people = {party: [_new(browser, link) for link in links[party]] for party in parties}
    north, south = people["North"][:2], people["South"][:2]
    walk.check(north[0], "joint-space")

    def open_phase(phase: str) -> None:
        """Close the open phase (if one is), then open the next, on the Phases page."""
        lead.goto(f"{base}/phases")
        closing = lead.get_by_role("button", name=re.compile(r"^Close the "))
        if closing.count():
            with lead.expect_navigation():
                closing.click()
        lead.select_option("#phase-to-open", phase)
        _submit(lead, "Open")

    # Analysis: a need stated, acknowledged by the other side, accepted.
    open_phase("analysis")
    north[0].goto(f"{base}/joint")
    north[0].select_option("#concern-kind", "need")
    north[0].fill("#concern-text", "safety of our villages")
    _submit(north[0], "Put it on the table")
    south[0].goto(f"{base}/joint")
    south[0].locator("textarea[name=restatement]").first.fill("you need your villages safe")
    _submit(south[0], "Acknowledge")
    north[0].goto(f"{base}/joint")
    _submit(north[0], "Yes, that is our concern")

    # Problem-solving: an idea answering it, rated by all four.
    open_phase("problem-solving")
    south[1].goto(f"{base}/joint")
    south[1].fill("#idea-text", "joint village patrols")
    south[1].locator("input[name=answers]").first.check()
    _submit(south[1], "Propose")
    for person in [*north, *south]:
        person.goto(f"{base}/joint")
        person.locator("select[name=value]").first.select_option("4")
        _submit(person, "Rate")
    walk.check(south[1], "joint-rated")
    lead.goto(f"{base}/projector")
    assert lead.get_by_text("joint village patrols").count() >= 1
    assert lead.get_by_text("North key").count() == 0  # no names on the projector
    walk.check(lead, "projector")

    # Constraints and reassurance, in order.
    open_phase("constraints")
    north[1].goto(f"{base}/joint")
    north[1].fill("#constraint-text", "our hardliners call patrols surrender")
    _submit(north[1], "Name it")
    # Reassurance: a step and a vision from one side, endorsed by the other.
    open_phase("reassurance")
    north[0].goto(f"{base}/joint")
    north[0].fill("#r-who", "North elders")
    north[0].fill("#r-what", "publicly welcome the patrols")
    north[0].fill("#r-when", "before the summer")
    _submit(north[0], "Propose a step")
    north[0].fill("#vision-text", "villages where both communities walk safely")
    _submit(north[0], "Add")
    south[0].goto(f"{base}/joint")
    _submit(south[0], "Our party endorses this")
    assert south[0].get_by_text("shared by both").count() == 1
    walk.check(south[0], "joint-reassurance")

    # Session ratings and surveys, by every participant.
    for person in [*north, *south]:
        person.goto(f"{base}/sessions")
        for index in range(person.locator("select[name=value]").count()):
            person.locator("select[name=value]").nth(index).select_option("4")
            _submit(person, "Rate")
    walk.check(north[0], "sessions")
    for wave in ("pre", "post"):
        for person in [*people["North"], *people["South"]]:
            person.goto(f"{base}/survey")
            person.select_option("#wave", wave)
            for field in person.locator("input[type=number]").all():
                field.fill("4" if wave == "pre" else "6")
            _submit(person, "Save my answers")
    walk.check(north[0], "survey")
    lead.goto(f"{base}/console")
    scores = lead.locator("#conditions tbody tr td:nth-child(2)").all_inner_texts()
    assert len(scores) == 5 and all(float(s.split()[0]) > 0 for s in scores), scores
    walk.check(lead, "console")

    # A transfer of the idea both parties support, and its release to a round.
    lead.goto(f"{base}/transfers")
    lead.select_option("#t-channel", "negotiation-text")
    lead.fill("#t-to", "the envoys' drafting team")
    _submit(lead, "Log")
    assert lead.get_by_text("supported by both parties").count() >= 1
    walk.check(lead, "transfers")
    lead.goto(f"{base}/console")
    _submit(lead, "Release")
    walk.check(lead, "round")

    # Workshop II: the organiser opens it in the series; its lead invites the members back.
    organiser.goto(conflict_url)
    organiser.fill("#w-title", "Workshop II")
    organiser.fill("#w-tz", "Asia/Nicosia")
    organiser.select_option("#w-series", index=1)  # the island series
    _submit(organiser, "Open the workshop")
    _facilitator(organiser, "Dr. Lead", "0.9", parties)
    lead2 = _new(browser, _link_in(organiser))
    base2 = lead2.url.rsplit("/", 1)[0]
    lead2.goto(f"{base2}/candidates")
    for box in lead2.locator("input[name=previous]").all():
        box.check()
    _submit(lead2, "Invite")
    walk.check(lead2, "candidates-returning")
    _brief_all(lead2, labels)
    lead2.goto(f"{base2}/console")
    lead2.fill("#gap", "0.2")
    lead2.fill("#roles", "2")
    _submit(lead2, "Compose")
    _submit(lead2, "Make sign-in links for the members")
    back = lead2.locator("tbody tr td:nth-child(3)").all_inner_texts()
    returning = _new(browser, back[0])
    returning.goto(f"{base2}/survey")
    returning.select_option("#wave", "post")
    for field in returning.locator("input[type=number]").all():
        field.fill("6")
    _submit(returning, "Save my answers")
    lead2.goto(f"{base2}/console")
    series = lead2.locator("h3", has_text="Returning participants across the series")
    assert series.count() == 1, "the returning participant's answers pair across the series"
    paired = lead2.locator(
        "table", has=lead2.locator("caption", has_text="Paired person by person")
    )
    counts = paired.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert counts and max(int(n) for n in counts) == 1, counts  # one person, paired
    walk.check(lead2, "console-series")
    assert walk.checked == 2 * walk.count >= 36  # every page, at both widths
