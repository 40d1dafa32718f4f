"""Server-rendered SVG charts for the data pages and the data profile PDF.

Each chart is an `<svg role="img">` labelled by its own `<title>` and `<desc>`, drawn with SVG
presentation attributes only (the Content Security Policy forbids inline style), and is always
shown next to a table with the same figures. Every label is escaped before the markup is
marked safe. Colours are GOV.UK palette colours with at least 3:1 contrast against white, and
no series is told apart by colour alone (line patterns, marker shapes and text labels differ).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cib_portal.numbers import format_decimal

from .models import Unit

BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"
ORANGE = "#b55a00"  # dark orange, 4.6:1 on white
FONT = "Arial, Helvetica, sans-serif"

_ids = itertools.count(1)


def _uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def format_number(value: Decimal | float | None, decimals: int = 1, unit: str = "") -> str:
    """A figure as people read it: thousands separated, the indicator's decimals rounded half
    up as DfE rounds (never through float), % for percentages."""
    if value is None:
        return ""
    text = format_decimal(value, decimals)
    return f"{text}%" if unit == Unit.PERCENTAGE else text


def _scale(lo: float, hi: float, top: float, bottom: float):
    span = (hi - lo) or 1.0
    return lambda v: bottom - (float(v) - lo) / span * (bottom - top)


def _nice_step(span: float, n: int = 4) -> float:
    raw = span / n if span else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _nice_range(values: Sequence[float]) -> tuple[float, float]:
    """An axis range on round numbers that holds every value (from 0 when that is close)."""
    lo, hi = min(values), max(values)
    if lo >= 0 and lo < (hi - lo):
        lo = 0.0
    if hi == lo:
        hi = lo + 1
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _ticks(lo: float, hi: float) -> list[float]:
    step = _nice_step(hi - lo)
    count = round((hi - lo) / step)
    return [lo + step * i for i in range(count + 1)]


def _svg_open(uid: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cib-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-title {uid}-desc" font-family="{FONT}" font-size="13">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"></rect>',
    ]


def trend_chart(
    comparison: Any,
    sn_trend: list[dict] | None = None,
    *,
    region: list[dict] | None = None,
    england: list[dict] | None = None,
    region_name: str = "Region",
    council_name: str = "",
) -> SafeString:
    """A line chart of the council's figures over the trend periods, with optional lines for
    the statistical neighbours' mean, the region and England (each a list of
    {"period", "value"} dicts in the same period order)."""
    indicator = comparison.indicator
    periods = [t["period"] for t in comparison.trend]
    series = [
        (council_name or "This council", comparison.trend, BLUE, "", "circle"),
    ]
    if sn_trend:
        series.append(("Statistical neighbours (mean)", sn_trend, ORANGE, "6 3", "diamond"))
    if region:
        series.append((region_name, region, GREY, "2 3", "triangle"))
    if england:
        series.append(("England", england, BLACK, "8 4", "square"))

    by_period = []
    for label, points, colour, dash, marker in series:
        lookup = {p["period"]: p.get("value") for p in points}
        by_period.append((label, [lookup.get(p) for p in periods], colour, dash, marker))
    numbers = [float(v) for _, vals, *_ in by_period for v in vals if v is not None]

    uid = _uid("trend")
    width, height = 640, 320
    left, right, top, bottom = 70, 610, 20, 220
    unit_label = indicator.get_unit_display()
    own = [
        f"{p}: {format_number(v, indicator.decimals, indicator.unit) or 'no figure'}"
        for p, v in zip(periods, by_period[0][1], strict=True)
    ]
    title = f"{indicator.name}: trend for {council_name or 'the council'}"
    desc = (
        f"Line chart of {indicator.name} ({unit_label}) for {periods[0]} to {periods[-1]}. "
        f"{council_name or 'The council'}: {'; '.join(own)}. "
        f"Compared with {', '.join(s[0] for s in by_period[1:]) or 'nothing else'}. "
        "The table that follows gives every figure."
        if periods
        else f"No figures for {indicator.name}."
    )
    out = _svg_open(uid, width, height, title, desc)
    if not numbers or not periods:
        out.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{BLACK}">'
            "No figures to chart</text></svg>"
        )
        return mark_safe("".join(out))  # noqa: S308 - every label above is escaped

    lo, hi = _nice_range(numbers)
    y = _scale(lo, hi, top, bottom)
    step = (right - left) / max(1, len(periods) - 1)

    def x(i: int) -> float:
        return left + (step * i if len(periods) > 1 else (right - left) / 2)

    # Axes, gridlines and tick labels
    for tick in _ticks(lo, hi):
        ty = y(tick)
        out.append(
            f'<line x1="{left}" x2="{right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{LIGHT_GREY}" stroke-width="1"></line>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{BLACK}">'
            f"{escape(format_number(tick, indicator.decimals, indicator.unit))}</text>"
        )
    out.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom}" stroke="{BLACK}"></line>'
        f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{BLACK}"></line>'
    )
    for i, p in enumerate(periods):
        out.append(
            f'<text x="{x(i):.1f}" y="{bottom + 18}" text-anchor="middle" fill="{BLACK}">'
            f"{escape(p)}</text>"
        )

    # Lines (broken where a figure is missing or suppressed) and markers
    for label, values, colour, dash, marker in reversed(by_period):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment: list[str] = []
        segments = []
        for i, v in enumerate(values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(v):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                out.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}></polyline>'
                )
        for i, v in enumerate(values):
            if v is not None:
                out.append(_marker(marker, x(i), y(v), colour))
        del label

    # Legend under the axis
    lx, ly = left, bottom + 45
    for label, _values, colour, dash, marker in by_period:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        item_width = 48 + 7 * len(label)
        if lx + item_width > width and lx > left:
            lx, ly = left, ly + 22
        out.append(
            f'<line x1="{lx}" x2="{lx + 28}" y1="{ly}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}></line>'
            + _marker(marker, lx + 14, ly, colour)
            + f'<text x="{lx + 34}" y="{ly + 5}" fill="{BLACK}">{escape(label)}</text>'
        )
        lx += item_width
    out.append(
        f'<text x="{left}" y="{ly + 28}" fill="{GREY}" font-size="12">'
        f"{escape(unit_label)}</text></svg>"
    )
    return mark_safe("".join(out))  # noqa: S308 - every label above is escaped


def _marker(kind: str, cx: float, cy: float, colour: str) -> str:
    if kind == "square":
        return (
            f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}"></rect>'
        )
    if kind == "triangle":
        return (
            f'<polygon points="{cx:.1f},{cy - 5:.1f} {cx - 5:.1f},{cy + 4:.1f} '
            f'{cx + 5:.1f},{cy + 4:.1f}" fill="{colour}"></polygon>'
        )
    if kind == "diamond":
        return (
            f'<polygon points="{cx:.1f},{cy - 5:.1f} {cx + 5:.1f},{cy:.1f} {cx:.1f},{cy + 5:.1f} '
            f'{cx - 5:.1f},{cy:.1f}" fill="{colour}"></polygon>'
        )
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"></circle>'


def distribution_chart(
    rows: Sequence[dict],
    highlight_council_id: int | None,
    *,
    indicator: Any = None,
    period_label: str = "",
    england_value: Decimal | None = None,
) -> SafeString:
    """Every council's figure for one indicator and period as bars, lowest to highest, with
    the chosen council highlighted and marked by name, and England as a dashed line.

    rows: dicts with "council_id", "council" (name) and "value" (None when suppressed or
    missing; such councils are left out and counted in the description)."""
    decimals = getattr(indicator, "decimals", 1)
    unit = getattr(indicator, "unit", "")
    name = getattr(indicator, "name", "Indicator")
    valued = sorted(
        (r for r in rows if r.get("value") is not None), key=lambda r: (r["value"], r["council"])
    )
    left_out = len(rows) - len(valued)
    uid = _uid("distribution")
    width, height = 640, 280
    left, right, top, bottom = 70, 620, 34, 230
    highlight = next((r for r in valued if r["council_id"] == highlight_council_id), None)
    position = ""
    if highlight is not None:
        position = (
            f" {highlight['council']} is marked: "
            f"{format_number(highlight['value'], decimals, unit)}, "
            f"{valued.index(highlight) + 1} of {len(valued)} from the lowest."
        )
    title = f"{name}, {period_label}: every council's figure"
    desc = (
        f"Bar chart of {len(valued)} councils' figures from lowest to highest"
        + (
            f", from {format_number(valued[0]['value'], decimals, unit)} "
            f"to {format_number(valued[-1]['value'], decimals, unit)}"
            if valued
            else ""
        )
        + "."
        + position
        + (
            f" England: {format_number(england_value, decimals, unit)}."
            if england_value is not None
            else ""
        )
        + (f" {left_out} councils have no figure and are left out." if left_out else "")
        + " The table on this page gives every figure."
    )
    out = _svg_open(uid, width, height, title, desc)
    if not valued:
        out.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{BLACK}">'
            "No figures to chart</text></svg>"
        )
        return mark_safe("".join(out))  # noqa: S308 - every label above is escaped
    numbers = [float(r["value"]) for r in valued]
    if england_value is not None:
        numbers.append(float(england_value))
    lo, hi = _nice_range(numbers)
    y = _scale(lo, hi, top, bottom)
    for tick in _ticks(lo, hi):
        ty = y(tick)
        out.append(
            f'<line x1="{left}" x2="{right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{LIGHT_GREY}" stroke-width="1"></line>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{BLACK}">'
            f"{escape(format_number(tick, decimals, unit))}</text>"
        )
    slot = (right - left) / len(valued)
    bar = max(1.0, slot * 0.8)
    base = y(max(lo, 0.0)) if lo <= 0 <= hi else bottom
    for i, r in enumerate(valued):
        bx = left + i * slot + (slot - bar) / 2
        by = y(r["value"])
        top_y, h = (by, base - by) if by <= base else (base, by - base)
        is_own = r is highlight
        out.append(
            f'<rect x="{bx:.2f}" y="{top_y:.1f}" width="{bar:.2f}" height="{max(h, 1):.1f}" '
            f'fill="{ORANGE if is_own else BLUE}"></rect>'
        )
    if highlight is not None:
        i = valued.index(highlight)
        hx = left + i * slot + slot / 2
        hy = y(highlight["value"])
        anchor = "end" if hx > (left + right) / 2 else "start"
        out.append(
            f'<polygon points="{hx:.1f},{hy - 3:.1f} {hx - 5:.1f},{hy - 11:.1f} '
            f'{hx + 5:.1f},{hy - 11:.1f}" fill="{BLACK}"></polygon>'
            f'<text x="{hx:.1f}" y="{hy - 15:.1f}" text-anchor="{anchor}" fill="{BLACK}" '
            f'font-weight="bold" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f"{escape(highlight['council'])} "
            f"{escape(format_number(highlight['value'], decimals, unit))}</text>"
        )
    if england_value is not None:
        ey = y(england_value)
        out.append(
            f'<line x1="{left}" x2="{right}" y1="{ey:.1f}" y2="{ey:.1f}" stroke="{BLACK}" '
            f'stroke-width="1.5" stroke-dasharray="8 4"></line>'
            f'<line x1="{left}" x2="{left + 28}" y1="{top - 18}" y2="{top - 18}" stroke="{BLACK}" '
            f'stroke-width="1.5" stroke-dasharray="8 4"></line>'
            f'<text x="{left + 34}" y="{top - 13}" fill="{BLACK}">England '
            f"{escape(format_number(england_value, decimals, unit))}</text>"
        )
    out.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom}" stroke="{BLACK}"></line>'
        f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{BLACK}"></line>'
        f'<text x="{left}" y="{bottom + 20}" fill="{GREY}" font-size="12">Councils, lowest to '
        f"highest ({len(valued)} with a figure)</text></svg>"
    )
    return mark_safe("".join(out))  # noqa: S308 - every label above is escaped
