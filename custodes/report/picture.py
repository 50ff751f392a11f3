"""The stack's shared-responsibility matrix as a picture: Mermaid for Markdown, SVG for HTML.

Both pictures draw the same thing, from :attr:`~custodes.engine.Report.responsibility`:
each duty on the left, joined to the parties holding it on the right by an
edge labelled with the number of workloads, coloured by what that means for
the customer — held by the customer (good), by the founder (inherent: the
silicon vendor ships the firmware), by the provider or by nobody (bad), or
not told by the stack (unresolved).
"""

from __future__ import annotations

from html import escape

from custodes.custody.responsibility import DUTIES, HOLDERS
from custodes.engine import Report
from custodes.records import record

DUTY_LABELS = {
    "key-custody": "key custody",
    "attestation-policy": "attestation policy",
    "attestation-verification": "attestation verification",
    "firmware-tcb": "firmware / TCB",
    "monitoring": "monitoring",
}
HOLDER_LABELS = {
    "provider": "cloud provider",
    "founder": "founder (silicon vendor)",
    "customer": "customer",
    "unassigned": "nobody",
    "unresolved": "unresolved",
}
# What holding a duty means for the customer, worst first.
TONES = ("bad", "unknown", "inherent", "good")
HOLDER_TONES = {
    "provider": "bad",
    "unassigned": "bad",
    "unresolved": "unknown",
    "founder": "inherent",
    "customer": "good",
}
# (fill, stroke, text) per tone.
COLOURS = {
    "good": ("#d1e7dd", "#146c43", "#0a3622"),
    "inherent": ("#fff3cd", "#997404", "#332701"),
    "bad": ("#f8d7da", "#b02a37", "#58151c"),
    "unknown": ("#e2e3e5", "#6c757d", "#2b2f32"),
}
# A mark per holder for tables, where colour alone would not survive plain text.
HOLDER_MARKS = {
    "customer": "🟢",
    "founder": "🟡",
    "provider": "🔴",
    "unassigned": "🔴",
    "unresolved": "⚪",
}


@record
class Edge:
    """``workloads`` workloads have ``duty`` held by ``holder``."""

    duty: str
    holder: str
    workloads: int

    @property
    def label(self) -> str:
        """"1 workload", "3 workloads"."""
        return f"{self.workloads} workload{'s' if self.workloads != 1 else ''}"


def edges(report: Report) -> list[Edge]:
    """Every (duty, holder) cell of the matrix that holds at least one workload."""
    rows = {row["duty"]: row for row in report.responsibility}
    return [
        Edge(duty, holder, len(rows[duty][holder]))
        for duty in DUTIES
        for holder in HOLDERS
        if rows.get(duty) and rows[duty][holder]
    ]


def duty_tone(duty: str, drawn: list[Edge]) -> str:
    """The worst tone among a duty's holders."""
    tones = {HOLDER_TONES[edge.holder] for edge in drawn if edge.duty == duty}
    return next((tone for tone in TONES if tone in tones), "unknown")


def _node(name: str) -> str:
    return name.replace("-", "_")


def mermaid(report: Report) -> str:
    """A Mermaid flowchart of the matrix (GitHub renders it in Markdown); empty without workloads."""
    drawn = edges(report)
    if not drawn:
        return ""
    holders = [holder for holder in HOLDERS if any(edge.holder == holder for edge in drawn)]
    lines = ["flowchart LR"]
    for tone, (fill, stroke, text) in COLOURS.items():
        dash = ",stroke-dasharray:4 3" if tone == "unknown" else ""
        lines.append(f"    classDef {tone} fill:{fill},stroke:{stroke},color:{text}{dash}")
    lines.append('    subgraph duties["Duty"]')
    lines.append("        direction TB")
    lines.extend(f'        d_{_node(duty)}["{DUTY_LABELS[duty]}"]' for duty in DUTIES)
    lines.append("    end")
    lines.append('    subgraph holders["Held by"]')
    lines.append("        direction TB")
    lines.extend(f'        h_{holder}(["{HOLDER_LABELS[holder]}"])' for holder in holders)
    lines.append("    end")
    lines.extend(f"    d_{_node(edge.duty)} -->|{edge.label}| h_{edge.holder}" for edge in drawn)
    lines.append("    style duties fill:#ffffff,stroke:#d0d7de")
    lines.append("    style holders fill:#ffffff,stroke:#d0d7de")
    for duty in DUTIES:
        lines.append(f"    class d_{_node(duty)} {duty_tone(duty, drawn)}")
    for holder in holders:
        lines.append(f"    class h_{holder} {HOLDER_TONES[holder]}")
    for index, edge in enumerate(drawn):
        stroke = COLOURS[HOLDER_TONES[edge.holder]][1]
        lines.append(f"    linkStyle {index} stroke:{stroke},stroke-width:2px")
    return "\n".join(lines) + "\n"


