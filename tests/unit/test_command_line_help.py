"""The command line teaches itself: `--help` of every command lists the values an option of a
closed vocabulary takes, and the range of every number.

The walk covers every command of the app, through every group. A text parameter is either
free (named below, with why) or takes a closed vocabulary, whose values its help lists as
`one_of` (cli/common.py) writes them: ``a | b | c``. Values that belong to one of the
domain's vocabularies are listed whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, get_args

import typer

from tracktwo.cli.app import app
from tracktwo.domain import vocabulary
from tracktwo.domain.rules import KELMAN_GROUND_RULES

# Parameters whose values are open, by name: what each kind takes instead of a vocabulary.
FREE = {
    # ids of stored records (an id prefix resolves them)
    "workshop_id", "conflict_id", "candidate_id", "concern_id", "acknowledgement_id",
    "idea_id", "member_id", "session_id", "transfer_id", "round_id", "record_id", "owner",
    "member", "referrer", "referred", "referred_by", "series", "answers", "concern", "ideas",
    "flag", "who", "check_id", "previous", "pin", "exclude", "vision_id", "into",
    # dates and times
    "on", "starts", "today", "retain_until", "due",
    # an IANA time zone name (hundreds of them: the help gives an example)
    "time_zone",
    # people's own words, names and places
    "name", "title", "text", "restatement", "recipient", "reason", "what", "when", "venue",
    "email", "phone", "context", "assessor", "basis", "mitigation",
    # files, folders and addresses
    "path", "out", "actions_from", "export_dir", "map_path", "export_path",
    "communities_path", "carry_path", "base_url", "host", "redis_url", "scheduler",
    # names a conflict defines: its parties (communities), and KEY=VALUE pairs keyed by them
    "party", "community", "credibility",
    # roles are set per conflict (`conflict create --role`, `conflict roles`): no fixed list
    # to give; `conflict show` lists a conflict's own
    "role", "require_role",
    # a packaged scenario's name or any TOML file; simulation parameters by dotted path;
    # Pol.is comment ids
    "scenario", "param", "meta", "fix",
}  # fmt: skip
# Options that rightly list part of a vocabulary, and why.
PART_OF_A_VOCABULARY = {
    ("survey effects", "after"): "change is measured from 'pre' to a later wave",
    ("survey series", "after"): "change is measured from the first workshop's 'pre'",
}
NUMBER_RANGE = re.compile(r"\d(\.\d+)?\s*(-|to)\s*\d|at least \d|\d or more")


def _vocabularies() -> list[set[str]]:
    enums = [
        {member.value for member in item}
        for item in vars(vocabulary).values()
        if isinstance(item, type) and issubclass(item, StrEnum) and item is not StrEnum
    ]
    return [*enums, set(KELMAN_GROUND_RULES)]


def _commands() -> Iterator[tuple[str, Any]]:
    def walk(command: Any, path: str) -> Iterator[tuple[str, Any]]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, f"{path} {name}".strip())
        else:
            yield path, command

    yield from walk(typer.main.get_command(app), "")


def _parameters() -> Iterator[tuple[str, Any, type]]:
    for path, command in _commands():
        for parameter in command.params:
            if parameter.name in {"data_dir", "database_url", "help"}:
                continue
            if getattr(parameter, "is_flag", False):
                continue
            annotation = parameter.type_descriptor.annotation
            kinds = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
            kind = get_args(kinds[0])[0] if get_args(kinds[0]) else kinds[0]  # list[str]
            yield path, parameter, kind


def _listed(help_text: str) -> list[str]:
    """The values a help lists as `one_of` does (``a | b``), or none."""
    found = re.search(r"[\w-]+(?:\s*\|\s*[\w-]+)+", help_text)
    return re.split(r"\s*\|\s*", found.group(0)) if found else []


def test_the_walk_reaches_every_group_and_its_commands() -> None:
    paths = {path for path, _ in _commands()}
    assert {"transfer log", "phase intervene", "candidate brief", "schedule add"} <= paths
    assert len(paths) > 60


def test_every_option_of_a_closed_vocabulary_lists_its_values_in_its_help() -> None:
    lacking = [
        f"{path} {parameter.opts[0] if parameter.opts else parameter.name}"
        for path, parameter, kind in _parameters()
        if kind is str and parameter.name not in FREE and len(_listed(parameter.help or "")) < 2
    ]
    assert lacking == [], f"enumerated options whose --help lists no values: {lacking}"


def test_a_help_that_lists_a_vocabulary_lists_all_of_it() -> None:
    partial = []
    for path, parameter, _ in _parameters():
        listed = set(_listed(parameter.help or ""))
        for values in _vocabularies():
            if listed and listed < values and (path, parameter.name) not in PART_OF_A_VOCABULARY:
                partial.append(f"{path} {parameter.name}: lacks {sorted(values - listed)}")
    assert partial == []


def test_every_number_option_gives_its_range() -> None:
    lacking = [
        f"{path} {parameter.opts[0] if parameter.opts else parameter.name}"
        for path, parameter, kind in _parameters()
        if kind in (int, float)
        and getattr(parameter, "min", None) is None
        and getattr(parameter, "max", None) is None
        and not NUMBER_RANGE.search(parameter.help or "")
    ]
    assert lacking == [], f"number options whose --help gives no range: {lacking}"


def test_the_rendered_help_shows_the_values() -> None:
    from typer.testing import CliRunner

    shown = CliRunner().invoke(app, ["phase", "intervene", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    for value in ("analysis", "problem-solving", "clarify", "de-escalate"):
        assert value in shown.output


READS = re.compile(
    r"(list|show|assessments|team|members|report|conditions|effects|series|risks|measures"
    r"|snowball|flags|ripeness|scenarios)$"
)
ALWAYS_JSON = {"phase board", "audit"}
WRITES = {"workshop series"}  # opens a series: not a read


def test_every_read_command_answers_in_json() -> None:
    """A command that shows what is stored takes --json (or prints only JSON)."""
    import inspect

    from tests.unit.test_reachability import _commands
    from tracktwo.cli.app import app

    reads = [(name, cb) for name, cb in _commands(app) if READS.search(name)]
    assert len(reads) > 20
    lacking = [
        name
        for name, callback in reads
        if "as_json" not in inspect.signature(inspect.unwrap(callback)).parameters
        and name not in ALWAYS_JSON | WRITES
    ]
    assert lacking == [], f"read commands without --json: {lacking}"


def test_every_id_a_command_reads_resolves_by_prefix() -> None:
    """Each kind of id a command parses is one that a short prefix can name."""
    from pathlib import Path

    from tracktwo.services.ids import KINDS

    source = "".join(
        path.read_text(encoding="utf-8")
        for path in (Path(__file__).parents[2] / "src" / "tracktwo" / "cli").glob("*.py")
    )
    kinds = set(re.findall(r'parse_uuid\([^()]*(?:\([^()]*\))?[^()]*, "([a-z -]+)"\)', source))
    assert {"workshop", "candidate", "re-entry check"} <= kinds
    assert kinds - set(KINDS) == set(), f"ids without prefixes: {kinds - set(KINDS)}"
