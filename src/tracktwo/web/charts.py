"""Small server-drawn SVG charts: the ripeness timeline, the snowball graph, opinion maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def snowball_svg(
    graph: dict[str, Any],
    width: int = 640,
    height: int = 360,
    labels: Mapping[str, str] | None = None,
    anchor: str = "",
) -> str:
    """Draw the referral graph, one colour per party, key people larger.

    With ``labels`` (candidate id -> label, as the candidate list shows them), each node
    carries its label; with ``anchor`` too, each node links to ``{anchor}{id}``, the
    candidate's row in the list.
    """
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
        label = (labels or {}).get(node, "")
        title = f"{label}: " if label else ""
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour[party]}">'
            f"<title>{escape(title)}{escape(party)}, wave {data.get('wave')}</title></circle>"
        )
        if label:
            # The node shows its party's short form and number (N3); the tooltip and the
            # candidate list the whole label.
            text = short_label(label, parties)
            shape += (
                f'<text x="{x + radius + 2:.1f}" y="{y + 4:.1f}" aria-hidden="true">'
                f"{escape(text)}</text>"
            )
        if label and anchor:
            shape = f'<a href="{escape(anchor)}{escape(node)}">{shape}</a>'
        return shape

    lines = "".join(line(a, b) for a, b in network.edges)
    circles = "".join(circle(node, data) for node, data in network.nodes(data=True))
    legend = "".join(
        f'<rect x="{20 + i * 200}" y="{height - 25}" width="10" height="10" fill="{colour[p]}"/>'
        f'<text x="{35 + i * 200}" y="{height - 16}">{escape(p)}</text>'
        for i, p in enumerate(parties)
    )
    # With links to the candidates the graph is a group of links, not one image (an image's
    # children are not announced, and a link inside one cannot be reached).
    role = "group" if labels and anchor else "img"
    return (
        f'<svg role="{role}" aria-label="Snowball referral graph" viewBox="0 0 {width} {height}" '
        f'class="chart" font-size="12">{lines}{circles}{legend}</svg>'
    )


def short_label(label: str, parties: Sequence[str]) -> str:
    """Shorten ``"North community 3"`` to ``"N3"``: the shortest prefix of the party's name
    that no other party shares, then the number."""
    party, _, number = label.rpartition(" ")
    others = [p for p in parties if p != party]
    for length in range(1, len(party) + 1):
        prefix = party[:length]
        if not any(other.startswith(prefix) for other in others):
            return f"{prefix.strip()}{number}"
    return label


def group_colour(group: int) -> str:
    """The colour of an opinion group on the map and in its legend (grey: not grouped)."""
    return PALETTE[group % len(PALETTE)] if group >= 0 else "#757575"


def opinion_map_svg(
    cells: Sequence[MapPoint],
    labels: Sequence[str] = (),
    you: tuple[float, float] | None = None,
    width: int = 480,
    height: int = 320,
) -> str:
    """Draw the binned opinion map: one dot per cell and group, its area proportional to how
    many respondents it holds (the number in its tooltip), each group's letter at its centre
    of mass, and, on a respondent's own map, a ring marked "you" on their cell.

    ``cells`` are (x, y, group, count) with x and y from 0 to 1. The legend (colours, sizes,
    communities, statements) is HTML beside the map, so that screen readers reach it.
    """
    if not cells:
        return ""
    margin = 24
    most = max(c.count for c in cells)
    radius_max = min(width, height) / 2 / 24 * 0.95 * 1.6

    def at(x: float, y: float) -> tuple[float, float]:
        return margin + x * (width - 2 * margin), margin + y * (height - 2 * margin)

    dots = []
    for cell in sorted(cells, key=lambda c: -c.count):
        cx, cy = at(cell.x, cell.y)
        r = max(2.0, radius_max * (cell.count / most) ** 0.5)
        name = f"group {labels[cell.group]}" if 0 <= cell.group < len(labels) else "ungrouped"
        dots.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{group_colour(cell.group)}" '
            f'fill-opacity="0.75"><title>{escape(name)}: {cell.count} here</title></circle>'
        )
    letters = []
    for group, label in enumerate(labels):
        mine = [c for c in cells if c.group == group]
        total = sum(c.count for c in mine)
        if not total:
            continue
        gx = sum(c.x * c.count for c in mine) / total
        gy = sum(c.y * c.count for c in mine) / total
        x, y = at(gx, gy)
        letters.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" dominant-baseline="middle" '
            f'font-size="18" font-weight="bold" fill="#000" stroke="#fff" stroke-width="4" '
            f'paint-order="stroke">{escape(label)}</text>'
        )
    mark = ""
    if you is not None:
        x, y = at(*you)
        mark = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius_max + 4:.1f}" fill="none" '
            f'stroke="#000" stroke-width="2.5"/><text x="{x:.1f}" y="{y - radius_max - 8:.1f}" '
            'text-anchor="middle" font-size="13" font-weight="bold" fill="#000" stroke="#fff" '
            'stroke-width="3" paint-order="stroke">you</text>'
        )
    described = f"Opinion map: {sum(c.count for c in cells)} respondents in {len(labels)} groups"
    if you is not None:
        described += ", with your place marked"
    return (
        f'<svg role="img" aria-label="{escape(described)}" viewBox="0 0 {width} {height}" '
        f'class="chart opinion-map">{"".join(dots)}{"".join(letters)}{mark}</svg>'
    )


def analysis_map(analysis: Any, you: tuple[float, float] | None = None) -> str:
    """The opinion map of a round's analysis (none for an analysis under an earlier rule)."""
    if analysis is None or getattr(analysis, "outdated", False):
        return ""
    return opinion_map_svg(analysis.map, [g.label for g in analysis.groups], you)
