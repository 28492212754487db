"""Composition: the exact choice of workshop members, with what each constraint cost (seed 3).

Kelman's workshops bring three to six members of each party, equal numbers, chosen for
their influence in their community, their credibility there and their interest and ability
to learn (seed 3); Hewstone & Brown (1986) ask for equal status across the parties (seed 4.3).
:func:`compose` maximises the weighted sum of influence, credibility and openness with
``scipy.optimize.milp`` (HiGHS, relative gap 0: a proven optimum), then re-solves once per
constraint without it to tell what that constraint cost. :func:`brute_force_compose`
enumerates every selection instead; it exists to check :func:`compose` on small pools.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from tracktwo.domain.rules import require_in_range
from tracktwo.engines.composition_search import (
    GAIN_TOLERANCE,
    _EnumerationSearch,
    _MilpSearch,
    _objective,
    _ranked,
    _Search,
    _status_gap,
)
from tracktwo.errors import CompositionInfeasible, PartySizeError, ValidationError

if TYPE_CHECKING:
    from tracktwo.engines.composition_search import Pool

ENGINE_VERSION = "composition/1.0"
RELAXABLE = ("max_status_gap", "required_roles", "min_distinct_roles", "max_per_role")
"""The constraints that may be dropped, in the order infeasibility is blamed on them."""

DEFAULT_TIME_LIMIT = 60.0
"""Seconds allowed to one call of :func:`compose`, all its solves together."""


@dataclass(frozen=True)
class CompositionCandidate:
    """A briefed candidate; influence, credibility, openness and status run from 0 to 1."""

    id: str
    party: str
    role: str
    influence: float
    credibility: float
    openness: float
    status: float
    committed: bool

    def __post_init__(self) -> None:
        if not self.id:
            raise ValidationError("a candidate needs an id")
        if not self.role:
            raise ValidationError(f"candidate {self.id!r} needs a role")
        for name in ("influence", "credibility", "openness", "status"):
            require_in_range(f"{name} of candidate {self.id!r}", getattr(self, name), 0.0, 1.0)

    def score(self, weights: tuple[float, float, float]) -> float:
        """Return the weighted sum of influence, credibility and openness."""
        wi, wc, wo = weights
        return wi * self.influence + wc * self.credibility + wo * self.openness


@dataclass(frozen=True)
class CompositionRules:
    """The rules a composition must meet; every count is per party.

    ``max_status_gap`` bounds |mean status of one party's members - another's| (0..1; None
    drops it). ``weights`` weigh influence, credibility and openness (non-negative).
    """

    per_party: int = 4
    max_status_gap: float | None = 0.1
    min_distinct_roles: int = 2
    required_roles: Mapping[str, int] = field(default_factory=dict)
    max_per_role: int | None = None
    weights: tuple[float, float, float] = (1.0, 1.0, 1.0)
    pinned: frozenset[str] = frozenset()
    """Candidate ids the facilitators require in the workshop (not a relaxable rule)."""
    excluded: frozenset[str] = frozenset()
    """Candidate ids the facilitators leave out, whatever their scores."""

    def __post_init__(self) -> None:
        if not 3 <= self.per_party <= 6:
            raise PartySizeError(
                f"per_party is {self.per_party}; a workshop has 3 to 6 members of each party"
            )
        gap = self.max_status_gap
        if gap is not None and (math.isnan(gap) or gap < 0):
            raise ValidationError(f"max_status_gap is {gap!r}; give a number >= 0 or None")
        if self.min_distinct_roles < 0:
            raise ValidationError(f"min_distinct_roles is {self.min_distinct_roles}; give >= 0")
        if self.max_per_role is not None and self.max_per_role < 1:
            raise ValidationError(f"max_per_role is {self.max_per_role}; give >= 1 or None")
        try:
            required = {str(role): int(count) for role, count in self.required_roles.items()}
        except ValueError as error:
            raise ValidationError(f"required_roles: {error}; give whole counts") from error
        if any(not role for role in required):
            raise ValidationError("required_roles names an empty role")
        if any(count < 0 for count in required.values()):
            raise ValidationError(f"required_roles {required} holds a negative count")
        object.__setattr__(self, "required_roles", required)
        weights = tuple(float(w) for w in self.weights)
        if len(weights) != 3 or any(math.isnan(w) or w < 0 for w in weights):
            raise ValidationError(
                f"weights are {self.weights!r}; give three non-negative numbers "
                "for influence, credibility and openness"
            )
        object.__setattr__(self, "weights", weights)
        pinned, excluded = frozenset(self.pinned), frozenset(self.excluded)
        if pinned & excluded:
            raise ValidationError(
                f"candidate(s) {', '.join(sorted(pinned & excluded))} are both pinned and "
                "excluded; choose one"
            )
        object.__setattr__(self, "pinned", pinned)
        object.__setattr__(self, "excluded", excluded)

    def without(self, name: str) -> CompositionRules:
        """Return these rules with one relaxable constraint dropped."""
        relaxations: dict[str, dict[str, Any]] = {
            "max_status_gap": {"max_status_gap": None},
            "required_roles": {"required_roles": {}},
            "min_distinct_roles": {"min_distinct_roles": 0},
            "max_per_role": {"max_per_role": None},
        }
        return replace(self, **relaxations[name])

    def in_force(self) -> tuple[str, ...]:
        """Return the names of the relaxable constraints that these rules set."""
        active = {
            "max_status_gap": self.max_status_gap is not None,
            "required_roles": any(self.required_roles.values()),
            "min_distinct_roles": self.min_distinct_roles > 0,
            "max_per_role": self.max_per_role is not None,
        }
        return tuple(name for name in RELAXABLE if active[name])

    def describe(self, name: str) -> str:
        """Say one constraint in words."""
        if name == "max_status_gap":
            return f"max_status_gap {self.max_status_gap:.2f}"
        if name == "required_roles":
            wanted = ", ".join(f"{n} {r}" for r, n in self.required_roles.items() if n)
            return f"required_roles ({wanted} per party)"
        if name == "min_distinct_roles":
            return f"min_distinct_roles ({self.min_distinct_roles} roles per party)"
        return f"max_per_role ({self.max_per_role} of one role per party)"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "per_party": self.per_party,
            "max_status_gap": self.max_status_gap,
            "min_distinct_roles": self.min_distinct_roles,
            "required_roles": dict(self.required_roles),
            "max_per_role": self.max_per_role,
            "weights": list(self.weights),
            "pinned": sorted(self.pinned),
            "excluded": sorted(self.excluded),
        }


@dataclass(frozen=True)
class ConstraintReport:
    """What one constraint cost: the objective gained if it alone were dropped (>= 0)."""

    name: str
    binding: bool
    cost: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return asdict(self)


@dataclass(frozen=True)
class Composition:
    """The chosen members per party (best first), and why.

    ``status_gap`` is the largest pairwise gap in mean status; ``pool`` holds the committed
    candidates that were considered; ``proven_optimal`` is False when the time limit stopped
    a solve before it proved its optimum (the selection is then the best found).
    """

    selected: Mapping[str, tuple[str, ...]]
    objective: float
    status_gap: float
    constraints: tuple[ConstraintReport, ...]
    excluded_uncommitted: tuple[str, ...]
    rules: CompositionRules
    pool: tuple[CompositionCandidate, ...]
    proven_optimal: bool = True
    engine_version: str = ENGINE_VERSION

    def _ranked_pool(self, party: str) -> list[CompositionCandidate]:
        return _ranked([c for c in self.pool if c.party == party], self.rules.weights)

    def explain(self) -> list[str]:
        """Return sentences: why each member was chosen and what each constraint cost."""
        wi, wc, wo = self.rules.weights
        lines = [
            f"Chose {self.rules.per_party} members of each party, maximising "
            f"{wi:g} x influence + {wc:g} x credibility + {wo:g} x openness "
            f"(objective {self.objective:.3f})."
        ]
        for party, chosen in self.selected.items():
            ranked = self._ranked_pool(party)
            rank_of = {c.id: i + 1 for i, c in enumerate(ranked)}
            by_id = {c.id: c for c in ranked}
            for candidate_id in chosen:
                c = by_id[candidate_id]
                line = (
                    f"{party}: {c.id} ({c.role}) scores {c.score(self.rules.weights):.2f} "
                    f"(influence {c.influence:.2f}, credibility {c.credibility:.2f}, "
                    f"openness {c.openness:.2f}, status {c.status:.2f}); "
                    f"ranked {rank_of[c.id]} of {len(ranked)} committed."
                )
                if c.id in self.rules.pinned:
                    line += " Pinned by the facilitators."
                elif rank_of[c.id] > self.rules.per_party:
                    line += " Chosen over higher-scoring candidates to meet the rules below."
                lines.append(line)
        lines.append(f"The largest gap in mean status between parties is {self.status_gap:.3f}.")
        if not self.proven_optimal:
            lines.append(
                "The time limit stopped the solver before it proved this the best selection; "
                "allow more time or relax max_status_gap for a proven optimum."
            )
        lines.extend(report.detail for report in self.constraints)
        if self.rules.excluded:
            lines.append(f"Left out by the facilitators: {', '.join(sorted(self.rules.excluded))}.")
        if self.excluded_uncommitted:
            lines.append(
                f"Left out {len(self.excluded_uncommitted)} candidates without a recorded "
                f"commitment ({', '.join(self.excluded_uncommitted)}); brief them and record "
                "their commitment to consider them."
            )
        return lines

    def to_frame(self) -> pd.DataFrame:
        """Return one row per member: party, rank, candidate, role, the four scores, score."""
        rows = []
        by_id = {c.id: c for c in self.pool}
        for party, chosen in self.selected.items():
            for rank, candidate_id in enumerate(chosen, start=1):
                c = by_id[candidate_id]
                rows.append(
                    {
                        "party": party,
                        "rank": rank,
                        "candidate": c.id,
                        "role": c.role,
                        "influence": c.influence,
                        "credibility": c.credibility,
                        "openness": c.openness,
                        "status": c.status,
                        "score": c.score(self.rules.weights),
                    }
                )
        frame = pd.DataFrame(rows)
        frame.attrs["engine_version"] = self.engine_version
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping, explanation included."""
        return {
            "engine_version": self.engine_version,
            "selected": {party: list(ids) for party, ids in self.selected.items()},
            "objective": self.objective,
            "status_gap": self.status_gap,
            "constraints": [report.to_dict() for report in self.constraints],
            "excluded_uncommitted": list(self.excluded_uncommitted),
            "rules": self.rules.to_dict(),
            "proven_optimal": self.proven_optimal,
            "explanation": self.explain(),
        }