def _ordered_holders(drawn: list[Edge]) -> list[str]:
    """The holders drawn, each beside the mean row of its duties (fewer crossing edges)."""
    rows = {duty: index for index, duty in enumerate(DUTIES)}
    holders = [holder for holder in HOLDERS if any(edge.holder == holder for edge in drawn)]

    def mean_row(holder: str) -> float:
        duties = [rows[edge.duty] for edge in drawn if edge.holder == holder]
        return sum(duties) / len(duties)

    return sorted(holders, key=lambda holder: (mean_row(holder), HOLDERS.index(holder)))


# SVG geometry (pixels).
_WIDTH, _BOX_W, _BOX_H, _GAP, _TOP = 720, 230, 36, 16, 44
_LEFT_X, _RIGHT_X = 16, _WIDTH - 16 - 230


# Edge labels: 12 px text, a generous estimate of its box (wider than any system font draws).
_CHAR_W, _LABEL_H, _LABEL_PAD = 7.5, 22, 8
_ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75)


def _curve(t: float, start: tuple[float, float], end: tuple[float, float]) -> tuple[float, float]:
    """The point at ``t`` of an edge's cubic curve (control points at the middle x)."""
    (x1, y1), (x2, y2) = start, end
    middle = (x1 + x2) / 2
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
    return (a * x1 + (b + c) * middle + d * x2, (a + b) * y1 + (c + d) * y2)


