"""The round's JSON is rendered from the same typed results as its pages."""

from __future__ import annotations

from tests.web.conftest import OPERATOR, Served, respondent_client
from tracktwo.services import feedback
from tracktwo.services.transaction import run


def test_the_statements_api_gives_each_statement_with_its_old_keys(served: Served) -> None:
    respondent = respondent_client(served, "Ilvan community")
    answer = respondent.get(f"/api/rounds/{served.round_id}/statements")
    assert answer.status_code == 200
    shown = run(served.store, feedback.statements, OPERATOR, served.round_id)
    assert answer.json() == [
        {"id": s.id, "position": s.position, "origin": s.origin, "text": s.text} for s in shown
    ]
