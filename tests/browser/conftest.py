"""A served demo on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.serving import served_on_loopback
from tracktwo import demo
from tracktwo.demo import DemoIds
from tracktwo.services.setup import initialise
from tracktwo.store.database import Store
from tracktwo.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    """The app served on a loopback port."""

    url: str
    store: Store
    ids: DemoIds

    def facilitator_token(self) -> str:
        """A fresh sign-in link for the first workshop's lead facilitator (made when asked:
        a new link voids that facilitator's earlier unused one)."""
        return demo.facilitator_link(self.store, self.ids.first_workshop)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser") / "data"
    store = initialise(folder)
    ids = demo.build_demo(store, seed=7)
    app = create_app(store)
    with served_on_loopback(app) as url:
        yield LiveServer(url, store, ids)
    store.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(
            "SKIPPED LOUDLY: Debian's Chromium is not at /usr/bin/chromium "
            "(apt-get install -y chromium; .ci/run installs it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
