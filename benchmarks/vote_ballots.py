"""Full ballots from a crowd: 1,000 respondents each sending 100 votes at once.

The vote stream groups concurrent ballots into shared transactions (group commit), writing
votes in chunks below every database's parameter limit. The named baseline, run in the
same process on the same store: the same ballots written one transaction per ballot
(``feedback.cast_votes`` in a loop), which is what the web path would cost without group
commit. Before this round the group commit failed outright at this size (SQLite: "too many
SQL variables"; PostgreSQL: "number of parameters must be between 0 and 65535").

Runs on SQLite, and on PostgreSQL too when ``TRACKTWO_TEST_DATABASE_URL`` is set (in a
schema of its own, dropped afterwards). Prints one line of JSON: medians over REPEATS fresh
rounds, the ratio group commit / baseline, and the peak resident memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import create_engine, text

BALLOTS = 1000
STATEMENTS = 100
REPEATS = 3


@contextmanager
def _store(backend: str, folder: Path) -> Iterator[Any]:
    from tracktwo.services.setup import initialise

    url = os.environ.get("TRACKTWO_TEST_DATABASE_URL")
    if backend == "sqlite":
        store = initialise(folder)
        try:
            yield store
        finally:
            store.dispose()
        return
    assert url is not None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    store = initialise(folder, f"{url}{separator}options=-csearch_path%3D{schema}")
    try:
        yield store
    finally:
        store.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _round(store: Any, workshop_id: UUID) -> tuple[UUID, list[str], list[Any]]:
    """Open a round of STATEMENTS statements and let BALLOTS respondents in."""
    from tracktwo.domain.actors import Actor
    from tracktwo.services import feedback, phases
    from tracktwo.services.transaction import run

    operator = Actor.operator()
    ideas = [UUID(i.id) for i in run(store, phases.board, operator, workshop_id).ideas]
    opened = run(store, feedback.release_ideas, operator, workshop_id, ideas, title="Bench")
    writer = run(store, feedback.join_round, opened.links[sorted(opened.links)[0]])
    for number in range(STATEMENTS - len(ideas)):
        added = run(store, feedback.submit_statement, writer, opened.round_id, text=f"s{number}")
        run(store, feedback.moderate, operator, added, accept=True)
    shown = [s.id for s in run(store, feedback.statements, operator, opened.round_id)]
    links = list(opened.links.values())
    voters = [run(store, feedback.join_round, links[n % 2]) for n in range(BALLOTS)]
    return opened.round_id, shown, voters


def _ballot(number: int, statements: list[str]) -> list[tuple[str, int]]:
    return [(s, (number + k) % 3 - 1) for k, s in enumerate(statements)]


def _group_commit(store: Any, round_id: UUID, statements: list[str], voters: list[Any]) -> float:
    from tracktwo.web.votes import VoteStream

    stream = VoteStream(store)

    async def crowd() -> list[int]:
        return await asyncio.gather(
            *(
                stream.submit(voter, round_id, _ballot(n, statements))
                for n, voter in enumerate(voters)
            )
        )

    started = time.perf_counter()
    stored = asyncio.run(crowd())
    elapsed = time.perf_counter() - started
    if stored != [len(statements)] * len(voters):
        raise RuntimeError("the group commit did not store every vote")
    return elapsed


def _one_by_one(store: Any, round_id: UUID, statements: list[str], voters: list[Any]) -> float:
    from tracktwo.services import feedback
    from tracktwo.services.transaction import run

    started = time.perf_counter()
    for n, voter in enumerate(voters):
        run(store, feedback.cast_votes, voter, round_id, _ballot(n, statements))
    return time.perf_counter() - started


def _measure(backend: str, folder: Path) -> dict[str, Any]:
    from tracktwo.demo import build_demo

    with _store(backend, folder) as store:
        workshop = build_demo(store, seed=7).first_workshop
        grouped, single = [], []
        for _ in range(REPEATS):
            grouped.append(_group_commit(store, *_round(store, workshop)))
            single.append(_one_by_one(store, *_round(store, workshop)))
    votes = BALLOTS * STATEMENTS
    group_s, single_s = statistics.median(grouped), statistics.median(single)
    return {
        "group_commit_s": round(group_s, 3),
        "group_commit_votes_per_s": round(votes / group_s),
        "baseline_s": round(single_s, 3),
        "baseline_votes_per_s": round(votes / single_s),
        "ratio_group_commit_to_baseline": round(single_s / group_s, 2),
    }


def main() -> None:
    """Measure each store; print one JSON line."""
    backends = ["sqlite"]
    if os.environ.get("TRACKTWO_TEST_DATABASE_URL"):
        backends.append("postgresql")
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            figures[backend] = _measure(backend, Path(tmp) / backend)
    print(
        json.dumps(
            {
                "benchmark": "vote_ballots",
                "ballots": BALLOTS,
                "statements": STATEMENTS,
                "repeats": REPEATS,
                "baseline": "the same ballots, one transaction each (cast_votes in a loop)",
                **figures,
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
