"""Run every benchmark module in turn (``make bench``); each prints its own JSON line.

After each, a line with its wall-clock seconds and the CPU seconds this process spent over
the same span, summed over its threads.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main() -> int:
    """Import and run ``main()`` of every module in this folder, in name order."""
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))
    only = set(sys.argv[1:])
    failures = 0
    for name in names:
        if only and name not in only:
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== benchmarks.{name}", flush=True)
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            module.main()
        except Exception as error:  # a failing benchmark must not hide the others' figures
            failures += 1
            print(f"benchmarks.{name} failed: {error!r}", file=sys.stderr)
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        print(f"== benchmarks.{name} took {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
