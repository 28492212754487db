"""Small server-drawn SVG charts: the ripeness timeline, the snowball graph, opinion maps."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import networkx as nx

from tracktwo.services.commonground_rounds import MapPoint

STATE_LEVEL = {"not-ripe": 0, "ripening": 1, "ripe": 2}
PALETTE = ["#1b6ca8", "#c2571a", "#2e7d32", "#6a1b9a", "#ad1457", "#00838f"]


def ripeness_svg(points: list[dict[str, Any]], width: int = 640, height: int = 160) -> str:
    """Draw the ripeness state per assessment date as a step line with labels."""
    if not points:
        return ""
    left, right, top, bottom = 90, 20, 15, 35
    step = (width - left - right) / max(len(points) - 1, 1)

    def y(state: str) -> float:
        return top + (2 - STATE_LEVEL[state]) * (height - top - bottom) / 2

    path = f"M{left:.1f},{y(points[0]['state']):.1f}" + "".join(
        f" H{left + i * step:.1f} V{y(point['state']):.1f}" for i, point in enumerate(points)
    )
    labels = "".join(
        f'<text x="{left - 8}" y="{y(s) + 4:.1f}" text-anchor="end">{s}</text>' for s in STATE_LEVEL
    )
    ticks = "".join(
        f'<text x="{left + i * step:.1f}" y="{height - 10}" text-anchor="middle" '
        f'font-size="10">{escape(str(p["on"])[:7])}</text>'
        for i, p in enumerate(points)
    )
    dots = "".join(
        f'<circle cx="{left + i * step:.1f}" cy="{y(p["state"]):.1f}" r="4">'
        f"<title>{escape(str(p['on']))}: {p['state']}</title></circle>"
        for i, p in enumerate(points)
    )
    return (
        f'<svg role="img" aria-label="Ripeness over time" viewBox="0 0 {width} {height}" '
        f'class="chart" font-size="12">{labels}{ticks}'
        f'<path d="{path}" fill="none" stroke="#1b6ca8" stroke-width="2"/>{dots}</svg>'
    )


def snowball_svg(graph: dict[str, Any], width: int = 640, height: int = 360) -> str:
    """Draw the referral graph, one colour per party, key people larger."""
    network = nx.DiGraph()
    for node in graph.get("nodes", []):
        network.add_node(node["id"], **node)
    for edge in graph.get("edges", []):
        network.add_edge(edge["referrer"], edge["referred"])
    if not network:
        return ""
    positions = nx.kamada_kawai_layout(network.to_undirected())
    parties = sorted({data.get("party", "") for _, data in network.nodes(data=True)})
    colour = {party: PALETTE[i % len(PALETTE)] for i, party in enumerate(parties)}

    def xy(node: str) -> tuple[float, float]:
        px, py = positions[node]
        return 20 + (px + 1) / 2 * (width - 40), 20 + (py + 1) / 2 * (height - 60)

    def line(a: str, b: str) -> str:
        (x1, y1), (x2, y2) = xy(a), xy(b)
        return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#999"/>'

    def circle(node: str, data: dict[str, Any]) -> str:
        x, y = xy(node)
        party = str(data.get("party", ""))
        radius = 8 if data.get("key") else 4
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour[party]}">'
            f"<title>{escape(party)}, wave {data.get('wave')}</title></circle>"
        )

    lines = "".join(line(a, b) for a, b in network.edges)
    circles = "".join(circle(node, data) for node, data in network.nodes(data=True))
    legend = "".join(
        f'<rect x="{20 + i * 200}" y="{height - 25}" width="10" height="10" fill="{colour[p]}"/>'
        f'<text x="{35 + i * 200}" y="{height - 16}">{escape(p)}</text>'
        for i, p in enumerate(parties)
    )
    return (
        f'<svg role="img" aria-label="Snowball referral graph" viewBox="0 0 {width} {height}" '
        f'class="chart" font-size="12">{lines}{circles}{legend}</svg>'
    )


def opinion_map_svg(points: Sequence[MapPoint], width: int = 480, height: int = 320) -> str:
    """Draw respondents on the 2-D opinion map, coloured by opinion group."""
    if not points:
        return ""
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    sx = (width - 40) / ((x1 - x0) or 1)
    sy = (height - 40) / ((y1 - y0) or 1)
    dots = "".join(
        f'<circle cx="{20 + (x - x0) * sx:.1f}" cy="{20 + (y - y0) * sy:.1f}" r="3" '
        f'fill="{PALETTE[g % len(PALETTE)] if g >= 0 else "#bbb"}" fill-opacity="0.7"/>'
        for x, y, g in ((p.x, p.y, p.group) for p in points)
    )
    return (
        f'<svg role="img" aria-label="Opinion map of respondents" viewBox="0 0 {width} {height}" '
        f'class="chart">{dots}</svg>'
    )
