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


def test_only_json_numbers_1_0_and_minus_1_are_votes(served: Served) -> None:
    respondent = respondent_client(served, "Ilvan community")
    statement = run(served.store, feedback.statements, OPERATOR, served.round_id)[0].id
    url = f"/api/rounds/{served.round_id}/votes"
    for bad in (True, False, "1", 1.0, 2, -2, None):
        answer = respondent.post(url, json={"votes": [[statement, bad]]})
        assert answer.status_code == 422, (bad, answer.status_code)
    assert respondent.post(url, json={"votes": [[statement, -1]]}).json() == {"stored": 1}
