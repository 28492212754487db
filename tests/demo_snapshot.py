"""The demo report in a form that two runs share: generated ids and times masked.

Ids are random and stamps are the clock's; floats are rounded to 10 significant digits
(sums over pseudonymous rows may add in another order); the snowball's nodes and edges,
listed in id order, are sorted after masking.
"""

from __future__ import annotations

import json
import re
from typing import Any

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\.\d+")


def _canonical(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def masked(report_text: str) -> Any:
    """Return the report with ids and times masked, floats rounded, id-ordered lists sorted."""
    report = _canonical(json.loads(STAMP.sub("<time>", UUID.sub("<id>", report_text))))
    snowball = report.get("snowball") or {}
    for key in ("nodes", "edges"):
        if isinstance(snowball.get(key), list):
            snowball[key] = sorted(snowball[key], key=lambda item: json.dumps(item, sort_keys=True))
    return report


def record(report_text: str, path: str = "tests/data/demo-report.masked.json") -> None:
    """Write a new recording, when a change to the report is intended (say why in the commit)."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(masked(report_text), out, indent=1, sort_keys=True, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":  # .venv/bin/tracktwo demo --json ... | python -m tests.demo_snapshot
    import sys

    record(sys.stdin.read())