# --- diagnosis, costs and the public entry points ------------------------------------------


def _check_rules_against_themselves(rules: CompositionRules, role_count: int) -> None:
    """Refuse rules that no pool could meet with ``role_count`` roles to draw from."""
    k = rules.per_party
    required = sum(rules.required_roles.values())
    if required > k:
        raise CompositionInfeasible(
            f"required_roles ask for {required} members per party but per_party is {k}; "
            "require fewer roles or raise per_party",
            constraint="required_roles",
        )
    if rules.min_distinct_roles > min(k, role_count):
        raise CompositionInfeasible(
            f"min_distinct_roles is {rules.min_distinct_roles} but a party has {k} members "
            f"and there are {role_count} roles; lower min_distinct_roles",
            constraint="min_distinct_roles",
        )
    most = rules.max_per_role
    if most is not None:
        if most * role_count < k:
            raise CompositionInfeasible(
                f"max_per_role {most} over {role_count} roles cannot fill {k} seats per party; "
                "raise max_per_role",
                constraint="max_per_role",
            )
        for role, n in rules.required_roles.items():
            if n > most:
                raise CompositionInfeasible(
                    f"required_roles ask for {n} {role} per party but max_per_role is "
                    f"{most}; lower the requirement or raise max_per_role",
                    constraint="required_roles",
                )