def _label_place(label: str, start: tuple[float, float], end: tuple[float, float],
                 placed: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """Where to draw an edge's label (centre x, baseline y) so that no two labels overlap.

    On its curve where there is room (the middle first); else the free place
    nearest the curve's middle, in the gap between the two columns of boxes.
    The box taken is added to ``placed`` (left, top, right, bottom).
    """
    width = len(label) * _CHAR_W + _LABEL_PAD
    low, high = start[0] + width / 2 + 2, end[0] - width / 2 - 2

    def box(x: float, y: float) -> tuple[float, float, float, float]:
        return (x - width / 2, y - _LABEL_H + 6, x + width / 2, y + 6)

    def free(candidate: tuple[float, float, float, float]) -> bool:
        left, top, right, bottom = candidate
        return all(right <= other[0] or left >= other[2] or bottom <= other[1] or top >= other[3]
                   for other in placed)

    candidates = [(min(max(x, low), high), y - 4) for x, y in
                  (_curve(t, start, end) for t in _ALONG)]
    # Then beside either box, at the height the edge leaves or reaches it.
    candidates += [(low, start[1] - 4), (high, end[1] - 4), (low, start[1] + 14),
                   (high, end[1] + 14)]
    x0, y0 = candidates[0]
    candidates += [(x, y0 + step * _LABEL_H * sign) for step in range(1, 200) for sign in (1, -1)
                   for x in (x0, low, high) if y0 + step * _LABEL_H * sign > _LABEL_H + 24]
    for x, y in candidates:
        if free(box(x, y)):
            placed.append(box(x, y))
            return x, y
    # Below every label placed (25 labels at most: not reached in practice).
    y = max(other[3] for other in placed) + _LABEL_H
    placed.append(box(x0, y))
    return x0, y


def svg(report: Report) -> str:
    """The same picture as inline SVG, self-contained; empty without workloads."""
    drawn = edges(report)
    if not drawn:
        return ""
    holders = _ordered_holders(drawn)
    step = _BOX_H + _GAP
    height = _TOP + max(len(DUTIES), len(holders)) * step + 8
    duty_y = {duty: _TOP + index * step for index, duty in enumerate(DUTIES)}
    holder_y = {holder: _TOP + index * step for index, holder in enumerate(holders)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_WIDTH}" '
        f'height="{{HEIGHT}}" viewBox="0 0 {_WIDTH} {{HEIGHT}}" '
        'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" '
        'font-size="14" aria-labelledby="matrix-title">',
        '<title id="matrix-title">Shared-responsibility matrix: who holds each duty</title>',
        f'<text x="{_LEFT_X}" y="24" font-weight="600">Duty</text>',
        f'<text x="{_RIGHT_X}" y="24" font-weight="600">Held by</text>',
    ]
    placed: list[tuple[float, float, float, float]] = []
    labels: list[str] = []
    for edge in drawn:
        x1, y1 = _LEFT_X + _BOX_W, duty_y[edge.duty] + _BOX_H / 2
        x2, y2 = _RIGHT_X, holder_y[edge.holder] + _BOX_H / 2
        middle = (x1 + x2) / 2
        stroke = COLOURS[HOLDER_TONES[edge.holder]][1]
        parts.append(
            f'<path class="edge" d="M{x1:g},{y1:g} C{middle:g},{y1:g} {middle:g},{y2:g} '
            f'{x2:g},{y2:g}" fill="none" stroke="{stroke}" stroke-width="2"/>'
        )
        x, y = _label_place(edge.label, (x1, y1), (x2, y2), placed)
        height = max(height, int(y + 12))
        labels.append(
            f'<text class="edge-label" x="{x:g}" y="{y:g}" text-anchor="middle" font-size="12" '
            f'fill="{stroke}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f'{escape(edge.label)}</text>'
        )
    boxes = [(_LEFT_X, duty_y[duty], DUTY_LABELS[duty], duty_tone(duty, drawn), 4)
             for duty in DUTIES]
    boxes += [(_RIGHT_X, holder_y[holder], HOLDER_LABELS[holder], HOLDER_TONES[holder], 18)
              for holder in holders]
    for x, y, label, tone, radius in boxes:
        fill, stroke, text = COLOURS[tone]
        dash = ' stroke-dasharray="4 3"' if tone == "unknown" else ""
        parts.append(
            f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="{radius}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
        )
        parts.append(
            f'<text x="{x + _BOX_W / 2:g}" y="{y + _BOX_H / 2 + 5:g}" text-anchor="middle" '
            f'fill="{text}">{escape(label)}</text>'
        )
    parts.extend(labels)  # over the edges and boxes
    parts.append("</svg>")
    parts[0] = parts[0].replace("{HEIGHT}", str(height))
    return "\n".join(parts) + "\n"


def key_rows(report: Report) -> list[tuple[str, str, str, str]]:
    """(workload name, key path, custody level, attested release: yes/no/unknown), per key.

    A workload with no key found has one row whose custody is ``unresolved``.
    """
    bound = {True: "yes", False: "no", None: "unknown"}
    rows = []
    for workload in report.custody:
        if not workload.keys:
            rows.append((workload.resource.name, "no key found", "unresolved", "unknown"))
        rows += [(workload.resource.name, key.path, key.label, bound[key.attestation_bound])
                 for key in workload.keys]
    return rows


def custody_holder(custody: str) -> str:
    """The holder a custody level leaves a key with (for its mark and colour)."""
    if custody == "provider":
        return "provider"
    return "unresolved" if custody == "unresolved" else "customer"


def workload_rows(report: Report) -> list[tuple[str, str, list[str]]]:
    """(name, URN, holder of each duty in :data:`DUTIES` order), one row per workload."""
    return [
        (workload["name"], workload["urn"], [workload["duties"][duty] for duty in DUTIES])
        for workload in report.workloads
    ]
