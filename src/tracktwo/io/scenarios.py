"""Read scenario files: the packaged ``tracktwo/scenarios/*.toml`` by name, or any path.

The file format is described in :mod:`tracktwo.engines.simulation.scenarios`, which builds
the :class:`~tracktwo.engines.simulation.scenarios.Scenario` from the parsed tables.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from tracktwo.engines.simulation.scenarios import Scenario, scenario_from_mapping
from tracktwo.errors import ValidationError
from tracktwo.io.text_files import read_text_file


def packaged_scenarios() -> tuple[str, ...]:
    """Return the names of the scenarios shipped with tracktwo."""
    folder = resources.files("tracktwo") / "scenarios"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read a packaged scenario by name, or any scenario file by path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValidationError(f"no scenario file at {path}")
        text = read_text_file(path, "scenario file")
        source = str(path)
    else:
        resource = resources.files("tracktwo") / "scenarios" / f"{name_or_path}.toml"
        if not resource.is_file():
            names = ", ".join(packaged_scenarios())
            raise ValidationError(
                f"no scenario named {name_or_path!r}; use one of {names} or a path"
            )
        text = resource.read_text(encoding="utf-8")
        source = f"{name_or_path}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"{source} is not valid TOML: {error}") from None
    return scenario_from_mapping(data, source)


def parse_value(text: str) -> Any:
    """Read one value as TOML would (``0.5``, ``true``, ``"random"``); bare words stay text."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text