def _check_pins(
    candidates: Sequence[CompositionCandidate], pool: Pool, rules: CompositionRules
) -> None:
    """Refuse a pin that cannot be honoured: an unknown or uncommitted candidate, or more
    pinned in a party than it has seats."""
    known = {c.id: c for c in candidates}
    pooled = {c.id for members in pool.values() for c in members}
    for candidate_id in sorted(rules.pinned):
        if candidate_id not in known:
            raise ValidationError(f"pinned candidate {candidate_id!r} is not a candidate")
        if candidate_id not in pooled:
            raise CompositionInfeasible(
                f"pinned candidate {candidate_id} has no recorded commitment: brief them and "
                "record it, or unpin them",
                constraint="pinned",
            )
    for party, members in pool.items():
        pinned = [c.id for c in members if c.id in rules.pinned]
        if len(pinned) > rules.per_party:
            raise CompositionInfeasible(
                f"party {party!r} has {len(pinned)} pinned candidates for {rules.per_party} "
                "seats; unpin some",
                constraint="pinned",
            )


def _check_pool(pool: Pool, rules: CompositionRules) -> None:
    k = rules.per_party
    for party, members in pool.items():
        if len(members) < k:
            raise CompositionInfeasible(
                f"party {party!r} has only {len(members)} committed candidates; {k} are needed "
                "per party: brief more candidates and record their commitment, or lower "
                "per_party",
                constraint="per_party",
            )
    for party, members in pool.items():
        counts: dict[str, int] = {}
        for c in members:
            counts[c.role] = counts.get(c.role, 0) + 1
        for role, needed in rules.required_roles.items():
            if counts.get(role, 0) < needed:
                raise CompositionInfeasible(
                    f"party {party!r} has {counts.get(role, 0)} committed {role} "
                    f"candidates; required_roles asks for {needed} per party: recruit more "
                    "or relax required_roles",
                    constraint="required_roles",
                )
        if len(counts) < rules.min_distinct_roles:
            raise CompositionInfeasible(
                f"party {party!r} has committed candidates in only {len(counts)} roles; "
                f"min_distinct_roles asks for {rules.min_distinct_roles}: recruit in other roles "
                "or lower min_distinct_roles",
                constraint="min_distinct_roles",
            )
        if rules.max_per_role is not None:
            seats = sum(min(n, rules.max_per_role) for n in counts.values())
            if seats < k:
                raise CompositionInfeasible(
                    f"party {party!r} can fill only {seats} of {k} seats with at most "
                    f"{rules.max_per_role} per role; recruit in other roles or raise "
                    "max_per_role",
                    constraint="max_per_role",
                )


