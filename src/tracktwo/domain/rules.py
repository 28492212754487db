"""The workshop method's rules, checked before anything is stored (seed section 3)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracktwo.errors import PartySizeError, RuleViolation, ValidationError

MIN_PER_PARTY = 3
MAX_PER_PARTY = 6
PRELIMINARY_HOURS = (4.0, 5.0)
SUPPORT_THRESHOLD = 3.5
# A facilitator whose impartiality, or credibility with a party, is below this (0-1 scale) is
# accepted but flagged: the seed (section 3) rests a third party's usefulness on both, and
# below the middle of the scale a party has more reason to doubt the facilitator than to trust.
FACILITATOR_FLOOR = 0.5
RATING_SCALE = (1, 5)
# Figures drawn from fewer people than this are withheld wherever they are shown: with one or
# two voters, a share is a person's own answer.
SUPPRESS_BELOW = 3
# A party's figure (survey change, idea ratings) comes only from at least k people. With 3 to
# 6 people in a party, k = 3 would show a whole party of 3, each of whom knows the other two's
# answers; 5 is the default and 3 the floor, and lowering it below the default is audited.
DEFAULT_MIN_GROUP = 5
MIN_GROUP_FLOOR = 3
# How long a workshop's records are kept when no date is set at its creation: a year is long
# enough to carry its ideas (and its returning participants) into the series' next workshop,
# and short enough that the record of who came and what they said does not outlive its use.
DEFAULT_RETENTION_DAYS = 365

Choice = TypeVar("Choice", bound=StrEnum)

KELMAN_GROUND_RULES: dict[str, str] = {
    "privacy": "what is said stays in the room: no publicity, no record, no audience",
    "no-attribution": "nothing said is attributed to the person who said it",
    "no-fault": "no one is blamed; the aim is analysis, not accusation",
    "equality": "the parties are equal in the room, whatever their power outside",
    "address-each-other": "participants address each other, not the third party or constituencies",
    "analytic-not-polemic": "discussion is analytic rather than polemical",
    "no-expectation-of-agreement": "no agreement is expected or binding",
}
"""Ground rules of Kelman's problem-solving workshops (Kelman 1996), by key."""

REQUIRED_BRIEFING_RULES = frozenset({"privacy", "no-fault", "equality"})


def require_in_range(
    name: str, value: object, low: float, high: float, *, meaning: str = ""
) -> float:
    """Return ``value`` as a float if it is a number from ``low`` to ``high``; else raise a
    ValidationError naming the field, the value and the range (``meaning`` adds what the
    ends stand for, e.g. " (no pain) to 1 (unbearable)"). The one range check of every layer.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or math.isnan(value)
        or not low <= value <= high
    ):
        span = meaning or f"from {low:g} to {high:g}"
        raise ValidationError(f"{name} is {value!r}; give a number {span}")
    return float(value)


def require_group_floor(min_group: int) -> int:
    """Return ``min_group`` if it is a whole number of at least :data:`MIN_GROUP_FLOOR`."""
    if isinstance(min_group, bool) or not isinstance(min_group, int):
        raise ValidationError(f"min_group is {min_group!r}; give a whole number of people")
    if min_group < MIN_GROUP_FLOOR:
        raise ValidationError(
            f"min_group is {min_group}; figures from fewer than {MIN_GROUP_FLOOR} people "
            f"point at a person, so give {MIN_GROUP_FLOOR} or more (default {DEFAULT_MIN_GROUP})"
        )
    return min_group


def require_unit_interval(name: str, value: float) -> float:
    """Return ``value`` if it is a number in [0, 1], else say which field was wrong."""
    return require_in_range(name, value, 0.0, 1.0, meaning="between 0 and 1")


def require_text(name: str, value: str, *, max_length: int = 4000) -> str:
    """Return stripped ``value`` if it is non-empty and not too long."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{name} must not be empty")
    if len(text) > max_length:
        raise ValidationError(f"{name} is {len(text)} characters; at most {max_length} are allowed")
    return text


ROLE_NAME_LENGTH = 40
"""At most this many characters name a role (a candidate's role is stored in as many)."""


