"""The rendered round pages say what both communities support, what divides them, and what
has not enough votes yet, for the planted round whose answer is known (tests/planted.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer
from tests.browser.test_workshop_walkthrough import _shoot
from tests.planted import OPERATOR, plant_round
from tracktwo import demo
from tracktwo.services import feedback
from tracktwo.services.transaction import run

pytestmark = pytest.mark.browser


def test_the_round_pages_sort_the_planted_statements_by_the_stated_rule(
    live_server: LiveServer, browser: Any, screenshots: Path
) -> None:
    store, workshop = live_server.store, live_server.ids.first_workshop
    planted = plant_round(store, workshop)
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/signin/{demo.facilitator_link(store, workshop)}")
    page.goto(f"{live_server.url}/w/{workshop}/rounds/{planted.round_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Analyse the votes").click()
    both, divides, few = (
        page.locator("#both-support"),
        page.locator("#divides"),
        page.locator("#not-enough-votes"),
    )
    assert planted.shared in both.inner_text()
    assert planted.divisive not in both.inner_text()
    assert planted.divisive in divides.inner_text()
    assert "17% agree, 17 of 100 votes" in divides.inner_text()
    assert planted.few_votes in few.inner_text()
    assert "figures withheld" in few.inner_text() and "100%" not in few.inner_text()
    assert re.search(r"lower end of the 95% interval .* at least 50%", page.inner_text("#rule"))
    _shoot(page, screenshots, "10-round-common-ground")

    with page.expect_navigation():
        page.get_by_role("button", name="Open results to respondents").click()
    respondent = browser.new_context().new_page()
    respondent.goto(f"{live_server.url}/r/{planted.links['Ilvan community']}")
    respondent.goto(f"{live_server.url}/rounds/{planted.round_id}/results")
    assert planted.shared in respondent.inner_text("#both-support")
    assert planted.divisive in respondent.inner_text("#divides")
    assert planted.divisive not in respondent.inner_text("#both-support")
    assert planted.few_votes in respondent.inner_text("#not-enough-votes")
    _shoot(respondent, screenshots, "11-respondent-results")
    run(store, feedback.set_results_open, OPERATOR, planted.round_id, open_=False)


def test_the_map_has_a_legend_shares_by_community_a_stability_sentence_and_you(
    live_server: LiveServer, browser: Any, screenshots: Path
) -> None:
    store, workshop = live_server.store, live_server.ids.first_workshop
    planted = plant_round(store, workshop)
    respondent = browser.new_context().new_page()
    respondent.goto(f"{live_server.url}/r/{planted.links['Sorai community']}")
    for number in range(3):  # agree with everything, as most of the Sorai community did
        form = respondent.locator("#statement form")
        statement = respondent.locator("#statement .statement").inner_text()
        assert form.get_attribute("aria-labelledby")  # the form is named by its statement
        with respondent.expect_response(lambda r: r.url.endswith("/vote")):
            respondent.get_by_role("button", name="Agree", exact=True).click()
        # The focus moves on to what replaced the statement: the next one, or the thanks.
        # (Polled from here: Playwright's own polling compiles its predicate with eval,
        # which the page's Content Security Policy rightly refuses.)
        focused = respondent.locator(".statement:focus, [role=status]:focus")
        focused.first.wait_for(state="attached")
        if number < 2:
            assert respondent.locator("#statement .statement").inner_text() != statement
    _shoot(respondent, screenshots, "12a-voted")
    facilitator = browser.new_context().new_page()
    facilitator.goto(f"{live_server.url}/signin/{demo.facilitator_link(store, workshop)}")
    facilitator.goto(f"{live_server.url}/w/{workshop}/rounds/{planted.round_id}")
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Analyse the votes").click()
    for page in (facilitator,):
        legend = page.locator("#groups").inner_text()
        assert re.search(r"Group A: \d+ respondents \((Ilvan|Sorai) community \d+%", legend)
        assert page.locator("svg.opinion-map circle").count() >= 2
        assert re.search(
            r"opinion groups are (stable|only moderately|unstable)", page.inner_text("main")
        )
        assert page.locator("svg.opinion-map text", has_text="you").count() == 0
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Open results to respondents").click()
    respondent.goto(f"{live_server.url}/rounds/{planted.round_id}/results")
    assert planted.shared in respondent.inner_text("#both-support")
    assert "Sorai community" in respondent.inner_text("#groups")
    assert respondent.locator("svg.opinion-map text", has_text="you").count() == 1
    assert "your place marked" in (
        respondent.locator("svg.opinion-map").get_attribute("aria-label") or ""
    )
    respondent.locator("#groups details summary").first.click()
    assert respondent.locator("#groups details[open] li").count() >= 1
    _shoot(respondent, screenshots, "12-respondent-map-with-you")
    run(store, feedback.set_results_open, OPERATOR, planted.round_id, open_=False)
