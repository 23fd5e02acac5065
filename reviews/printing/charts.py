"""SVG charts for the packet, drawn in Python and set inline: no script, no fetch, every label escaped.

Each chart scales to the person's own figures; none compares a person with anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

INK, MUTED, LINKED, UNLINKED, OTHER = "#1f2937", "#6b7280", "#2563eb", "#f59e0b", "#9ca3af"
WIDTH = 640


@dataclass(frozen=True)
class Day:
    day: date
    tokens: int
    linked: bool


@dataclass(frozen=True)
class PairedShare:
    """One 0..1 figure for AI-assisted work beside the same figure for the person's other work."""

    label: str
    ai: float | None
    other: float | None


def _n(value: float) -> str:
    """Coordinates with one decimal: format_html escapes its arguments to text, so numbers arrive formatted."""
    return f"{value:.1f}"


def _legend(x: float, height: int, entries: Sequence[tuple[str, str, int]]) -> SafeString:
    """Colour keys along the chart's bottom edge: (colour, label, room the entry takes before the next)."""
    cells = []
    for colour, label, width in entries:
        cells.append((_n(x), height - 10, colour, _n(x + 12), height - 2, INK, label))
        x += width
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="8" height="8" fill="{}"/><text x="{}" y="{}" font-size="9" fill="{}">{}</text>',
        cells,
    )


def _svg(height: int, title: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{}" height="{}" viewBox="0 0 {} {}">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        WIDTH,
        height,
        title,
        body,
    )


def weekly_activity_chart(*, days: Sequence[Day], start: date, end: date) -> SafeString:
    """One stacked bar per week of the cycle: blue for usage on days linked to work, amber for the rest.

    Weeks rather than days: a half-year is 26 bars instead of 180, which keeps the chart legible in print and
    cheap to draw (SVG drawing is a fifth of a packet's paint time).
    """
    weeks = max((end - start).days // 7 + 1, 1)
    linked, unlinked = [0] * weeks, [0] * weeks
    for day in days:
        if start <= day.day <= end:
            bucket = linked if day.linked else unlinked
            bucket[(day.day - start).days // 7] += day.tokens
    height, top, bottom, left = 150, 10, 118, 4
    slot = (WIDTH - 2 * left) / weeks
    peak = max((a + b for a, b in zip(linked, unlinked, strict=True)), default=0) or 1
    scale = (bottom - top) / peak
    rects = []
    for week in range(weeks):
        x, base = left + week * slot + slot * 0.1, float(bottom)
        for tokens, colour in ((linked[week], LINKED), (unlinked[week], UNLINKED)):
            if tokens:
                rects.append((_n(x), _n(base - tokens * scale), _n(slot * 0.8), _n(tokens * scale), colour))
                base -= tokens * scale
    bars = format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', rects)
    months = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="9" fill="{}">{}</text>',
        ((_n(left + offset / 7 * slot), bottom + 12, MUTED, label) for offset, label in _month_starts(start, end)),
    )
    legend = _legend(left, height, ((LINKED, "linked to work", 110), (UNLINKED, "no linked work that day", 0)))
    axis = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="0.6"/>',
        left,
        bottom,
        WIDTH - left,
        bottom,
        MUTED,
    )
    return _svg(
        height,
        "AI coding-tool activity per week of the cycle, relative to this person's busiest week",
        format_html("{}{}{}{}", bars, axis, months, legend),
    )


def _month_starts(start: date, end: date) -> list[tuple[int, str]]:
    marks = []
    current = start.replace(day=1)
    while current <= end:
        if current >= start:
            marks.append(((current - start).days, current.strftime("%b")))
        current = (current + timedelta(days=32)).replace(day=1)
    return marks


def paired_share_chart(*, rows: Sequence[PairedShare]) -> SafeString:
    """Horizontal bars, 0-100%: AI-assisted work above the person's other work, one pair per figure."""
    label_width, row_height, bar = 170, 34, 11
    plot = WIDTH - label_width - 50
    height = row_height * len(rows) + 24

    def bar_cells(index: int, row: PairedShare) -> SafeString:
        y = 6 + index * row_height
        return format_html(
            '<text x="0" y="{}" font-size="10" fill="{}">{}</text>{}{}',
            y + 14,
            INK,
            row.label,
            _share_bar(label_width, y, plot, bar, row.ai, LINKED),
            _share_bar(label_width, y + bar + 2, plot, bar, row.other, OTHER),
        )

    body = format_html_join("", "{}", ((bar_cells(index, row),) for index, row in enumerate(rows)))
    legend = _legend(label_width, height, ((LINKED, "AI-assisted", 90), (OTHER, "own other work", 0)))
    return _svg(height, "AI-assisted work against the person's own other work", format_html("{}{}", body, legend))


def _share_bar(x: int, y: int, plot: int, height: int, share: float | None, colour: str) -> SafeString:
    if share is None:
        return format_html('<text x="{}" y="{}" font-size="9" fill="{}">no data</text>', x, y + 9, MUTED)
    width = max(plot * min(max(share, 0.0), 1.0), 0.5)
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/><text x="{}" y="{}" font-size="9" fill="{}">{}</text>',
        x,
        y,
        _n(width),
        height,
        colour,
        _n(x + width + 4),
        y + 9,
        INK,
        f"{share:.0%}",
    )


def tool_days_chart(*, tools: Sequence[tuple[str, int]], cycle_days: int) -> SafeString:
    """Active days per tool, against the days in the cycle."""
    label_width, row_height = 170, 18
    plot = WIDTH - label_width - 60
    height = row_height * len(tools) + 6
    scale = plot / max(cycle_days, 1)
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="10" fill="{}">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="11" fill="{}"/>'
        '<text x="{}" y="{}" font-size="9" fill="{}">{} days</text>',
        (
            (
                index * row_height + 12,
                INK,
                name if len(name) <= 28 else name[:27] + "…",
                label_width,
                index * row_height + 3,
                _n(max(days * scale, 0.5)),
                LINKED,
                _n(label_width + days * scale + 4),
                index * row_height + 12,
                INK,
                days,
            )
            for index, (name, days) in enumerate(tools)
        ),
    )
    return _svg(height, "Active days per AI tool in the cycle", body)
