"""`tracktwo simulate sensitivity default` with a bounded sample: the table, the figure, the time.

A Morris screening of every parameter labelled ``assumption`` on the planner's outcomes,
on the default scenario's two years with 500 members per society, two trajectories and one
run per design point (130 runs), spread over two processes. Prints the command's tables and
the paths it wrote, then one line of JSON with wall and CPU seconds (this process and its
workers) and what each outcome was found to depend on.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path

TRAJECTORIES = 2
RUNS = 1
MEMBERS = 500
WORKERS = 2
SEED = 0


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    """Run the command, then print its figure's path and the JSON line."""
    from tracktwo.cli.simulate import app

    out = Path(tempfile.mkdtemp(prefix="tracktwo-sensitivity-"))
    arguments = [
        "sensitivity",
        "default",
        *("--trajectories", str(TRAJECTORIES), "--runs", str(RUNS)),
        *("--members", str(MEMBERS), "--workers", str(WORKERS), "--seed", str(SEED)),
        *("--out", str(out)),
    ]
    cpu, started = _cpu_seconds(), time.perf_counter()
    app(arguments, standalone_mode=False)
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu
    summary = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    figure = out / "sensitivity.png"
    print(f"figure: {figure}")
    print(
        json.dumps(
            {
                "benchmark": "simulation_sensitivity",
                "command": "tracktwo simulate " + " ".join(arguments),
                "factors": summary["factors"],
                "points": summary["points"],
                "simulations": summary["simulations"],
                "days": summary["days"],
                "members": summary["members"],
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 1),
                "depends_on": {k: v[:3] for k, v in summary["depends_on"].items()},
                "figure": str(figure),
            }
        )
    )


if __name__ == "__main__":
    main()
