"""The SVG charts of the pages: stacked status bars and the share of demands met over time.

Everything drawn from data is escaped; colours come from fields.LOOKS, and every status also has its own marks
or symbol, so that no chart depends on colour alone (nor on a colour printer).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..fields import LOOKS, STATUS_SYMBOLS
from ..i18n import _, format_number
from ..model import Status

if TYPE_CHECKING:
    from markupsafe import Markup

# Fill colours of the chart bars (the same hues as style.css); each status also gets its own marks, so that a bar
# reads without colour (and in grey print). The marks are plain vector strokes, not SVG <pattern>s: Chromium prints
# a pattern fill as a bitmap, which made the printed index of 41 demands a 5.9 MB PDF.
BAR_COLOURS = {status.value: look.chart_fill for status, look in LOOKS.items()}
_TILE = 8  # the marks repeat every 8 units, on a grid fixed to the chart, so that adjacent segments line up
_MARK_STYLE = {  # stroke width and opacity of each status's white marks
    "in-progress": ("2.4", ".55"), "partly-met": ("1.6", ".5"), "not-met": ("1.2", ".45"), "reversed": ("1.6", ".5"),
}


def _marks(status: str, x0: float, y0: float, w: float, h: float) -> str:
    """The status's marks inside one rectangle, as one <path> (empty for a status drawn in plain colour)."""
    if status not in _MARK_STYLE:
        return ""
    x1, y1, d = x0 + w, y0 + h, []
    if status == "in-progress":  # dots: zero-length round-capped strokes on two offset grids
        for off in (2, 6):
            gy = _first(y0, off)
            while gy < y1:
                gx = _first(x0, off)
                while gx < x1:
                    d.append(f"M{gx:g},{gy:g}h0")
                    gx += _TILE
                gy += _TILE
    if status == "reversed":  # horizontal lines
        gy = _first(y0, 4)
        while gy < y1:
            d.append(f"M{x0:.1f},{gy:g}H{x1:.1f}")
            gy += _TILE
    if status in ("partly-met", "not-met"):  # rising diagonals: x + y = 8k
        c = _first(x0 + y0, 0)
        while c < x1 + y1:
            a, b = max(x0, c - y1), min(x1, c - y0)
            if a < b:
                d.append(f"M{a:.1f},{c - a:.1f}L{b:.1f},{c - b:.1f}")
            c += _TILE
    if status == "not-met":  # and falling ones: x - y = 8k
        c = _first(x0 - y1, 0)
        while c < x1 - y0:
            a, b = max(x0, c + y0), min(x1, c + y1)
            if a < b:
                d.append(f"M{a:.1f},{a - c:.1f}L{b:.1f},{b - c:.1f}")
            c += _TILE
    width, opacity = _MARK_STYLE[status]
    return (f'<path d="{"".join(d)}" stroke="#fff" stroke-opacity="{opacity}" stroke-width="{width}" '
            f'stroke-linecap="{"round" if status == "in-progress" else "butt"}" fill="none"/>')


def _first(start: float, offset: int) -> float:
    """The first grid line (offset + a multiple of the tile) at or after `start`."""
    return offset + _TILE * math.ceil((start - offset) / _TILE)