def _diagnose(pool: Pool, rules: CompositionRules, search: _Search) -> CompositionInfeasible:
    """Blame the first constraint whose removal alone makes the composition feasible."""
    in_force = rules.in_force()
    fixes = [name for name in in_force if search.best(pool, rules.without(name)) is not None]
    if not fixes:
        for first, second in itertools.combinations(in_force, 2):
            if search.best(pool, rules.without(first).without(second)) is not None:
                return CompositionInfeasible(
                    f"{rules.describe(first)} and {rules.describe(second)} cannot both be met "
                    "with the committed candidates; relax one of them",
                    constraint=f"{first}+{second}",
                )
        return CompositionInfeasible(
            "no selection meets the rules together; relax several of " + ", ".join(in_force),
            constraint="+".join(in_force),
        )
    name = fixes[0]
    others = f" (dropping {', '.join(fixes[1:])} instead would also help)" if fixes[1:] else ""
    if name == "max_status_gap":
        smallest = search.smallest_gap(pool, rules.without(name))
        message = (
            f"the parties' mean status cannot come within {rules.max_status_gap:.3f} of each "
            f"other under the other rules; the smallest achievable gap is {smallest:.3f}: raise "
            "max_status_gap to at least that or recruit candidates of comparable status"
        )
    else:
        message = (
            f"{rules.describe(name)} cannot be met together with the other rules; "
            "relax it or recruit more committed candidates"
        )
    return CompositionInfeasible(message + others, constraint=name)


