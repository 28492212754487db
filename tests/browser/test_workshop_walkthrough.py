"""A whole workshop in the browser: compose, sign in two parties, discuss, release, vote.

Screenshots of the main pages go to test-output/screenshots/; every page is checked with
axe-core, which must find no accessibility violation at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
AXE = Axe()


def _accessible(page: Any, name: str) -> None:
    violations = AXE.run(page).response["violations"]
    assert not violations, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])} nodes)" for v in violations
    )


def _shoot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    _accessible(page, name)


def test_a_whole_workshop_in_the_browser(
    live_server: LiveServer, browser: Any, screenshots: Path
) -> None:
    base = live_server.url
    facilitator = browser.new_context().new_page()
    facilitator.goto(f"{base}/signin/{live_server.facilitator_token()}")
    assert "/console" in facilitator.url
    facilitator.get_by_role("heading", level=1).wait_for()
    _shoot(facilitator, screenshots, "01-console")

    # The facilitator composes the workshop, then makes the members' sign-in links.
    facilitator.fill("#gap", "0.05")
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Compose", exact=True).click()
    facilitator.wait_for_url(re.compile(r".*/console.*"))
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Make sign-in links for the members").click()
    facilitator.get_by_role("heading", name="Sign-in links").wait_for()
    _shoot(facilitator, screenshots, "02-invitations")
    rows = facilitator.locator("tbody tr")
    links: dict[str, str] = {}
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td")
        party = cells.nth(1).inner_text()
        links.setdefault(party, cells.nth(2).inner_text())
    assert len(links) == 2
    link_a, link_b = (link for _, link in sorted(links.items()))

    a = browser.new_context().new_page()
    b = browser.new_context().new_page()
    a.goto(link_a)
    b.goto(link_b)
    assert "/joint" in a.url and "/joint" in b.url
    joint_a = a.url

    # The facilitator opens the analysis phase: the participants' forms for it appear.
    phases_page = f"{base}/w/{live_server.ids.first_workshop}/phases"
    facilitator.goto(phases_page)
    facilitator.select_option("#phase-to-open", "analysis")
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Open", exact=True).click()
    _shoot(facilitator, screenshots, "02b-phases")
    a.reload()

    # Party A states a concern; party B restates it; A accepts the restatement.
    concern = "that our fishermen lose the northern bay"
    a.select_option("#concern-kind", "fear")
    a.fill("#concern-text", concern)
    with a.expect_navigation():
        a.get_by_role("button", name="Put it on the table").click()
    a.get_by_text(concern).first.wait_for()
    b.reload()
    card = b.locator("article", has_text=concern)
    card.locator("textarea").fill("You fear the northern bay will be closed to your boats")
    with b.expect_navigation():
        card.get_by_role("button", name="Acknowledge").click()
    a.reload()
    with a.expect_navigation():
        a.locator("article", has_text=concern).get_by_role(
            "button", name="Yes, that is our concern"
        ).click()
    assert a.locator("article", has_text=concern).get_by_text("acknowledged").count() >= 1
    _shoot(a, screenshots, "03-joint-space")

    # The facilitator closes analysis and opens problem solving.
    facilitator.goto(phases_page)
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name=re.compile("Close the")).click()
    facilitator.select_option("#phase-to-open", "problem-solving")
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Open", exact=True).click()
    a.reload()

    # A proposes an idea answering it; both parties rate it.
    idea = "A joint fishing board that allocates the northern bay by season"
    a.fill("#idea-text", idea)
    a.locator("fieldset", has_text="The concerns it answers").get_by_label(
        re.compile(re.escape(concern))
    ).check()
    with a.expect_navigation():
        a.get_by_role("button", name="Propose", exact=True).click()
    for page in (a, b):
        page.reload()
        idea_card = page.locator("article", has_text=idea)
        idea_card.locator("select").select_option("5")
        with page.expect_navigation():
            idea_card.get_by_role("button", name="Rate").click()
    b.reload()
    assert "supported by both" in b.locator("article", has_text=idea).inner_text()
    facilitator.goto(f"{base}/w/{live_server.ids.first_workshop}/projector")
    assert idea in facilitator.locator("main").inner_text()
    _shoot(facilitator, screenshots, "03a-projector")

    # Each participant's own preliminary space and the survey pass the same checks.
    with a.expect_navigation():
        a.get_by_role("link", name="Your party's preliminary space").click()
    a.get_by_role("heading", name=re.compile("Preliminary space")).wait_for()
    _shoot(a, screenshots, "03b-preliminary-space")
    a.goto(joint_a)
    with a.expect_navigation():
        a.get_by_role("link", name="Survey", exact=True).click()
    a.fill("#m-thermometer-group", "55")
    with a.expect_navigation():
        a.get_by_role("button", name="Save my answers").click()
    a.get_by_text("your answers are saved without your name").wait_for()
    _shoot(a, screenshots, "03c-survey")
    a.goto(joint_a)

    # Live discussion between the two parties.
    with a.expect_navigation():
        a.get_by_role("link", name=re.compile("Live discussion")).first.click()
    with b.expect_navigation():
        b.get_by_role("link", name=re.compile("Live discussion")).first.click()
    b.locator("body[data-live=open]").wait_for()
    a.locator("body[data-live=open]").wait_for()
    a.locator("#present li").nth(1).wait_for()
    a.fill("#say-text", "Could the board meet in Karsa town?")
    a.get_by_role("button", name="Send").click()
    b.locator("#messages li", has_text="Could the board meet in Karsa town?").wait_for()
    _shoot(b, screenshots, "04-live")
    a.close()
    b.close()

    # The facilitator releases the idea to a feedback round.
    facilitator.goto(f"{base}/w/{live_server.ids.first_workshop}/console")
    release = facilitator.locator("form", has_text="Release chosen ideas")
    for box in release.locator("input[type=checkbox]").all():
        box.uncheck()
    release.get_by_label(re.compile(re.escape(idea))).check()
    with facilitator.expect_navigation():
        release.get_by_role("button", name="Release", exact=True).click()
    round_page = facilitator.url.split("?")[0]
    facilitator.reload()  # post/redirect/get: a reload releases nothing twice
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name=re.compile("Make the community links")).click()
    facilitator.get_by_role("heading", name="Community links").wait_for()
    community_links = [code.inner_text() for code in facilitator.locator("code.link").all()]
    assert len(community_links) == 2

    # One respondent of each community votes.
    for number, link in enumerate(community_links):
        respondent = browser.new_context().new_page()
        respondent.goto(link)
        respondent.get_by_text(idea).wait_for()
        if number == 0:
            _shoot(respondent, screenshots, "05-vote")
        respondent.get_by_role("button", name="Agree", exact=True).click()
        respondent.get_by_text("You have reacted to every statement").wait_for()
        respondent.close()
    with facilitator.expect_navigation():
        facilitator.get_by_role("link", name="Open the round").click()
    assert facilitator.url.split("?")[0] == round_page
    assert "2 votes" in facilitator.content()
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Analyse the votes").click()
    facilitator.get_by_role("heading", name="What both communities support").wait_for()
    assert idea in facilitator.locator("ol", has_text=idea).first.inner_text()
    _shoot(facilitator, screenshots, "06-round")


def test_the_interface_reads_right_to_left_in_arabic(
    live_server: LiveServer, browser: Any, screenshots: Path
) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    assert "ورش حل المشكلات" in page.inner_text("h1")
    _shoot(page, screenshots, "07-home-arabic")
    page.close()
