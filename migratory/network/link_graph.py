"""A producer-user network drawn as a small server-side SVG: institutions as
boxes, one arrow per link from producer to user, labelled by what flows.

A pure function of the links (no request, no query): producers only on the
left, institutions that both produce and use in the middle, users only on
the right, each column in country and name order, so the same links always
give the same picture. Readable without JavaScript; the page shows the same
links as a table beside it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from migratory.network.vocab import FLOWS

MAX_EDGES = 80  # beyond this the picture is unreadable: the table says it all
BOX_W, BOX_H, ROW_H = 170, 26, 58
MARGIN, LABEL_CHARS = 24, 24


@dataclass(frozen=True)
class Node:
    """An institution's box."""

    ident: int
    label: str
    title: str
    url: str
    x: float
    y: float


def _label(institution) -> str:
    """A short label that fits the box: the acronym, else the cut name."""
    text = institution.acronym or institution.display_name
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _columns(links) -> list[list]:
    """Institutions by column: producers only, both, users only."""
    producers = {link.producer_id for link in links}
    users = {link.consumer_id for link in links}
    found = {}
    for link in links:
        found[link.producer_id] = link.producer
        found[link.consumer_id] = link.consumer
    columns: list[list] = [[], [], []]
    for ident, institution in found.items():
        column = 1 if ident in producers and ident in users else 0
        columns[2 if ident not in producers else column].append(institution)
    for column in columns:
        column.sort(key=lambda i: (i.country_code, i.name_key, i.id))
    return [column for column in columns if column]


def _nodes(columns, width: float, url: Callable) -> dict[int, Node]:
    """Boxes in their columns, each column centred on the tallest."""
    step = (width - 2 * MARGIN - BOX_W) / max(len(columns) - 1, 1)
    tallest = max(len(column) for column in columns)
    nodes = {}
    for number, column in enumerate(columns):
        offset = (tallest - len(column)) * ROW_H / 2
        for row, institution in enumerate(column):
            nodes[institution.id] = Node(
                institution.id,
                _label(institution),
                f"{institution.display_name} ({institution.country_code})",
                url(institution),
                MARGIN + number * step,
                MARGIN + offset + row * ROW_H,
            )
    return nodes


def _edge_path(source: Node, target: Node, rank: int) -> tuple[str, float, float, str]:
    """A curve from the source's right side to the target's left side (or,
    within a column, round its right side); where its label goes and how
    it is anchored there."""
    bend = rank * 18
    x0, y0 = source.x + BOX_W, source.y + BOX_H / 2
    if target.x > source.x:
        x3, y3 = target.x, target.y + BOX_H / 2
        x1, y1 = x0 + (x3 - x0) / 2, y0 + bend
        x2, y2 = x3 - (x3 - x0) / 2, y3 + bend
    else:  # both in the middle column: an arc out to the right and back
        x3, y3 = target.x + BOX_W, target.y + BOX_H / 2
        x1, y1 = x0 + 60 + 3 * bend, y0
        x2, y2 = x3 + 60 + 3 * bend, y3
    path = f"M{x0:.1f},{y0:.1f} C{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f} {x3:.1f},{y3:.1f}"
    # The middle of a cubic curve: (P0 + 3 P1 + 3 P2 + P3) / 8.
    x, y = (x0 + 3 * x1 + 3 * x2 + x3) / 8, (y0 + 3 * y1 + 3 * y2 + y3) / 8
    if target.x > source.x:
        return path, x, y - 3, "middle"
    return path, x + 4, y + 4 + rank * 12, "start"  # beside the arc, staggered


def network_svg(
    links,
    *,
    title: str,
    description: str,
    link_url: Callable,
    institution_url: Callable,
    width: int = 900,
) -> Markup | None:
    """The SVG of `links` (None if there are none, or too many to draw)."""
    links = list(links)
    if not links or len(links) > MAX_EDGES:
        return None
    columns = _columns(links)
    nodes = _nodes(columns, width, institution_url)
    height = 2 * MARGIN + max(len(c) for c in columns) * ROW_H - (ROW_H - BOX_H)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="link-graph" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="link-graph-title link-graph-desc">',
        f'<title id="link-graph-title">{escape(title)}</title>',
        f'<desc id="link-graph-desc">{escape(description)}</desc>',
        '<defs><marker id="link-graph-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    ranks: dict[frozenset, int] = {}
    for link in links:
        # Links between the same two, either way, each bend further out.
        pair = frozenset((link.producer_id, link.consumer_id))
        rank = ranks[pair] = ranks.get(pair, -1) + 1
        parts.append(_edge(link, nodes, rank, link_url(link)))
    parts += [_node(node) for node in nodes.values()]
    parts.append("</svg>")
    return Markup("".join(parts))


def _edge(link, nodes: dict[int, Node], rank: int, url: str) -> str:
    source, target = nodes[link.producer_id], nodes[link.consumer_id]
    path, x, y, anchor = _edge_path(source, target, rank)
    flow = str(FLOWS.get(link.flow, link.flow))
    return (
        f'<g class="edge" data-link="{link.id}"><a href="{escape(url)}">'
        f"<title>{escape(source.title)} → {escape(target.title)}: {escape(flow)}"
        f'</title><path d="{path}" fill="none" stroke="#555" stroke-width="1.4" '
        f'marker-end="url(#link-graph-arrow)"/>'
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="10" '
        f'fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke">'
        f"{escape(flow)}</text></a></g>"
    )


def _node(node: Node) -> str:
    return (
        f'<g class="node" data-institution="{node.ident}">'
        f'<a href="{escape(node.url)}"><title>{escape(node.title)}</title>'
        f'<rect x="{node.x:.1f}" y="{node.y:.1f}" width="{BOX_W}" height="{BOX_H}" '
        f'rx="4" fill="#eef3fb" stroke="#2b5797"/>'
        f'<text x="{node.x + BOX_W / 2:.1f}" y="{node.y + BOX_H / 2 + 4:.1f}" '
        f'text-anchor="middle" font-size="11" fill="#111">{escape(node.label)}</text>'
        f"</a></g>"
    )
