"""``tracktwo commonground``: analyse a feedback round exported in Pol.is's format.

    tracktwo commonground analyze EXPORT_DIR [--json] [--map map.png] [--export OUT_DIR] [--seed S]
                                             [--communities FILE [--threshold 0.5]]

Pure computation on a folder of CSV files: no data folder, no database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tracktwo.engines.commonground.agreement import agreement_with_polis
from tracktwo.engines.commonground.community import CommunityParameters, next_workshop
from tracktwo.engines.commonground.pipeline import (
    AnalysisParameters,
    CommonGroundResult,
    analyze,
)
from tracktwo.engines.commonground.polis_export import PolisExport, suggest_metadata
from tracktwo.errors import TrackTwoError, ValidationError
from tracktwo.io.polis import (
    read_communities,
    read_export,
    read_round_ideas,
    write_carry_actions,
    write_export,
)
from tracktwo.research.opinion_map import save_opinion_map

console = Console()
errors = Console(stderr=True)

app = typer.Typer(
    name="commonground",
    help="Opinion groups, consensus and bridging statements of a feedback round.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def commonground() -> None:
    """Opinion groups, consensus and bridging statements of a feedback round."""


def _fail(message: str) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(2)


def _texts(export: PolisExport) -> dict[Any, str]:
    return dict(zip(export.statements["statement"], export.statements["text"], strict=True))


def _short(text: str, width: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _write_carry(result: CommonGroundResult, export_dir: Path, carry_path: Path) -> None:
    """Write what the next workshop should do with each released idea, as a round does."""
    lists = result.common_ground()
    if lists is None:
        raise ValidationError("--carry needs --communities: the actions follow both lists")
    ideas = read_round_ideas(export_dir)
    suggested = next_workshop(lists, sorted(ideas))
    actions = {ideas[s]: action for s, (_, action) in suggested.items() if action}
    write_carry_actions(carry_path, actions)
    console.print(f"{len(actions)} carry actions written to {carry_path}")


def _table(
    title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]], *, empty: str = ""
) -> None:
    """Print one table; the statement column left-aligned, the figures right-aligned."""
    if not rows and empty:
        console.print(empty)
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(
            column, justify="left" if column in ("statement", "stance", "way") else "right"
        )
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _print_tables(result: CommonGroundResult, export: PolisExport, top: int) -> None:
    texts = _texts(export)
    summary = result.to_dict()["summary"]
    console.print(
        f"[bold]{export.folder.name}[/]: {summary['voters']} voters, "
        f"{summary['statements']} statements, {summary['votes']} votes; "
        f"{summary['clustered']} clustered into {summary['groups']} groups "
        f"({result.engine_versions['polis']}, {summary['grouping']}, {summary['updates']} "
        "updates)"
    )
    console.print(result.stability.sentence())
    if not export.votes.meta.any():
        suggested = suggest_metadata(export.statements)
        if suggested:
            listed = ",".join(str(s) for s in suggested)
            console.print(
                f"Statements {listed} look like participant metadata (the owner's 'I am ...', "
                f"'I live ...' statements); if they are, run again with --meta {listed}"
            )
    if export.polis_groups is not None and export.polis_groups.notna().any():
        ours = dict(zip(result.voters["voter"], result.voters["group"], strict=True))
        ari, n = agreement_with_polis(ours, export.polis_groups)
        console.print(
            f"agreement with Pol.is's own groups: ARI {ari:.3f} over {n} voters "
            f"(following Pol.is's {export.polis_code} math)"
        )

    groups = Table(title="Opinion groups")
    groups.add_column("group", justify="right")
    groups.add_column("voters", justify="right")
    for row in result.groups.itertuples(index=False):
        groups.add_row(str(row.group), str(row.size))
    console.print(groups)

    for group in range(result.polis.k):
        rows = result.representative[result.representative["group"] == group]
        _table(
            f"Group {group}: representative statements",
            ("id", "statement", "stance", "share", "repness"),
            [
                (str(r.statement), _short(texts.get(r.statement, "")), str(r.repful),
                 f"{r.p_success:.0%}", f"{r.repness:.2f}")
                for r in rows.itertuples(index=False)
            ],
        )  # fmt: skip
    consensus = result.consensus_statements()
    _table(
        "Consensus past Pol.is's test (group-informed consensus)",
        ("id", "statement", "way", "consensus", "agree"),
        [
            (str(r.statement), _short(texts.get(r.statement, "")), str(r.consensus),
             f"{r.group_informed_consensus:.3f}", f"{r.n_agree}/{r.n_seen}")
            for r in consensus.itertuples(index=False)
        ],
        empty="No statement passes Pol.is's consensus test.",
    )  # fmt: skip
    _table(
        "Bridging (Community Notes intercept, 90% band over resampled voters)",
        ("id", "statement", "bridging", "band", "raters"),
        [
            (str(r.statement), _short(texts.get(r.statement, "")), f"{r.bridging:.3f}",
             f"{r.bridging_low:.3f} to {r.bridging_high:.3f}",
             f"{r.n_raters}" + (" (too few)" if r.too_few_raters else ""))
            for r in result.bridging_ranking().head(top).itertuples(index=False)
        ],
    )  # fmt: skip
    _print_common_ground(result, texts)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _print_common_ground(result: CommonGroundResult, texts: dict[Any, str]) -> None:
    """Print what both communities support, what divides them, and what lacks votes."""
    lists = result.common_ground()
    if lists is None:
        return
    console.print(f"[bold]Communities[/] ({lists['rule']}): {lists['statement_of_rule']}")
    for key, title in (
        ("both_support", "What both communities support"),
        ("divides", "What divides them"),
        ("not_enough_votes", "Not enough votes yet"),
    ):
        table = Table(title=title)
        table.add_column("id", justify="right")
        table.add_column("statement")
        table.add_column("agree per community (votes, 95% interval)")
        if key == "divides":
            table.add_column("difference (95% interval)", justify="right")
        for item in lists[key]:
            figures = "; ".join(
                f"{name}: {f['n_votes']} votes, figures withheld"
                if f.get("suppressed")
                else f"{name}: {_share(f['share'])} of {f['n_votes']}"
                + (f" ({_share(f['low'])}–{_share(f['high'])})" if f["n_votes"] else "")
                for name, f in item["communities"].items()
            )
            cells = [str(item["statement"]), _short(texts.get(item["statement"], "")), figures]
            if key == "divides":
                cells.append(
                    f"{item['support_gap']:.0%} ({item['gap_low']:.0%}–{item['gap_high']:.0%})"
                )
            table.add_row(*cells)
        if not lists[key]:
            table.add_row("", "none", "", *([""] if key == "divides" else []))
        console.print(table)


def parse_id_ranges(text: str) -> list[int]:
    """Parse comment ids such as ``1,4-14`` into a list; raise ValidationError naming a bad part."""
    ids: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        low, dash, high = part.partition("-")
        try:
            first, last = int(low), int(high) if dash else int(low)
        except ValueError:
            raise ValidationError(f"--meta part {part!r} is not a comment id or a range") from None
        if last < first:
            raise ValidationError(f"--meta range {part!r} runs backwards")
        ids.extend(range(first, last + 1))
    return ids


@app.command("analyze")
def analyze_command(
    export_dir: Annotated[Path, typer.Argument(help="Folder of a Pol.is export.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    map_path: Annotated[
        Path | None, typer.Option("--map", help="Draw the opinion map to this image file.")
    ] = None,
    export_path: Annotated[
        Path | None, typer.Option("--export", help="Write a Pol.is-format export folder here.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of every random choice.")] = 0,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows of each ranking to print.")] = 10,
    statements: Annotated[
        bool, typer.Option("--statements", help="Also place the statements on the map.")
    ] = False,
    communities_path: Annotated[
        Path | None,
        typer.Option(
            "--communities",
            help="CSV of voter id, community (header optional): adds what both communities "
            "support, what divides them and what has not enough votes yet.",
        ),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            help="Share of agreement (lower end of its 95% interval) each community must "
            "show for a statement to count as supported by both; from 0 to 1.",
        ),
    ] = 0.5,
    meta: Annotated[
        str | None,
        typer.Option(
            "--meta",
            help="Comment ids of participant-metadata statements (Pol.is's is_meta), "
            "e.g. 1,4-14; they are left out of the map and the groups.",
        ),
    ] = None,
    carry_path: Annotated[
        Path | None,
        typer.Option(
            "--carry",
            help="With --communities, on a round exported by tracktwo: write idea,action rows "
            "(strengthen, expand, modify) for `workshop carry --actions-from`.",
        ),
    ] = None,
    replay_votes: Annotated[
        bool,
        typer.Option(
            "--replay",
            help="Replay the votes in time order, update by update, to emulate the path "
            "Pol.is took; by default the groups come from the final votes, whatever their "
            "order.",
        ),
    ] = False,
) -> None:
    """Find opinion groups (with their stability), representative statements, consensus and
    bridging statements."""
    try:
        export = read_export(export_dir, meta=None if meta is None else parse_id_ranges(meta))
        # follow the Pol.is math that computed the export (by the date of its last vote)
        params = AnalysisParameters(
            polis=export.polis_parameters(),
            community=CommunityParameters(support_threshold=threshold),
            replay=replay_votes,
        )
        communities = (
            None
            if communities_path is None
            else read_communities(communities_path, list(export.votes.voter_ids))
        )
        result = analyze(export.votes, communities=communities, seed=seed, params=params)
        if carry_path is not None:
            _write_carry(result, export_dir, carry_path)
        if map_path is not None:
            save_opinion_map(result, map_path, statements=statements)
        if export_path is not None:
            write_export(
                export_path,
                export.votes,
                groups=dict(zip(result.voters["voter"], result.voters["group"], strict=True)),
                statements=export.statements,
                group_informed_consensus=dict(
                    zip(
                        result.statements["statement"],
                        result.statements["group_informed_consensus"],
                        strict=True,
                    )
                ),
                summary=export.summary,
            )
    except TrackTwoError as error:
        _fail(str(error))
        return
    except OSError as error:
        _fail(f"cannot write the output: {error}")
        return
    if json_output:
        document = result.to_dict()
        document["suggested_meta"] = (
            [] if export.votes.meta.any() else suggest_metadata(export.statements)
        )
        texts = _texts(export)
        for row in document["statements"]:
            row["text"] = texts.get(row["statement"], "")
        if document["common_ground"] is not None:
            for key in ("both_support", "divides", "not_enough_votes"):
                for item in document["common_ground"][key]:
                    item["text"] = texts.get(item["statement"], "")
        document["source"] = str(export_dir)
        typer.echo(json.dumps(document, ensure_ascii=False))
        return
    _print_tables(result, export, top)
    if map_path is not None:
        console.print(f"opinion map written to {map_path}")
    if export_path is not None:
        console.print(f"Pol.is-format export written to {export_path}")
