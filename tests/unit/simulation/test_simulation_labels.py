"""Every behavioural parameter is labelled, and every ``calibrated`` one is pinned.

A parameter labelled ``calibrated`` names the calibration test and figure that set it. The
label is honest only if that figure moves when the parameter does: its criterion, run on the
calibration test's seed at a reduced number of replications, must hold at the default and
fail at half and at double the value (docs/simulation.md, 'What is labelled').
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any

import pytest
import test_simulation_calibration

from tracktwo.engines.simulation import labels
from tracktwo.engines.simulation.experiment import CALIBRATION_CHECKS, with_societies
from tracktwo.engines.simulation.labels import LABELS, SETTINGS, Basis
from tracktwo.engines.simulation.parameters import ModelParameters
from tracktwo.errors import ValidationError

PIN_REPLICATIONS = 6
"""Replications of each criterion in the pinning test (the calibration tests run 10)."""
LIMITS = {"contact.floor": 1.0}
"""Upper limits of shares whose double lies outside their range: the limit stands in."""


def parameter_paths() -> list[str]:
    """Return the dotted path of every field of every parameter dataclass of the model."""
    model = ModelParameters()
    found = []
    for section in fields(model):
        value = getattr(model, section.name)
        if section.name == "societies":
            value = value[0]
        assert is_dataclass(value)
        found.extend(f"{section.name}.{item.name}" for item in fields(value))
    return found


def get(parameters: ModelParameters, path: str) -> Any:
    section, name = path.split(".")
    owner = getattr(parameters, section)
    return getattr(owner[0] if section == "societies" else owner, name)


def scaled(parameters: ModelParameters, path: str, factor: float) -> ModelParameters:
    section, name = path.split(".")
    value = get(parameters, path) * factor
    if path in LIMITS and value > LIMITS[path]:
        with pytest.raises(ValidationError):
            scaled_to(parameters, section, name, value)
        value = LIMITS[path]
    return scaled_to(parameters, section, name, value)


def scaled_to(parameters: ModelParameters, section: str, name: str, value: Any) -> ModelParameters:
    if section == "societies":
        return with_societies(parameters, **{name: value})
    return replace(parameters, **{section: replace(getattr(parameters, section), **{name: value})})


def is_setting(path: str) -> bool:
    return path in SETTINGS or f"{path.split('.')[0]}.*" in SETTINGS


def test_every_field_is_a_labelled_parameter_or_a_named_setting() -> None:
    unlabelled = [p for p in parameter_paths() if p not in LABELS and not is_setting(p)]
    assert unlabelled == []


def test_no_label_names_a_parameter_the_model_does_not_have() -> None:
    known = set(parameter_paths())
    assert [path for path in LABELS if path not in known] == []
    assert [path for path in LABELS if is_setting(path)] == []


def test_a_calibrated_label_names_an_existing_calibration_test_and_check() -> None:
    for path in labels.paths(Basis.CALIBRATED):
        label = LABELS[path]
        assert callable(getattr(test_simulation_calibration, label.test, None)), path
        assert label.check in CALIBRATION_CHECKS, path


def test_labels_refuse_to_be_vague() -> None:
    with pytest.raises(Exception, match="note"):
        labels.assumption("")
    with pytest.raises(Exception, match="names its test"):
        labels.Label(Basis.CALIBRATED, "a figure")
    with pytest.raises(Exception, match="names its test"):
        labels.Label(Basis.ASSUMPTION, "a reason", test="t", check="c")
    with pytest.raises(Exception, match="no label"):
        labels.label_of("contact.no_such_thing")


def test_the_calibration_criteria_hold_at_the_defaults_at_the_pinning_size() -> None:
    checks = {LABELS[path].check for path in labels.paths(Basis.CALIBRATED)}
    for check in sorted(checks):
        assert CALIBRATION_CHECKS[check](ModelParameters(), PIN_REPLICATIONS) == [], check


@pytest.mark.parametrize("path", labels.paths(Basis.CALIBRATED))
@pytest.mark.parametrize("factor", [0.5, 2.0])
def test_a_calibrated_parameter_at_half_or_double_fails_its_calibration(
    path: str, factor: float
) -> None:
    check = CALIBRATION_CHECKS[LABELS[path].check]
    assert check(scaled(ModelParameters(), path, factor), PIN_REPLICATIONS) != []
