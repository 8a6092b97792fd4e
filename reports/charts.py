"""Weekly stacked bar charts as inline SVG: no script, readable by screen readers.

Each chart carries a ``<title>`` and ``<desc>`` (named by ``aria-labelledby``), a
legend, a y axis with round ticks and one label per week; each bar has its own
``<title>`` so hovering or a screen reader gives the numbers. Every text is escaped.
The ``data-*`` attributes on bars let tests read the chart back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 420, 240
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 34, 34
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BAR_SHARE = 0.64  # of each week's slot


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


def nice_max(value: int) -> tuple[int, int]:
    """A round top for the y axis at or above ``value``, and the step between ticks."""
    if value <= 0:
        return 1, 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (magnitude // 10 or 1, magnitude // 5 or 1, magnitude // 2 or 1, magnitude,
                 2 * magnitude, 5 * magnitude, 10 * magnitude):
        top = step * math.ceil(value / step)
        if top // step <= 5:
            return top, step
    raise AssertionError("unreachable: 10 * magnitude always fits in five ticks")


def week_label(week: str) -> str:
    """ "2026-W07" → "W07"."""
    return week.split("-", 1)[-1]


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    weeks: Sequence[str],
    series: Sequence[Series],
    values: Mapping[str, Mapping[str, int]],
    unit: str,
) -> Markup:
    """One bar per week, each stacked from ``series`` in order (first at the bottom)."""
    totals = [sum(values.get(week, {}).get(s.key, 0) for s in series) for week in weeks]
    top, step = nice_max(max(totals, default=0))
    slot = PLOT_W / max(len(weeks), 1)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        *_legend(series),
        *_y_axis(top, step, unit),
    ]
    for index, week in enumerate(weeks):
        parts.extend(_bar(week, index, slot, series, values.get(week, {}), top))
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" '
        'stroke="#52525b"/>'
    )
    if weeks:
        parts.append(
            f'<text class="x-caption" x="{LEFT + PLOT_W / 2:.1f}" y="{HEIGHT - 4}" '
            f'text-anchor="middle" fill="#52525b">ISO weeks {escape(weeks[0])} to '
            f"{escape(weeks[-1])}</text>"
        )
    if not any(totals):
        parts.append(
            f'<text class="no-data" x="{LEFT + PLOT_W / 2:.1f}" y="{TOP + PLOT_H / 2:.1f}" '
            f'text-anchor="middle" fill="#52525b">No data in these {len(weeks)} weeks</text>'
        )
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x = [], LEFT
    for s in series:
        parts.append(
            f'<rect class="legend" x="{x}" y="8" width="10" height="10" fill="{escape(s.colour)}"/>'
            f'<text x="{x + 14}" y="17" fill="#18181b">{escape(s.label)}</text>'
        )
        x += 24 + 7 * len(s.label)
    return parts


def _y_axis(top: int, step: int, unit: str) -> list[str]:
    parts = [
        f'<text class="y-unit" x="4" y="{TOP - 6}" fill="#52525b">{escape(unit)}</text>'
    ]
    for tick in range(0, top + 1, step):
        y = TOP + PLOT_H - tick / top * PLOT_H
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" stroke="#e4e4e7"/>'
            f'<text class="y-tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="#52525b">{tick}</text>'
        )
    return parts


def _bar(week: str, index: int, slot: float, series: Sequence[Series],
         counts: Mapping[str, int], top: int) -> list[str]:
    x = LEFT + index * slot + slot * (1 - BAR_SHARE) / 2
    width = slot * BAR_SHARE
    summary = ", ".join(f"{s.label} {counts.get(s.key, 0)}" for s in series)
    parts = [f'<g class="bar" data-week="{escape(week)}"><title>{escape(week)}: '
             f'{escape(summary)}</title>']
    base = TOP + PLOT_H
    for s in series:
        value = counts.get(s.key, 0)
        if value <= 0:
            continue
        height = value / top * PLOT_H
        base -= height
        parts.append(
            f'<rect x="{x:.1f}" y="{base:.2f}" width="{width:.1f}" height="{height:.2f}" '
            f'fill="{escape(s.colour)}" data-series="{escape(s.key)}" data-value="{value}"/>'
        )
    parts.append("</g>")
    parts.append(
        f'<text class="x-label" x="{x + width / 2:.1f}" y="{TOP + PLOT_H + 14}" '
        f'text-anchor="middle" fill="#52525b">{escape(week_label(week))}</text>'
    )
    return parts
