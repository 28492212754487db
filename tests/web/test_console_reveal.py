"""The console names nobody until the facilitator asks, and each name read is audited."""

from __future__ import annotations

from tests.web.conftest import Served, facilitator_token, signed_in
from tracktwo.domain.actors import Actor
from tracktwo.services import audit, recruitment
from tracktwo.services.transaction import run

OPERATOR = Actor.operator()


def test_the_console_shows_names_only_after_the_reveal_action(served: Served) -> None:
    workshop = served.ids.first_workshop
    names = [
        m.name
        for m in run(served.store, recruitment.members, OPERATOR, workshop, reveal=True)
        if m.name
    ]
    client = signed_in(served, facilitator_token(served, workshop))

    def reads() -> int:
        trail = run(served.store, audit.trail, OPERATOR, workshop)
        return sum(1 for entry in trail if entry.action == "read-identity")

    before = reads()
    page = client.get(f"/w/{workshop}/console").text
    assert names and not any(name in page for name in names)
    assert "?reveal=names" in page
    assert reads() == before, "a console without the reveal action reads no name"
    shown = client.get(f"/w/{workshop}/console?reveal=names").text
    assert all(name in shown for name in names)
    assert reads() >= before + len(names)
