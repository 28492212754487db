"""The vectorised simulation alone at scale: 10^6 members per society for 365 days.

The default scenario with a million members in each society (0.1% of them elites, 50
decision-makers), recording every day as a normal run does. Times the build (population
and networks) and the 365 steps separately, in wall-clock seconds and in CPU seconds
(every thread of the process: the compiled day runs on two). Issue 17's target for the
steps is under 15 s of wall time and under 30 s of CPU on a quiet 2-core machine.
Memory: the process's peak resident set, and the peak traced by Python's allocator while
building (numpy arrays included; scipy's C++ temporaries and numba's allocations not). The
steps run untraced: tracing every allocation slows the many small ones of each day.

Prints a line per phase, then one line of JSON.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
import tracemalloc

from tracktwo.engines.simulation.experiment import with_societies
from tracktwo.engines.simulation.model import Simulation
from tracktwo.io.scenarios import load_scenario

MEMBERS_PER_SOCIETY = 1_000_000
STEPS = 365
REPEATS = 3
"""The machine this runs on is shared: the median of three runs says more than one."""
TARGET_SECONDS = 60.0
"""Build and steps together, wall time."""
STEPS_WALL_TARGET = 15.0
STEPS_CPU_TARGET = 30.0
SEED = 20240601


Run = tuple[float, float, float, float, int | None, int]


def one_run(seed: int) -> Run:
    """Return build and step seconds (wall, then CPU), the negotiation step of one run and
    the peak bytes traced while building."""
    scenario = load_scenario("default")
    parameters = with_societies(
        scenario.parameters,
        members=MEMBERS_PER_SOCIETY,
        elite_share=0.001,
        decision_makers=50,
    )
    started, started_cpu = time.perf_counter(), time.process_time()
    tracemalloc.start()
    simulation = Simulation(parameters, scenario.programme, seed=seed)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    built, built_cpu = time.perf_counter(), time.process_time()
    simulation.advance(STEPS)
    done, done_cpu = time.perf_counter(), time.process_time()
    return (
        built - started,
        done - built,
        built_cpu - started_cpu,
        done_cpu - built_cpu,
        simulation.result().negotiation_step,
        traced_peak,
    )


def main() -> None:
    """Run the benchmark and print the phases and the JSON line."""
    runs = [one_run(SEED + r) for r in range(REPEATS)]
    build = statistics.median(r[0] for r in runs)
    steps = statistics.median(r[1] for r in runs)
    build_cpu = statistics.median(r[2] for r in runs)
    steps_cpu = statistics.median(r[3] for r in runs)
    total = build + steps
    agents = 2 * MEMBERS_PER_SOCIETY
    print(
        f"build {build:.1f} s wall, {build_cpu:.1f} s CPU; {STEPS} steps {steps:.1f} s wall "
        f"({steps / STEPS * 1000:.0f} ms/step), {steps_cpu:.1f} s CPU"
    )
    print(
        f"steps against targets of {STEPS_WALL_TARGET:.0f} s wall and {STEPS_CPU_TARGET:.0f} s "
        f"CPU; build and steps {total:.1f} s wall against {TARGET_SECONDS:.0f} s"
    )
    print(
        json.dumps(
            {
                "benchmark": "simulation_scale",
                "agents": agents,
                "members_per_society": MEMBERS_PER_SOCIETY,
                "steps": STEPS,
                "repeats": REPEATS,
                "build_s_median": round(build, 2),
                "steps_s_median": round(steps, 2),
                "total_s_median": round(total, 2),
                "build_cpu_s_median": round(build_cpu, 2),
                "steps_cpu_s_median": round(steps_cpu, 2),
                "steps_wall_target_s": STEPS_WALL_TARGET,
                "steps_cpu_target_s": STEPS_CPU_TARGET,
                "meets_steps_targets": bool(
                    steps < STEPS_WALL_TARGET and steps_cpu < STEPS_CPU_TARGET
                ),
                "ms_per_step": round(steps / STEPS * 1000, 1),
                "agent_steps_per_s": round(agents * STEPS / steps),
                "target_s": TARGET_SECONDS,
                "meets_target": bool(total < TARGET_SECONDS),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "peak_traced_build_mb": round(max(r[5] for r in runs) / 2**20, 1),
                "negotiation_step": runs[0][4],
            }
        )
    )


if __name__ == "__main__":
    main()
