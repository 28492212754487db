"""``tracktwo signin`` prints working sign-in links at any time; each voids only that
person's older unused link; on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.integration.conftest import BACKENDS, folder_args, open_test_store
from tracktwo.cli.app import app
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.services import recruitment, signin, workshops
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.web.app import create_app

OPERATOR = Actor.operator()
runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_test_store(request.param, tmp_path / "data") as store:
        yield store


@pytest.fixture
def island(empty: Store) -> tuple[Store, Any]:
    return empty, build_demo(empty, seed=7)


def _link(store: Store, workshop: UUID, kind: ActorKind, subject: UUID | str) -> str:
    return run(
        store, signin.create_link, OPERATOR, workshop, kind=kind, subject_id=UUID(str(subject))
    ).token


def _sign_in(store: Store, path: str) -> int:
    client = TestClient(create_app(store), follow_redirects=False)
    return client.get(path).status_code


def test_signin_facilitator_prints_a_working_link_and_voids_only_that_facilitators_older_one(
    island: tuple[Store, Any],
) -> None:
    store, ids = island
    workshop = ids.first_workshop
    lead, second = run(store, workshops.facilitators_of, OPERATOR, workshop)
    leads_older = _link(store, workshop, ActorKind.FACILITATOR, lead)
    seconds_older = _link(store, workshop, ActorKind.FACILITATOR, second)
    printed = invoke(
        "signin", "facilitator", str(workshop), "--facilitator", str(second), *folder_args(store)
    )
    assert printed.exit_code == 0, printed.output
    url = printed.stdout.strip()
    assert url.startswith("http://127.0.0.1:8000/signin/"), printed.stdout
    path = url.removeprefix("http://127.0.0.1:8000")
    client = TestClient(create_app(store), follow_redirects=False)
    answer = client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/w/{workshop}/console"
    assert client.get(answer.headers["location"]).status_code == 200
    assert _sign_in(store, f"/signin/{seconds_older}") == 403, "that facilitator's older link"
    assert _sign_in(store, f"/signin/{leads_older}") == 303, "the other facilitator's stays"
    assert _sign_in(store, path) == 403, "single use"


def test_signin_facilitator_takes_lead_or_a_name_and_the_address_people_use(
    island: tuple[Store, Any],
) -> None:
    store, ids = island
    workshop = str(ids.first_workshop)
    for who in ("lead", "Prof. Tobias Wren"):
        printed = invoke(
            "signin",
            "facilitator",
            workshop,
            "--facilitator",
            who,
            "--base-url",
            "https://workshop.example.org/",
            *folder_args(store),
        )
        assert printed.exit_code == 0, printed.output
        url = printed.stdout.strip()
        assert url.startswith("https://workshop.example.org/signin/")
        assert _sign_in(store, url.removeprefix("https://workshop.example.org")) == 303


def test_signin_member_prints_a_working_link_that_voids_the_members_older_one(
    island: tuple[Store, Any],
) -> None:
    store, ids = island
    workshop = ids.first_workshop
    member = run(store, recruitment.members, OPERATOR, workshop)[0].member_id
    older = _link(store, workshop, ActorKind.PARTICIPANT, member)
    printed = invoke("signin", "member", str(workshop), "--member", member, *folder_args(store))
    assert printed.exit_code == 0, printed.output
    assert _sign_in(store, printed.stdout.strip().removeprefix("http://127.0.0.1:8000")) == 303
    assert _sign_in(store, f"/signin/{older}") == 403


def test_signin_names_what_is_wrong_with_exit_status_2(island: tuple[Store, Any]) -> None:
    store, ids = island
    for who in ("Nobody Here", "00000000-0000-0000-0000-000000000000"):
        refused = invoke(
            "signin",
            "facilitator",
            str(ids.first_workshop),
            "--facilitator",
            who,
            *folder_args(store),
        )
        assert refused.exit_code == 2
        assert "no facilitator" in refused.output
    malformed = invoke(
        "signin", "facilitator", "nope", "--facilitator", "lead", *folder_args(store)
    )
    assert malformed.exit_code == 2
    assert "not a valid workshop id" in malformed.output
