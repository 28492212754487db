"""Every lifecycle use case is reachable from a page and from a command, or says why not.

The test reads the code rather than a list kept by hand: for each route of the web app and
each command of the command line, it follows the calls the handler makes (and the
handler's own helpers in the same module, and the functions a command closes over) to the
use cases of ``tracktwo.services`` they reach. Each use case must then be reached from
both, or be marked below as web-only, command-line-only or internal, with the reason. A new
use case that is reached from neither, and not marked, fails the test.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from collections.abc import Callable, Iterator
from typing import Any

import typer
from fastapi.routing import APIRoute

from tests.unit.test_every_use_case_takes_an_actor import use_cases
from tracktwo.cli.app import app as cli_app
from tracktwo.web.app import create_app

# Reached only from pages, and why a command would not do.
WEB_ONLY = {
    "feedback.next_statement": "the respondent's voting page picks the next statement",
    "feedback.cast_votes": "a respondent votes on their phone; nobody votes at a terminal",
    "feedback.submit_statement": "a respondent writes their own statement on the page",
    "feedback.moderation_queue": "moderation happens on the round's console page",
    "feedback.moderate": "moderation happens on the round's console page",
    "feedback.set_results_open": "shown to respondents on their page: a page switch",
    "feedback.set_support_threshold": "a setting of the round's console page",
    "commonground_rounds.respondent_results": "a respondent's own results page",
    "ballots.invitation_counts": "the round's console page counts invitations sent and "
    "used; `round invite` prints the links it makes",
    "commonground_rounds.carry_actions": "the round page proposes what to carry; `workshop "
    "carry --actions-from FILE` reads the operator's choice",
    "conflicts.party_ids": "ids behind the pages' party links; commands name a party",
    "feedback.round_of": "the round page's header; `round list` lists a workshop's rounds",
    "record.last_pruning": "the console shows what the last pruning kept; `phase prune` "
    "prints it as it runs",
    "workshops.series_of": "the organiser's page offers a conflict's series; `workshop "
    "list` shows each workshop's",
    "phases.party_space": "a party's preliminary space is a page for its participants",
    "phases.own_ratings": "a participant's own ratings shown on the joint page",
    "schedule.own_session_ratings": "a participant's own ratings shown on the sessions page",
    "live.admit": "the live discussion is a page, never written anywhere",
    "surveys.answer_survey": "a participant answers on the page; imports come by file",
    "recruitment.returning_candidates": "the list the page's invite-back form offers",
    "projector.projection": "the room's screen is a page on the projector; `phase board` "
    "prints the whole board at the terminal",
}
# Reached only from the command line, and why a page would not do.
CLI_ONLY = {
    "retention.enforce": "retention runs on a schedule (cron), not on a click",
    "workshops.destroy_workshop": "destroying a workshop and its key is the operator's, at "
    "the terminal that holds the master key",
    "workshops.destroy_workshops": "the same, for several workshops (retention)",
    "signin.create_organiser_link": "the organiser's own link is made at the terminal: it "
    "is how the browser is first trusted",
    "signin.find_facilitator": "the command line names a facilitator by name or 'lead'",
    "recruitment.act_as_member": "typing in a participant's paper contribution",
    "surveys.import_survey_file": "a survey file from the operator's disk (the page takes "
    "answers one by one)",
    "audit.trail": "the audit trail is read at the terminal by whoever holds the key",
    "workshops.carry_ideas": "carrying ideas into a series workshop reads a file of actions",
    "workshops.facilitators_of": "the lead's id, for the link `tracktwo run` prints; pages "
    "list the team with third_party",
    "recruitment.add_member": "adding a member by hand overrides the optimiser; a rare, "
    "deliberate act kept at the terminal",
    "recruitment.reveal_identity": "a candidate's full contact details, read at the terminal "
    "(the page reveals names)",
    "phases.link_idea": "the page links an idea to its concerns as it is proposed",
    "reports.holds_any_engagement": "decides whether `tracktwo run` loads the demo",
    "reports.composed_workshops": "decides which console `tracktwo run` links to",
}
# Not user actions: the machinery of sign-in, sessions and access.
INTERNAL_MODULES = {"web_sessions", "access", "ids", "transaction"}
INTERNAL = {
    "signin.redeem": "a sign-in link is redeemed by following it",
    "ballots.join_round": "a community link is redeemed by following it",
    "ballots.join_by_invitation": "an invitation is redeemed by following it",
    "feedback.cast_vote_group": "the vote path's batch of one request",
    "feedback.round_of_link": "finds a round from its link",
    "reports.conflict_of": "finds the conflict of a workshop for a page",
    "schedule.workshop_of_session": "finds the workshop of a session for a path",
    "recruitment.candidate_labels": "labels for pages and the console",
    "commonground_rounds.my_place_on_the_map": "respondent_results and place_on_the_map in "
    "one call, which the results page makes in two",
    "retention.forget_destroyed": "the bookkeeping of destruction, within retention",
    # Reached only by the island demo, which builds a whole series in one go:
    "conflicts.party_ids": "the demo acts as its participants by party id",
    "commonground_rounds.carry_actions": "the demo carries a round's suggestions forward; "
    "people choose them (`workshop carry --actions-from FILE`)",
    "record.last_pruning": "the demo's report; the console shows it within the board",
}


def _service_name(function: types.FunctionType) -> str:
    return f"{function.__module__.rsplit('.', 1)[1]}.{function.__name__}"


def _calls(function: Callable[..., Any], seen: set[int]) -> Iterator[str]:
    """Yield ``module.function`` of each service use case ``function`` reaches.

    A use case is reached when the code names it (calls it, or hands it to ``run``). The
    reader follows the other functions of the project the code names (its own helpers,
    what a command closes over, the use cases a use case calls in turn), but not into
    ``build_demo``, which calls everything once to build the island.
    """
    function = inspect.unwrap(function)
    if id(function) in seen or not isinstance(function, types.FunctionType):
        return
    seen.add(id(function))
    named: list[Any] = []
    for cell in function.__closure__ or ():
        content = cell.cell_contents
        named.extend(content if isinstance(content, tuple) else [content])
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):  # no source, or a lambda's line alone
        tree = ast.Module(body=[], type_ignores=[])
    scope = function.__globals__
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = scope.get(node.value.id)
            if isinstance(owner, types.ModuleType):
                named.append(getattr(owner, node.attr, None))
        elif isinstance(node, ast.Name):
            named.append(scope.get(node.id))
    for item in named:
        if not isinstance(item, types.FunctionType):
            continue
        module = item.__module__
        if module.startswith("tracktwo.services."):
            yield _service_name(item)
            yield from _calls(item, seen)
        elif module.startswith("tracktwo.") and item.__name__ != "build_demo":
            yield from _calls(item, seen)


def _commands(group: typer.Typer, prefix: str = "") -> Iterator[tuple[str, Callable[..., Any]]]:
    for command in group.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        if command.callback is not None:
            yield f"{prefix}{name}".strip(), command.callback
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            yield from _commands(sub.typer_instance, f"{prefix}{sub.name} ")


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every API route of the app, through the routers it includes."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)


def reached_from_pages() -> dict[str, set[str]]:
    app = create_app(None)  # type: ignore[arg-type]
    reached: dict[str, set[str]] = {}
    for route in _routes(app.routes):
        if True:
            for use_case in _calls(route.endpoint, set()):
                reached.setdefault(use_case, set()).add(f"{sorted(route.methods)[0]} {route.path}")
    return reached


def reached_from_commands() -> dict[str, set[str]]:
    reached: dict[str, set[str]] = {}
    for name, callback in _commands(cli_app):
        for use_case in _calls(callback, set()):
            reached.setdefault(use_case, set()).add(name)
    return reached


def test_every_lifecycle_use_case_is_reached_from_a_page_and_a_command() -> None:
    pages, commands = reached_from_pages(), reached_from_commands()
    assert len(pages) > 40 and len(commands) > 40, "the calls were not found"
    missing = []
    for name, _ in use_cases():
        module = name.split(".", 1)[0]
        if module in INTERNAL_MODULES or name in INTERNAL:
            continue
        if name not in pages and name not in CLI_ONLY:
            missing.append(f"{name}: no page")
        if name not in commands and name not in WEB_ONLY:
            missing.append(f"{name}: no command")
    assert missing == [], "\n".join(missing)


def test_every_mark_is_still_true() -> None:
    """A use case marked web-only that a command now reaches (or the reverse) is unmarked,
    and every mark names a use case that exists."""
    pages, commands = reached_from_pages(), reached_from_commands()
    existing = {name for name, _ in use_cases()}
    assert set(WEB_ONLY) <= existing and set(CLI_ONLY) <= existing
    assert set(INTERNAL) <= existing
    assert set(WEB_ONLY) & set(CLI_ONLY) == set(), "reached from neither: mark it internal"
    assert [name for name in WEB_ONLY if name in commands] == []
    assert [name for name in CLI_ONLY if name in pages] == []


def test_the_reachability_reader_sees_a_real_route_and_command() -> None:
    pages, commands = reached_from_pages(), reached_from_commands()
    assert "POST /w/{workshop}/schedule" in pages["schedule.schedule_session"]
    assert "schedule add" in commands["schedule.schedule_session"]
    assert "GET /w/{workshop}/schedule" in pages["schedule.schedule"]
    assert "schedule list" in commands["schedule.schedule"]  # through listing_command
