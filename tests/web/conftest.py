"""A served demo: the app on the island demo, and a signed-in client for each role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from tracktwo.demo import DemoIds, build_demo
from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.services import feedback, phases, recruitment, signin, workshops
from tracktwo.services.recruitment import Member
from tracktwo.services.setup import initialise
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.web.app import create_app

OPERATOR = Actor.operator()
CSRF = re.compile(r'"X-CSRF-Token": "([^"]+)"')


@dataclass
class Served:
    """The demo app with what tests need to address it."""

    store: Store
    ids: DemoIds
    app: object
    parties: dict[str, UUID]
    members: dict[str, list[Member]]
    round_id: UUID
    round_links: dict[str, str]

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)  # type: ignore[arg-type]


def signed_in(served: Served, token: str) -> TestClient:
    """Return a client signed in with a sign-in link, holding its CSRF token."""
    client = served.client()
    answer = client.get(f"/signin/{token}")
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    found = CSRF.search(page.text)
    assert found, "the landing page carries a CSRF token"
    client.headers["X-CSRF-Token"] = found.group(1)
    return client


def facilitator_token(served: Served, workshop: UUID) -> str:
    lead = run(served.store, workshops.facilitators_of, OPERATOR, workshop)[0]
    return run(
        served.store,
        signin.create_link,
        OPERATOR,
        workshop,
        kind=ActorKind.FACILITATOR,
        subject_id=lead,
    ).token


def member_token(served: Served, workshop: UUID, member_id: str) -> str:
    return run(
        served.store,
        signin.create_link,
        OPERATOR,
        workshop,
        kind=ActorKind.PARTICIPANT,
        subject_id=UUID(member_id),
    ).token


def anonymous(served: Served) -> TestClient:
    """Return a signed-out browser that has loaded the start page (a signed-out browser has
    no session, so no CSRF token either)."""
    client = served.client()
    assert client.get("/").status_code == 200
    assert "tracktwo_session" not in client.cookies
    return client


def respondent_client(served: Served, community: str) -> TestClient:
    client = served.client()
    answer = client.get(f"/r/{served.round_links[community]}")
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    client.headers["X-CSRF-Token"] = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    return client


def serve_demo(store: Store, **options: Any) -> Served:
    """Build the island demo in ``store`` and serve it (``options`` go to create_app), with a
    feedback round open on three of the first workshop's ideas."""
    ids = build_demo(store, seed=7)
    app = create_app(store, **options)
    summary = run(store, workshops.workshop_summary, OPERATOR, ids.first_workshop)
    parties = {p.name: UUID(p.id) for p in summary.parties}
    members: dict[str, list[Member]] = {}
    for member in run(store, recruitment.members, OPERATOR, ids.first_workshop):
        members.setdefault(member.party, []).append(member)
    ideas = [UUID(i.id) for i in run(store, phases.board, OPERATOR, ids.first_workshop).ideas]
    opened = run(
        store, feedback.release_ideas, OPERATOR, ids.first_workshop, ideas[:3], title="Round"
    )
    return Served(store, ids, app, parties, members, opened.round_id, opened.links)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder: Path = tmp_path_factory.mktemp("web") / "data"
    store = initialise(folder)
    yield serve_demo(store)
    store.dispose()
