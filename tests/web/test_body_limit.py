"""Request bodies are capped before anything reads them: 413, even without a session."""

from __future__ import annotations

from tests.web.conftest import OPERATOR, Served, anonymous, respondent_client
from tracktwo.services import feedback
from tracktwo.services.transaction import run
from tracktwo.web.app import MAX_BODY


def test_an_oversized_body_gets_413_before_the_session_or_csrf_check(served: Served) -> None:
    url = f"/api/rounds/{served.round_id}/votes"
    big = b'{"votes": [' + b'["x", 1],' * (MAX_BODY // 9 + 10) + b'["x", 1]]}'
    assert len(big) > MAX_BODY
    nobody = anonymous(served).post(url, content=big, headers={"content-type": "application/json"})
    assert nobody.status_code == 413
    respondent = respondent_client(served, "Ilvan community")
    assert (
        respondent.post(url, content=big, headers={"content-type": "application/json"}).status_code
        == 413
    )
    form = anonymous(served).post("/signout", content=b"a=" + b"x" * (MAX_BODY + 1))
    assert form.status_code == 413


def test_a_streamed_body_past_the_limit_gets_413_and_without_a_session_401(
    served: Served,
) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 65_536  # 2.5 MB in all, no Content-Length

    url = f"/api/rounds/{served.round_id}/votes"
    respondent = respondent_client(served, "Ilvan community")
    assert respondent.post(url, content=chunks()).status_code == 413
    # without a session the answer is decided before the body is parsed
    assert anonymous(served).post(url, content=chunks()).status_code == 401


def test_a_full_ballot_of_10000_votes_fits(served: Served) -> None:
    respondent = respondent_client(served, "Sorai community")
    statement = run(served.store, feedback.statements, OPERATOR, served.round_id)[0].id
    ballot = {"votes": [[statement, 1]] * 10_000}
    answer = respondent.post(f"/api/rounds/{served.round_id}/votes", json=ballot)
    assert answer.status_code != 413, answer.status_code
