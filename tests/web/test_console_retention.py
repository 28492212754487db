"""The facilitator's console says how long the workshop's records are kept."""

from __future__ import annotations

from tests.web.conftest import Served, facilitator_token, signed_in


def test_the_console_shows_the_retention_date_in_each_language(served: Served) -> None:
    workshop = served.ids.first_workshop
    client = signed_in(served, facilitator_token(served, workshop))
    english = client.get(f"/w/{workshop}/console")
    assert english.status_code == 200
    assert "Kept until 2031-12-31, then destroyed with its key" in english.text
    arabic = client.get(f"/w/{workshop}/console?lang=ar")
    assert arabic.status_code == 200
    assert "يُحتفظ بها حتى 2031-12-31" in arabic.text
