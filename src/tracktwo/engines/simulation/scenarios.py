"""Scenarios: a model, a programme and a horizon, built from the tables of a TOML file.

A scenario file names only what differs from the defaults of
:mod:`~tracktwo.engines.simulation.parameters` and
:class:`~tracktwo.engines.simulation.programme.Programme`::

    name = "ripe-inter-state"
    description = "..."
    steps = 730

    [programme]                 # any Programme field
    workshops = 6
    [programme.conditions]      # the five scores, 0..1
    equal-status = 0.7

    [[societies]]               # exactly two, any SocietyParameters field
    name = "North"
    [[societies]]
    name = "South"

    [contact]                   # likewise: network, hypothesis_confirmation, trust,
    floor = 0.5                 # social_influence, reentry, transfer, ripeness,
                                # readiness, mechanisms

:func:`scenario_from_mapping` builds a scenario from the parsed tables; reading the files
(the packaged ``tracktwo/scenarios/*.toml`` by name, or any path) is
:func:`tracktwo.io.scenarios.load_scenario`'s. :meth:`Scenario.with_value` changes one
parameter by its dotted path, which is how sweeps name their grid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import Enum
from pathlib import PurePath
from typing import Any

from tracktwo.domain.vocabulary import ContactCondition
from tracktwo.engines.simulation.parameters import ModelParameters, SocietyParameters
from tracktwo.engines.simulation.programme import ConditionScores, Programme
from tracktwo.errors import ValidationError

SECTIONS = (
    "network",
    "contact",
    "hypothesis_confirmation",
    "trust",
    "social_influence",
    "reentry",
    "transfer",
    "ripeness",
    "readiness",
    "mechanisms",
)
TOP_LEVEL = ("name", "description", "steps", "programme", "societies", *SECTIONS)


@dataclass(frozen=True)
class Scenario:
    """A named model, programme and horizon (days)."""

    name: str
    description: str
    parameters: ModelParameters
    programme: Programme
    steps: int = 730

    def __post_init__(self) -> None:
        if self.steps < 1:
            raise ValidationError(f"scenario {self.name!r} runs {self.steps} steps; give 1 or more")

    def with_value(self, path: str, value: Any) -> Scenario:
        """Return a copy with the parameter at dotted ``path`` set to ``value``.

        Paths: ``steps``; ``programme.FIELD``; ``programme.conditions.CONDITION``;
        ``societies.FIELD`` (both) or ``societies.0.FIELD``; ``SECTION.FIELD``.
        """
        parts = path.split(".")
        head, rest = parts[0], parts[1:]
        where = f"parameter {path!r}"
        if head == "steps" and not rest:
            return replace(self, steps=_typed(where, self.steps, value))
        if head == "programme" and rest:
            if rest[0] == "conditions" and len(rest) == 2:
                conditions = _with_condition(self.programme.conditions, rest[1], value, where)
                return replace(self, programme=replace(self.programme, conditions=conditions))
            if len(rest) == 1:
                return replace(self, programme=_updated(self.programme, {rest[0]: value}, where))
        if head == "societies" and rest:
            societies = list(self.parameters.societies)
            if len(rest) == 2 and rest[0] in {"0", "1"}:
                which = [int(rest[0])]
            elif len(rest) == 1:
                which = [0, 1]
            else:
                raise ValidationError(f"{where}: write societies.FIELD or societies.0.FIELD")
            for index in which:
                societies[index] = _updated(societies[index], {rest[-1]: value}, where)
            parameters = replace(self.parameters, societies=(societies[0], societies[1]))
            return replace(self, parameters=parameters)
        if head in SECTIONS and len(rest) == 1:
            section = _updated(getattr(self.parameters, head), {rest[0]: value}, where)
            return replace(self, parameters=replace(self.parameters, **{head: section}))
        raise ValidationError(
            f"{where} names nothing; use steps, programme.FIELD, programme.conditions.NAME, "
            f"societies.FIELD, societies.0.FIELD or one of {', '.join(SECTIONS)} with .FIELD"
        )


def _typed(where: str, default: Any, value: Any) -> Any:
    if isinstance(default, Enum):
        try:
            return type(default)(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in type(default))
            raise ValidationError(f"{where} is {value!r}; use one of {allowed}") from None
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValidationError(f"{where} is {value!r}; give true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{where} is {value!r}; give a whole number")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(f"{where} is {value!r}; give a number")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValidationError(f"{where} is {value!r}; give a text")
        return value
    raise ValidationError(f"{where} cannot be set from a scenario file")


def _updated(instance: Any, table: Mapping[str, Any], where: str) -> Any:
    known = {f.name for f in fields(instance)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValidationError(
            f"{where}: unknown key(s) {unknown} for {type(instance).__name__}; "
            f"known: {', '.join(sorted(known))}"
        )
    changes = {}
    for key, value in table.items():
        default = getattr(instance, key)
        if isinstance(default, ConditionScores):
            if not isinstance(value, Mapping):
                raise ValidationError(f"{where}: conditions must be a table of five scores")
            for name, score in value.items():
                default = _with_condition(default, name, score, f"{where}.conditions")
            changes[key] = default
        else:
            changes[key] = _typed(f"{where}.{key}", default, value)
    return replace(instance, **changes)


def _with_condition(scores: ConditionScores, name: str, value: Any, where: str) -> ConditionScores:
    try:
        condition = ContactCondition(name.replace("_", "-"))
    except ValueError:
        known = ", ".join(c.value for c in ContactCondition)
        raise ValidationError(f"{where}: unknown condition {name!r}; use {known}") from None
    attribute = condition.value.replace("-", "_")
    return replace(scores, **{attribute: _typed(f"{where}.{name}", 0.0, value)})


def scenario_from_mapping(data: Mapping[str, Any], source: str = "scenario") -> Scenario:
    """Build a scenario from parsed TOML; ``source`` names the file in error messages."""
    unknown = sorted(set(data) - set(TOP_LEVEL))
    if unknown:
        raise ValidationError(f"{source}: unknown top-level key(s) {unknown}; known: {TOP_LEVEL}")
    defaults = ModelParameters()
    societies = data.get("societies", [{}, {}])
    if not isinstance(societies, list) or len(societies) != 2:
        raise ValidationError(f"{source}: give exactly two [[societies]] tables")
    built: list[SocietyParameters] = [
        _updated(default, table, f"{source} [[societies]] {i + 1}")
        for i, (default, table) in enumerate(zip(defaults.societies, societies, strict=True))
    ]
    sections = {
        name: _updated(getattr(defaults, name), data.get(name, {}), f"{source} [{name}]")
        for name in SECTIONS
    }
    parameters = ModelParameters(societies=(built[0], built[1]), **sections)
    programme = _updated(Programme(), data.get("programme", {}), f"{source} [programme]")
    name = data.get("name", PurePath(source).stem)
    return Scenario(
        name=str(name),
        description=str(data.get("description", "")),
        parameters=parameters,
        programme=programme,
        steps=_typed(f"{source} steps", 730, data.get("steps", 730)),
    )
