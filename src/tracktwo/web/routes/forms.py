"""Reading the fields of the lifecycle's forms: each refusal names the field and the rule.

A form field arrives as text; a number or a date that does not parse is answered with the
same 422 page as any broken rule, saying which field and what it takes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tracktwo.errors import ValidationError


def parse_day(what: str, text: str) -> date:
    """Read a date typed as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what} is a date such as 2026-03-02, got {text!r}") from None


def parse_number(what: str, text: str, low: float, high: float) -> float:
    """Read a number from ``low`` to ``high``."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ValidationError(
            f"{what} is a number from {low:g} to {high:g}, got {text!r}"
        ) from None
    if not low <= value <= high:
        raise ValidationError(f"{what} is a number from {low:g} to {high:g}, got {value:g}")
    return value


def parse_share(what: str, text: str) -> float:
    """Read a number from 0 to 1."""
    return parse_number(what, text, 0.0, 1.0)


def parse_optional_share(what: str, text: str | None) -> float | None:
    """Read a number from 0 to 1, or nothing when the field was left empty."""
    if text is None or not text.strip():
        return None
    return parse_share(what, text)


def yes(value: Any) -> bool:
    """Say whether a checkbox or yes/no field was answered yes."""
    return str(value or "").strip().lower() in {"yes", "on", "true", "1"}


def team_member_form(form: Mapping[str, Any], parties: Sequence[str]) -> dict[str, Any]:
    """Read the add-a-facilitator form: name, e-mail, lead, the three qualities, and the
    credibility with each party (``credibility-<party>``)."""
    name = str(form.get("name", "")).strip()
    if not name:
        raise ValidationError("name: give the facilitator's name")
    return {
        "name": name,
        "email": str(form.get("email", "")).strip() or None,
        "lead": yes(form.get("lead")),
        "impartiality": parse_share("impartiality", str(form.get("impartiality", ""))),
        "communication": parse_share("communication", str(form.get("communication", ""))),
        "sensitivity": parse_share("sensitivity", str(form.get("sensitivity", ""))),
        "credibility": {
            party: parse_share(
                f"credibility with {party}", str(form.get(f"credibility-{party}", ""))
            )
            for party in parties
        },
    }
