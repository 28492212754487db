"""Schema fuzzing (schemathesis): every operation of the OpenAPI schema, fed data built
from the schema and data that breaks it, as a facilitator, a respondent and nobody, never
answers with a server error. Bounded: a fixed number of examples per operation and role,
about a minute in all."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode

from tests.web.conftest import Served, facilitator_token, respondent_client, signed_in

EXAMPLES = 8
# Sign-out would end the session the other calls use; the sign-in and community links are
# the credential themselves (test_sign_in.py, test_ballots.py).
SKIPPED = {"/signout", "/signin/{token}", "/r/{link}", "/i/{invitation}"}


def _clients(served: Served) -> dict[str, Any]:
    return {
        "facilitator": signed_in(served, facilitator_token(served, served.ids.first_workshop)),
        "respondent": respondent_client(served, sorted(served.round_links)[0]),
        "nobody": served.client(),
    }


def test_no_operation_answers_a_server_error_to_fuzzed_input(served: Served) -> None:
    raw = served.app.openapi()  # type: ignore[attr-defined]
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = served.app
    clients = _clients(served)
    checked: dict[str, int] = {}
    failures: list[str] = []
    roles = [
        (
            role,
            dict(client.cookies.items()),
            {k: v for k, v in client.headers.items() if k.lower() == "x-csrf-token"},
        )
        for role, client in clients.items()
    ]
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIPPED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any) -> None:
                for role, cookies, headers in roles:  # one case, sent as each role
                    answer = case.call(cookies=cookies, headers=headers)
                    checked[case.operation.label] = checked.get(case.operation.label, 0) + 1
                    if answer.status_code >= 500:
                        failures.append(f"{case.operation.label} as {role}: {answer.status_code}")

            try:
                call()
            except Exception as error:  # an unsatisfiable schema part: say which
                if "Unsatisfiable" not in type(error).__name__:
                    raise
    assert failures == []
    assert len(checked) >= 40, sorted(checked)
    print(f"schemathesis: {sum(checked.values())} calls over {len(checked)} operations")


@pytest.fixture(autouse=True)
def _quiet_limits(served: Served) -> Any:
    """Fuzzing sends far more than a person would: lift the per-respondent limit here (its
    own tests are in test_respondent_rate_limit.py)."""
    limits = served.app.state.respondent_limits  # type: ignore[attr-defined]
    rate = limits.rate
    limits.rate = 0
    yield
    limits.rate = rate