def require_roles(roles: Iterable[str]) -> list[str]:
    """Return a conflict's roles stripped, in the order given: one or more, each named once.

    Roles are compared as typed, after stripping spaces at either end; a role may hold no
    ``=`` (``workshop compose --require-role ROLE=N`` splits on it).
    """
    names = [require_text("role", role, max_length=ROLE_NAME_LENGTH) for role in roles]
    if not names:
        raise ValidationError("a conflict needs at least one role its candidates may hold")
    for name in names:
        if "=" in name:
            raise ValidationError(f"role {name!r} holds '='; name roles without it")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(f"role(s) {', '.join(repeated)} are given twice; give each once")
    return names


def require_role_of_conflict(role: str, roles: Sequence[str]) -> str:
    """Return ``role`` stripped if it is one of the conflict's ``roles``, else refuse it
    naming the rule and the roles there are."""
    name = (role or "").strip()
    if name not in roles:
        raise ValidationError(
            f"rule 'roles of the conflict': role {name!r} is not one of this conflict's roles "
            f"({', '.join(roles)}); the organiser may add it to the conflict's roles"
        )
    return name


def kept_until(created_at: datetime | date, retention_until: date | None) -> date:
    """Return the last day a workshop's records are kept: its retention date, or, for a
    workshop stored without one, :data:`DEFAULT_RETENTION_DAYS` after its creation."""
    if retention_until is not None:
        return retention_until
    created = created_at.date() if isinstance(created_at, datetime) else created_at
    return created + timedelta(days=DEFAULT_RETENTION_DAYS)


def past_retention(created_at: datetime | date, retention_until: date | None, today: date) -> bool:
    """Say whether a workshop's records are due for destruction on ``today``: the day after
    the last day they are kept."""
    return kept_until(created_at, retention_until) < today


def require_retention_date(retention_until: date, today: date) -> date:
    """Return ``retention_until`` if it is not before ``today``: a workshop is not created
    already due for destruction."""
    if retention_until < today:
        raise ValidationError(
            f"the retention date {retention_until.isoformat()} is in the past (today is "
            f"{today.isoformat()}); give today or a later date, or none for the default of "
            f"{DEFAULT_RETENTION_DAYS} days"
        )
    return retention_until


def require_time_zone(name: str | None) -> str | None:
    """Return an IANA time zone name (``Europe/Nicosia``), or None for UTC; refuse others."""
    if name is None or not name.strip() or name.strip().upper() == "UTC":
        return None
    wanted = name.strip()
    try:
        ZoneInfo(wanted)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"time zone {wanted!r} is not an IANA time zone name, such as Europe/Nicosia "
            "or Asia/Jerusalem"
        ) from None
    return wanted


def require_party_size(per_party: int) -> int:
    """Return ``per_party`` if a workshop may have that many members per party (3 to 6)."""
    if not isinstance(per_party, int) or not MIN_PER_PARTY <= per_party <= MAX_PER_PARTY:
        raise PartySizeError(
            f"a workshop has {MIN_PER_PARTY} to {MAX_PER_PARTY} members per party; "
            f"{per_party!r} was asked"
        )
    return per_party


def require_equal_parties(members: Mapping[str, Iterable[object]]) -> int:
    """Return the common party size, or fail when parties differ or leave the 3-6 range."""
    sizes = {party: len(list(people)) for party, people in members.items()}
    if len(set(sizes.values())) != 1:
        listed = ", ".join(f"{party}: {size}" for party, size in sizes.items())
        raise PartySizeError(f"parties must have equal numbers of members; got {listed}")
    return require_party_size(next(iter(sizes.values())))


def require_rating(value: int) -> int:
    """Return ``value`` if it is a whole rating on the 1-5 scale."""
    low, high = RATING_SCALE
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(f"a rating is a whole number from {low} to {high}, got {value!r}")
    return value


def require_preliminary_hours(hours: float) -> float:
    """Return ``hours`` if a preliminary session lasts four to five hours (seed 3)."""
    low, high = PRELIMINARY_HOURS
    if not low <= hours <= high:
        raise ValidationError(
            f"a preliminary session lasts {low:g} to {high:g} hours per party; {hours:g} was asked"
        )
    return hours


