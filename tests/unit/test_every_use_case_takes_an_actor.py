"""Every use case that touches a workshop's data takes an actor and asks services/access.py;
the few that need none (their argument is the credential) are marked and say why."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import tracktwo.services


def use_cases() -> list[tuple[str, object]]:
    """Return every public function of the services whose first parameter is ``uow``."""
    found = []
    for module_info in pkgutil.iter_modules(tracktwo.services.__path__):
        module = importlib.import_module(f"tracktwo.services.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:1] == ["uow"]:
                found.append((f"{module_info.name}.{name}", function))
    return found


def test_every_use_case_takes_an_actor_or_says_why_it_needs_none() -> None:
    listed = use_cases()
    assert len(listed) >= 60, "the services' use cases were not found"
    unmarked = [
        name
        for name, function in listed
        if "actor" not in inspect.signature(function).parameters  # type: ignore[arg-type]
        and not getattr(function, "__actor_free__", "")
    ]
    assert unmarked == [], f"use cases without an actor, not marked actor_free: {unmarked}"


def test_the_actor_free_use_cases_are_the_credential_holders() -> None:
    marked = sorted(
        name for name, function in use_cases() if getattr(function, "__actor_free__", "")
    )
    assert marked == [
        "ballots.join_by_invitation",
        "ballots.join_round",
        "feedback.cast_vote_group",
        "feedback.round_of_link",
        "signin.redeem",
        "web_sessions.end",
        "web_sessions.resolve",
        "web_sessions.resolve_many",
    ]
