"""Every route, called as every role and as nobody, gives its documented answer.

Each route declares who may reach it in its OpenAPI ``x-access`` field; this matrix checks
the declaration against what the app does. Allowed callers get neither 401 nor 403 (nor a
server error); everyone else gets 401 (signed out) or 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import (
    OPERATOR,
    Served,
    anonymous,
    facilitator_token,
    member_token,
    respondent_client,
    signed_in,
)
from tracktwo.services import (
    feedback,
    phase_order,
    phases,
    recruitment,
    reentry,
    reports,
    schedule,
    signin,
    transfers,
)
from tracktwo.services.transaction import run
from tracktwo.web.security import Access

ROLES = (
    "nobody",
    "organiser",
    "facilitator",
    "participant-a",
    "participant-b",
    "other-facilitator",
    "other-participant",
    "respondent",
)
ALLOWED: dict[Access, set[str]] = {
    Access.ANYONE: set(ROLES),
    Access.SIGNED_IN: set(ROLES) - {"nobody"},
    Access.ORGANISER: {"organiser"},
    Access.FACILITATOR: {"facilitator"},
    Access.ANY_FACILITATOR: {"facilitator", "other-facilitator"},
    Access.MEMBER: {"facilitator", "participant-a", "participant-b"},
    Access.OWN_PARTY: {"facilitator", "participant-a"},
    Access.PARTICIPANT: {"participant-a", "participant-b"},
    Access.RESPONDENT: {"respondent"},
}
# Rules on particular records narrow a route's rule: the concern below belongs to party A,
# so only A may table it or judge its restatement.
NARROWED = {
    "/w/{workshop}/concerns/{concern}/table": {"participant-a"},
    "/w/{workshop}/acknowledgements/{ack}/confirm": {"participant-a"},
}
# Links are the credential themselves, and signing out ends the session the matrix uses;
# they are tested in test_sign_in.py and test_ballots.py.
CREDENTIAL_ROUTES = {"/signin/{token}", "/r/{link}", "/i/{invitation}", "/signout"}


def _documented(served: Served) -> list[tuple[str, str, str | None]]:
    """Return (path, method, x-access) for every operation in the OpenAPI schema."""
    schema = served.app.openapi()  # type: ignore[attr-defined]
    return [
        (path, method.upper(), operation.get("x-access"))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


@pytest.fixture(scope="module")
def world(served: Served) -> dict[str, Any]:
    """Ids to fill paths with, and a signed-in client per role."""
    store, ids = served.store, served.ids
    party_a, party_b = sorted(served.members)
    a_member = served.members[party_a][0]
    b_member = served.members[party_b][0]
    a_actor = run(store, recruitment.act_as_member, OPERATOR, UUID(a_member.member_id))
    b_actor = run(store, recruitment.act_as_member, OPERATOR, UUID(b_member.member_id))
    run(store, phase_order.open_phase, OPERATOR, ids.first_workshop, "analysis")
    concern = run(
        store,
        phases.state_concern,
        a_actor,
        ids.first_workshop,
        kind="need",
        text="a need of party A",
    )
    ack = run(store, phases.acknowledge_concern, b_actor, concern, restatement="as B hears it")
    idea = run(store, phases.board, OPERATOR, ids.first_workshop).ideas[0].id
    vision = run(store, phases.board, OPERATOR, ids.first_workshop).shared_vision[0].id
    session = next(
        s for s in run(store, schedule.schedule, OPERATOR, ids.first_workshop) if s.kind == "joint"
    ).id
    respondent = respondent_client(served, party_a)
    statements = run(store, feedback.statements, OPERATOR, served.round_id)
    pending = run(
        store,
        feedback.submit_statement,
        run(store, feedback.join_round, served.round_links[party_b]),
        served.round_id,
        text="a statement waiting for moderation",
    )
    run(store, feedback.set_results_open, OPERATOR, served.round_id, open_=True)
    other_member = run(store, recruitment.members, OPERATOR, ids.next_workshop)[0].member_id
    check = run(store, reentry.schedule_check, OPERATOR, UUID(a_member.member_id),
                due_on=date(2026, 4, 1))  # fmt: skip
    logged = run(store, transfers.log_transfer, OPERATOR, UUID(idea), channel="decision-maker",
                 recipient="an envoy", occurred_on=date(2026, 3, 1))  # fmt: skip
    organiser_link = run(store, signin.create_organiser_link, OPERATOR).token
    conflict = run(store, reports.conflict_of, OPERATOR, ids.first_workshop)
    clients: dict[str, TestClient] = {
        "nobody": anonymous(served),
        "organiser": signed_in(served, organiser_link),
        "facilitator": signed_in(served, facilitator_token(served, ids.first_workshop)),
        "participant-a": signed_in(
            served, member_token(served, ids.first_workshop, a_member.member_id)
        ),
        "participant-b": signed_in(
            served, member_token(served, ids.first_workshop, b_member.member_id)
        ),
        "other-facilitator": signed_in(served, facilitator_token(served, ids.next_workshop)),
        "other-participant": signed_in(
            served, member_token(served, ids.next_workshop, other_member)
        ),
        "respondent": respondent,
    }
    path_ids = {
        "workshop": str(ids.first_workshop),
        "party": str(served.parties[party_a]),
        "concern": str(concern),
        "ack": str(ack),
        "idea": idea,
        "vision": vision,
        "session": session,
        "round_id": str(served.round_id),
        "statement_id": str(pending),
        "record_type": "concern",
        "record_id": str(concern),
        "flag": "0123456789ab",
        "conflict": str(conflict),
        "check": str(check),
        "transfer": str(logged.id),
    }
    forms: dict[str, dict[str, Any]] = {
        "/w/{workshop}/interventions": {"phase": "analysis", "kind": "clarify"},
        "/w/{workshop}/compose": {
            "per_party": "4",
            "max_status_gap": "0.05",
            "min_distinct_roles": "3",
        },
        "/w/{workshop}/release": {"title": "T", "ideas": [idea]},
        "/w/{workshop}/rounds/{round_id}/moderate/{statement_id}": {"accept": "no"},
        "/w/{workshop}/rounds/{round_id}/results": {"show": "yes"},
        "/w/{workshop}/rounds/{round_id}/threshold": {"percent": "50"},
        "/w/{workshop}/rounds/{round_id}/invitations": {"community": party_a, "count": "2"},
        "/w/{workshop}/concerns": {"kind": "need", "text": "x"},
        "/w/{workshop}/concerns/{concern}/acknowledge": {"restatement": "x"},
        "/w/{workshop}/acknowledgements/{ack}/confirm": {"satisfied": "yes"},
        "/w/{workshop}/ideas": {"text": "x", "answers": [str(concern)]},
        "/w/{workshop}/ideas/{idea}/rate": {"value": "3"},
        "/w/{workshop}/constraints": {"kind": "political", "text": "x"},
        "/w/{workshop}/reassurance": {"who": "x", "what": "y", "when": "z"},
        "/w/{workshop}/visions": {"text": "x"},
        "/w/{workshop}/visions/{vision}/amend": {"text": "x"},
        "/w/{workshop}/phases/open": {"phase": "analysis"},
        "/w/{workshop}/hide/{record_type}/{record_id}": {"reason": "a duplicate"},
        "/w/{workshop}/merge/{record_type}/{record_id}": {"into": str(concern), "reason": "x"},
        "/w/{workshop}/survey": {"wave": "pre", "trust-group": "4"},
        "/rounds/{round_id}/vote": {"statement": statements[0].id, "choice": "pass"},
        "/w/{workshop}/sessions/{session}/rate": {"value": "4"},
        "/w/{workshop}/transfers/{transfer}/result": {"result": "considered"},
        "/w/{workshop}/reentry/checks": {"member": a_member.member_id, "due_on": "2026-05-01"},
        "/w/{workshop}/approvals": {"candidate": a_member.candidate_id, "approved": "yes"},
        "/organise/conflicts/{conflict}/ripeness": {
            "party": party_a,
            "assessed_on": "2026-01-02",
            "can_win_alone": "no",
            "stalemate_pain": "0.5",
            "assessor": "x",
        },
        "/rounds/{round_id}/statements": {"text": "x"},
    }
    json_bodies = {"/api/rounds/{round_id}/votes": {"votes": [[statements[1].id, 1]]}}
    return {"clients": clients, "ids": path_ids, "forms": forms, "json": json_bodies}


def test_every_route_declares_who_may_reach_it(served: Served) -> None:
    documented = _documented(served)
    assert len(documented) >= 30
    for path, method, declared in documented:
        assert declared in {a.value for a in Access}, f"{method} {path} declares no access rule"


def test_every_route_answers_every_role_as_documented(
    served: Served, world: dict[str, Any]
) -> None:
    checked = 0
    # Closing the round ends what respondents may do in it: check that route last.
    routes = sorted(_documented(served), key=lambda route: route[0].endswith("/close"))
    for route_path, method, declared in routes:
        if declared is None or route_path in CREDENTIAL_ROUTES:
            continue
        allowed = NARROWED.get(route_path, ALLOWED[Access(declared)])
        path = route_path.format(**world["ids"])
        for role in ROLES:
            if route_path == "/signout" and role != "nobody":
                continue  # signing out would end the session the other checks use
            client = world["clients"][role]
            if method == "GET":
                answer = client.get(path)
            elif route_path in world["json"]:
                answer = client.post(path, json=world["json"][route_path])
            else:
                answer = client.post(path, data=world["forms"].get(route_path, {}))
            where = f"{method} {route_path} as {role}: {answer.status_code}"
            if role in allowed:
                assert answer.status_code not in (401, 403), where
                assert answer.status_code < 500, where
            else:
                expected = 401 if role == "nobody" else 403
                assert answer.status_code == expected, where
            checked += 1
    assert checked > 150


def test_no_participant_reaches_the_other_partys_preliminary_space(
    served: Served, world: dict[str, Any]
) -> None:
    party_a, party_b = sorted(served.members)
    workshop = world["ids"]["workshop"]
    b = world["clients"]["participant-b"]
    assert b.get(f"/w/{workshop}/space/{served.parties[party_a]}").status_code == 403
    assert b.get(f"/w/{workshop}/space/{served.parties[party_b]}").status_code == 200


def test_every_declared_rule_is_enforced_by_the_same_declaration(served: Served) -> None:
    from fastapi.routing import APIRoute

    from tracktwo.web.security import _ENFORCE

    def routes(container: Any) -> Iterator[Any]:
        for route in container.routes:
            inner = getattr(route, "original_router", None)
            yield from routes(inner) if inner is not None else [route]

    checked = 0
    for route in routes(served.app):
        if not isinstance(route, APIRoute) or not route.openapi_extra:
            continue
        rule = Access(route.openapi_extra["x-access"])
        enforcing = {dependency.dependency for dependency in route.dependencies}
        if _ENFORCE[rule] is not None:
            assert _ENFORCE[rule] in enforcing, (
                f"{route.path} documents {rule} but does not enforce it"
            )
        checked += 1
    assert checked >= 30