def require_ground_rules(rules: Iterable[str]) -> tuple[str, ...]:
    """Return the discussed ground rules if every key is one of Kelman's."""
    chosen = tuple(dict.fromkeys(rules))
    unknown = [rule for rule in chosen if rule not in KELMAN_GROUND_RULES]
    if unknown:
        raise ValidationError(
            f"unknown ground rule(s) {', '.join(unknown)}; known: {', '.join(KELMAN_GROUND_RULES)}"
        )
    return chosen


def supported_by_all(mean_by_party: Mapping[str, float], parties: Iterable[str]) -> bool:
    """Say whether every party rates an idea at or above the support threshold (3.5 of 5)."""
    return all(
        party in mean_by_party and mean_by_party[party] >= SUPPORT_THRESHOLD for party in parties
    )


def require_choice(kind: type[Choice], value: str, what: str) -> Choice:
    """Return the member of ``kind`` named ``value``, or say which values are allowed."""
    try:
        return kind(value)
    except ValueError:
        options = ", ".join(item.value for item in kind)
        raise ValidationError(f"{what} {value!r} is not one of: {options}") from None


@dataclass(frozen=True)
class Slot:
    """A scheduled session's time: ``party`` is None for a joint session."""

    starts_at: datetime
    hours: float
    party: str | None = None
    zone: str | None = None
    """The IANA time zone the slot is described in (its times are kept in UTC)."""

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(hours=self.hours)

    def overlaps(self, other: Slot) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def describe(self) -> str:
        kind = f"preliminary session of {self.party}" if self.party else "joint session"
        if self.zone is None:
            return f"the {kind} at {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"
        zone = ZoneInfo(self.zone)
        start = self.starts_at.replace(tzinfo=UTC).astimezone(zone)
        end = self.ends_at.replace(tzinfo=UTC).astimezone(zone)
        return f"the {kind} at {start:%Y-%m-%d %H:%M}-{end:%H:%M} {start.tzname()}"


def require_schedule_fits(new: Slot, scheduled: Iterable[Slot]) -> Slot:
    """Return ``new`` if it keeps the schedule's two rules, else raise RuleViolation naming it.

    - preliminary before joint (seed 3): every preliminary session ends before the first
      joint session starts;
    - no overlap: a session may not overlap a joint session, nor another session of the same
      party (the same people cannot be in two rooms). Two parties' preliminary sessions may
      run at once: they meet apart, each with members of the third-party team.
    """
    for other in scheduled:
        joint_first = (new.party is None and other.party is not None and
                       new.starts_at < other.ends_at)  # fmt: skip
        prelim_late = (new.party is not None and other.party is None and
                       other.starts_at < new.ends_at)  # fmt: skip
        if joint_first or prelim_late:
            raise RuleViolation(
                "rule 'preliminary before joint': each party's preliminary session ends before "
                f"the first joint session starts; {new.describe()} would come "
                f"{'before the end of' if joint_first else 'after the start of'} "
                f"{other.describe()}"
            )
        if (new.party is None or other.party is None or new.party == other.party) and (
            new.overlaps(other)
        ):
            raise RuleViolation(
                f"rule 'no overlapping sessions': {new.describe()} overlaps {other.describe()}"
            )
    return new


def covered_hours(slots: Iterable[Slot]) -> float:
    """Return the hours covered by ``slots``, each hour counted once however many overlap."""
    total, end = 0.0, None
    for slot in sorted(slots, key=lambda s: s.starts_at):
        start = slot.starts_at if end is None or slot.starts_at > end else end
        if slot.ends_at > start:
            total += (slot.ends_at - start).total_seconds() / 3600
            end = slot.ends_at
    return total


def facilitator_flags(
    impartiality: float, credibility: Mapping[str, float], floor: float = FACILITATOR_FLOOR
) -> list[str]:
    """Name each of a facilitator's qualities below ``floor`` (impartiality, credibility per
    party), as a warning a facilitator can read; empty when none is."""
    flags = []
    if impartiality < floor:
        flags.append(f"impartiality {impartiality:g} is below {floor:g}")
    flags += [
        f"credibility with {party} {value:g} is below {floor:g}"
        for party, value in sorted(credibility.items())
        if value < floor
    ]
    return flags