def _report(
    name: str, rules: CompositionRules, pool: Pool, value: float, search: _Search
) -> ConstraintReport:
    relaxed = search.best(pool, rules.without(name))
    gain = _objective(relaxed, rules.weights) - value if relaxed is not None else 0.0
    binding = gain > GAIN_TOLERANCE
    cost = gain if binding else 0.0
    if binding and relaxed is not None:
        detail = (
            f"{rules.describe(name)} binds: dropping it alone would raise the objective by "
            f"{cost:.3f} (status gap then {_status_gap(relaxed):.3f})."
        )
    else:
        detail = f"{rules.describe(name)} does not bind: dropping it alone would gain nothing."
    return ConstraintReport(name, binding, cost, detail)


def _compose(
    candidates: Sequence[CompositionCandidate],
    parties: Sequence[str],
    rules: CompositionRules,
    search: _Search,
    role_count: int | None,
) -> Composition:
    names = tuple(parties)
    if len(names) < 2 or len(set(names)) != len(names):
        raise ValidationError(f"parties {list(names)}: name two or more distinct parties")
    seen: set[str] = set()
    for c in candidates:
        if c.id in seen:
            raise ValidationError(f"candidate id {c.id!r} appears twice; give each id once")
        seen.add(c.id)
        if c.party not in names:
            raise ValidationError(
                f"candidate {c.id!r} belongs to party {c.party!r}, not one of {list(names)}"
            )
    pool = {
        p: _ranked(
            [c for c in candidates if c.party == p and c.committed and c.id not in rules.excluded],
            rules.weights,
        )
        for p in names
    }
    if role_count is None:
        role_count = len({c.role for c in candidates} | set(rules.required_roles))
    elif role_count < 1:
        raise ValidationError(f"role_count is {role_count}; a conflict has at least one role")
    _check_rules_against_themselves(rules, role_count)
    _check_pins(candidates, pool, rules)
    _check_pool(pool, rules)
    selection = search.best(pool, rules)
    if selection is None:
        raise _diagnose(pool, rules, search)
    value = _objective(selection, rules.weights)
    reports = tuple(_report(name, rules, pool, value, search) for name in rules.in_force())
    return Composition(
        selected={p: tuple(c.id for c in _ranked(selection[p], rules.weights)) for p in names},
        objective=value,
        status_gap=_status_gap(selection),
        constraints=reports,
        excluded_uncommitted=tuple(sorted(c.id for c in candidates if not c.committed)),
        rules=rules,
        pool=tuple(c for p in names for c in pool[p]),
        proven_optimal=search.proven,
    )


def compose(
    candidates: Sequence[CompositionCandidate],
    parties: Sequence[str],
    rules: CompositionRules,
    *,
    role_count: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Composition:
    """Choose exactly ``rules.per_party`` committed members of each party, exactly.

    Maximises the weighted sum of influence, credibility and openness under the rules; the
    status gap is honoured within HiGHS's feasibility tolerance (1e-6). Each constraint in
    force is reported with its cost: the objective gained by re-solving without it alone.
    Raises CompositionInfeasible naming the constraint that cannot be met.

    ``time_limit`` (seconds) bounds all the solves of one call together. Ordinary pools
    finish in well under a second; a very tight ``max_status_gap`` over continuous statuses
    can be slow to prove, and then the best selection found is returned with
    ``proven_optimal`` False.

    ``role_count`` is how many roles the conflict offers (roles are plain strings, set per
    conflict); it bounds ``min_distinct_roles`` and ``max_per_role`` before any solve. By
    default it is the number of distinct roles among the candidates and the required roles.
    """
    if not time_limit > 0:
        raise ValidationError(f"time_limit is {time_limit!r}; give a number of seconds > 0")
    return _compose(candidates, parties, rules, _MilpSearch(time_limit), role_count)


def brute_force_compose(
    candidates: Sequence[CompositionCandidate],
    parties: Sequence[str],
    rules: CompositionRules,
    *,
    role_count: int | None = None,
) -> Composition:
    """Compose by enumerating every selection; exponential, for checking :func:`compose`."""
    return _compose(candidates, parties, rules, _EnumerationSearch(), role_count)
