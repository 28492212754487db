"""The vote route's fast path runs what the declared route declares, and answers alike."""

from __future__ import annotations

from fastapi.routing import APIRoute

from tests.web.conftest import OPERATOR, Served, anonymous, respondent_client
from tracktwo.services import feedback
from tracktwo.services.transaction import run
from tracktwo.web.routes import api
from tracktwo.web.vote_path import PATH, STEPS


def test_the_fast_path_runs_the_declared_routes_steps_in_order() -> None:
    (route,) = [
        r
        for r in api.votes_router.routes
        if isinstance(r, APIRoute) and r.endpoint is api.cast_votes
    ]
    declared = [d.dependency for d in route.dependencies]  # the router's come first
    assert tuple(declared) == STEPS
    assert PATH.fullmatch(route.path.replace("{round_id}", "x"))


def test_the_fast_path_answers_as_the_route_would(served: Served) -> None:
    url = f"/api/rounds/{served.round_id}/votes"
    statement = run(served.store, feedback.statements, OPERATOR, served.round_id)[0].id
    nobody = anonymous(served).post(url, json={"votes": [[statement, 1]]})
    assert nobody.status_code == 401 and nobody.json() == {
        "detail": "sign in with the link you were given"
    }
    assert nobody.headers["x-frame-options"] == "DENY"  # the security headers still apply
    respondent = respondent_client(served, "Ilvan community")
    assert respondent.post(url, json={"votes": [[statement, 1]]}).json() == {"stored": 1}
    bad = respondent.post(url, json={"votes": [[statement, True]]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][0] == "body"
    unknown = respondent.post(url, json={"votes": [["no-such-statement", 1]]})
    assert unknown.status_code == 400 and "row 1" in unknown.json()["detail"]
    forged = respondent.post(url, json={"votes": [[statement, 1]]}, headers={"X-CSRF-Token": "x"})
    assert forged.status_code == 403
    other_round = respondent.post("/api/rounds/00000000-0000-0000-0000-000000000000/votes", json={})
    assert other_round.status_code == 403
    assert respondent.get(url).status_code == 405  # only POST is the fast path's