def bar_chart(rows: list[tuple[str, dict[str, int]]], chart_id: str, title: str) -> Markup:
    """An inline SVG of horizontal stacked bars, one per (label, counts by status); numbers drawn on each segment."""
    from markupsafe import Markup, escape

    width, right_w, row_h, gap = 560, 36, 22, 8
    label_w = min(150, 14 + 8 * max([len(_clip(label, 18)) for label, __ in rows] + [4]))
    bar_w = width - label_w - right_w
    most = max([sum(c.values()) for __, c in rows] + [1])
    legend_y = len(rows) * (row_h + gap) + 8
    keys = [f"{STATUS_SYMBOLS[status]} {Status(status).label}" for status in BAR_COLOURS]
    # the key in rows of three; of two where a status's words are longer than a third of the width can hold
    # ("◑ выполнено частично"): DejaVu Sans at 14 units is about 8.4 units a letter
    per_row = 3 if 21 + 8.4 * max(len(k) for k in keys) <= 185 else 2
    key_w = 185 if per_row == 3 else 278
    height = legend_y + 22 * math.ceil(len(keys) / per_row) + 2
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{chart_id}-t" font-size="14">', f'<title id="{chart_id}-t">{escape(title)}</title>']
    for i, (label, counts) in enumerate(rows):
        y = i * (row_h + gap)
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(_clip(label, 18))}</text>')
        x = float(label_w)
        for status in BAR_COLOURS:
            n = counts.get(status, 0)
            if not n:
                continue
            w = n / most * bar_w
            shown = format_number(n)
            # TRANSLATORS: a chart's tooltip: "2019: 3 met" (a resolution or a year, a number, a status)
            tip = escape(_("{label}: {count} {status}").format(label=label, count=shown, status=Status(status).label))
            out.append(f'<g><title>{tip}</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" '
                       f'fill="{BAR_COLOURS[status]}"/>{_marks(status, x, y, w, row_h)}'
                       f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" fill="none" stroke="#fff"/></g>')
            if w >= 9 * len(shown) + 6:
                tw = 9 * len(shown) + 4  # a light plate behind the number keeps it legible on any colour and marks
                out.append(f'<rect x="{x + (w - tw) / 2:.1f}" y="{y + 3}" width="{tw}" height="16" rx="3" fill="#fff" '
                           f'fill-opacity=".85"/><text x="{x + w / 2:.1f}" y="{y + 16}" text-anchor="middle" '
                           f'font-weight="bold" fill="#1b1f24">{shown}</text>')
            x += w
        out.append(f'<text x="{x + 5:.1f}" y="{y + 16}">{format_number(sum(counts.values()))}</text>')
    for i, (status, key) in enumerate(zip(BAR_COLOURS, keys)):  # the key: pattern + symbol + word
        lx, ly = 4 + (i % per_row) * key_w, legend_y + (i // per_row) * 22
        out.append(f'<rect x="{lx}" y="{ly}" width="16" height="14" fill="{BAR_COLOURS[status]}"/>'
                   f'{_marks(status, lx, ly, 16, 14)}<rect x="{lx}" y="{ly}" width="16" height="14" fill="none" '
                   f'stroke="#1b1f24" stroke-width=".5"/><text x="{lx + 21}" y="{ly + 12}">{escape(key)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def percent(share: float) -> str:
    """A share of 0-100 as the reader writes it, rounded to a whole number: '40%' in English, '40 %' in Russian."""
    # TRANSLATORS: a percentage; {number} is already written for the language ("40%", "40 %")
    return _("{number}%").format(number=format_number(int(f"{share:.0f}")))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def share_chart(points: list[tuple[str, float | None]], chart_id: str, title: str) -> Markup:
    """An inline SVG line of percentages (0-100) over labelled points, each point with its figure written beside it.

    A point of None (nothing had been demanded yet) leaves a gap in the line.
    """
    from markupsafe import Markup, escape

    width, left, right, top, plot_h = 560, 44, 16, 14, 160
    wider = max(0, len(percent(100)) - 4)  # '100 %' (Russian) is a letter wider than '100%': more room each side
    left, right = left + 8 * wider, right + 6 * wider
    step = (width - left - right) / max(len(points) - 1, 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {top + plot_h + 44}" role="img" '
           f'aria-labelledby="{chart_id}-t" font-size="13">', f'<title id="{chart_id}-t">{escape(title)}</title>']
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        rule = 1.2 if pct == 0 else 0.6
        out.append(f'<path d="M{left},{y:g}H{width - right}" stroke="#d0d4da" stroke-width="{rule}"/>'
                   f'<text x="{left - 6}" y="{y + 4:g}" text-anchor="end" fill="#555">{escape(percent(pct))}</text>')
    runs: list[list[str]] = [[]]  # the line's unbroken stretches
    every = max(1, math.ceil(len(points) / 12))  # at most about 12 labels under the axis and figures on the line
    for i, (label, share) in enumerate(points):
        x = left + i * step
        if i % every == 0 or i == len(points) - 1:
            out.append(f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle">'
                       f'{escape(_clip(label, 8))}</text>')
        if share is None:
            runs.append([])
            continue
        y = top + plot_h * (1 - share / 100)
        runs[-1].append(f"{x:.1f},{y:.1f}")
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LOOKS[Status.MET].chart_fill}"><title>'
                   f'{escape(label)}: {escape(percent(share))}</title></circle>')
        if i % every == 0 or i == len(points) - 1:
            out.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-weight="bold">'
                       f'{escape(percent(share))}</text>')
    for run in runs:
        if len(run) > 1:
            out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{LOOKS[Status.MET].chart_fill}" '
                       'stroke-width="2.5"/>')
    out.append("</svg>")
    return Markup("".join(out))

