"""Sessions in Chromium, on each backend: signing out revokes the session, so the same
cookie, copied to another browser before sign-out, gets 401 afterwards; the cookie is
HttpOnly and holds a random id only; the API reference renders, from this app alone, for a
signed-in facilitator and for no one else."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_workshop_walkthrough import _shoot
from tests.integration.conftest import BACKENDS, open_test_store
from tests.serving import served_on_loopback
from tracktwo import demo
from tracktwo.demo import DemoIds
from tracktwo.store.database import Store
from tracktwo.web.app import create_app

pytestmark = pytest.mark.browser


@dataclass
class Site:
    url: str
    store: Store
    ids: DemoIds

    def signin_url(self) -> str:
        return f"{self.url}/signin/{demo.facilitator_link(self.store, self.ids.first_workshop)}"

    def console(self) -> str:
        return f"{self.url}/w/{self.ids.first_workshop}/console"


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    with open_test_store(request.param, tmp_path_factory.mktemp("browser") / "data") as store:
        ids = demo.build_demo(store, seed=7)
        with served_on_loopback(create_app(store)) as url:
            yield Site(url, store, ids)


def test_signing_out_revokes_the_session_even_for_a_copied_cookie(
    site: Site, browser: Any, screenshots: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.signin_url())
    assert "/console" in page.url
    session = next(c for c in context.cookies() if c["name"] == "tracktwo_session")
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    assert "tracktwo_session" not in page.evaluate("document.cookie"), "no script reads it"
    assert len(base64.urlsafe_b64decode(session["value"] + "=")) == 32, "a random id only"
    assert str(site.ids.first_workshop) not in session["value"]

    copy = browser.new_context()
    copy.add_cookies([session])
    elsewhere = copy.new_page()
    assert elsewhere.goto(site.console()).status == 200, "the copied cookie works until..."

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.url == f"{site.url}/"
    assert not [c for c in context.cookies() if c["name"] == "tracktwo_session"]

    refused = elsewhere.goto(site.console())
    assert refused.status == 401, "...sign-out: the same cookie is refused"
    elsewhere.get_by_text("sign in with the link you were given").wait_for()
    _shoot(elsewhere, screenshots, "08-signed-out-copy-refused")
    assert page.goto(site.console()).status == 401
    context.close()
    copy.close()


def test_the_api_reference_renders_for_a_facilitator_only(
    site: Site, browser: Any, screenshots: Path
) -> None:
    page = browser.new_context().new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("requestfailed", lambda request: console.append(f"failed: {request.url}"))
    assert page.goto(f"{site.url}/docs").status == 401
    assert page.goto(f"{site.url}/openapi.json").status == 401
    page.goto(site.signin_url())
    # The console loads its phase controls after the page: let that finish, or leaving the
    # page cancels it (logged as a failed load).
    page.wait_for_load_state("networkidle")
    console.clear()  # the two refusals above are logged as failed loads
    assert page.goto(f"{site.url}/docs").status == 200
    page.get_by_role("heading", name="API reference").wait_for()
    assert page.locator("article.card").count() >= 30
    assert page.get_by_text("POST /api/rounds/{round_id}/votes").is_visible()
    assert not console, console  # nothing blocked by the Content-Security-Policy, nothing missing
    _shoot(page, screenshots, "09-api-reference")
    page.goto(f"{site.url}/docs?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    page.get_by_role("heading", name="مرجع واجهة البرمجة").wait_for()
    assert page.goto(f"{site.url}/openapi.json").status == 200
    page.close()
