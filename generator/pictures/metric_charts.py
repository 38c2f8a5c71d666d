"""Pictures of a metric: the chart of its measurements over time, and a sparkline for tables."""

from __future__ import annotations

import datetime as dt
import math

from generator.formats import date_text, month_text, value_text
from generator.model import Metric
from generator.pictures.base import Box, coords, esc, num, svg, text_width, uid


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values covering low..high, at most about `most` of them."""
    raw = (high - low) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    return [round(i * step, 10) for i in range(first, math.floor(high / step + 1e-9) + 1)]


def month_ticks(first: dt.date, last: dt.date, most: int) -> list[dt.date]:
    """First days of months between the two dates, spaced so at most `most` fit."""
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120) if span / s <= most or s == 120)
    months = range(first.year * 12 + first.month - (0 if first.day == 1 else -1),
                   last.year * 12 + last.month + 1)
    return [dt.date((m - 1) // 12, (m - 1) % 12 + 1, 1) for m in months
            if (m - 1) % step == 0 and dt.date((m - 1) // 12, (m - 1) % 12 + 1, 1) <= last]


def _value_range(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    return low - pad, high + pad


def _better(metric: Metric) -> str:
    return "Higher is better" if metric.direction == "increase" else "Lower is better"


def metric_chart(metric: Metric, today: dt.date, *, scope: str = "") -> str:
    """Measurements over time, with baseline, target, the latest value and which way is better."""
    ident = uid("chart", scope, metric.id)
    points = sorted(metric.measurements, key=lambda m: m.date)
    refs = [(v, n) for v, n in ((metric.baseline, "Baseline"), (metric.target, "Target"))
            if v is not None]
    low, high = _value_range([p.value for p in points] + [v for v, _ in refs] or [0.0])
    ticks = nice_ticks(low, high)
    percent = "%" if metric.unit == "%" else None
    tick_words = [value_text(t, percent) for t in ticks]
    ref_words = [f"{n} {value_text(v, metric.unit)}" for v, n in refs]
    left = max([text_width(w, 11) + 12 for w in tick_words] + [36.0])  # room for a month label
    right = max([text_width(w, 11) for w in ref_words] + [20]) + 12
    width, height, top = 600.0, 260.0, 34.0
    plot = Box(left, top, width - right, height - 30)
    dates = [p.date for p in points] + ([metric.target_date] if metric.target_date else [])
    if not points or today >= points[0].date:
        dates.append(today)  # so a chart that has not been updated for a while shows the gap
    first, last = min(dates), max(dates)
    if first == last:
        first, last = first - dt.timedelta(days=45), last + dt.timedelta(days=45)

    def x_of(day: dt.date) -> float:
        return plot.x0 + (plot.x1 - plot.x0) * (day - first).days / (last - first).days

    def y_of(value: float) -> float:
        return plot.y1 - (plot.y1 - plot.y0) * (value - low) / (high - low)

    parts = [f'<rect class="cc-plot" x="{num(plot.x0)}" y="{num(plot.y0)}" '
             f'width="{num(plot.x1 - plot.x0)}" height="{num(plot.y1 - plot.y0)}"/>']
    for t, w in zip(ticks, tick_words, strict=True):
        parts.append(f'<line class="cc-grid" x1="{num(plot.x0)}" x2="{num(plot.x1)}" '
                     f'y1="{num(y_of(t))}" y2="{num(y_of(t))}"/><text class="cc-tick" '
                     f'font-size="11" text-anchor="end" x="{num(plot.x0 - 6)}" '
                     f'y="{num(y_of(t) + 4)}">{esc(w)}</text>')
    for day in month_ticks(first, last, max(2, int((plot.x1 - plot.x0) // 80))):
        parts.append(f'<line class="cc-grid" x1="{num(x_of(day))}" x2="{num(x_of(day))}" '
                     f'y1="{num(plot.y1)}" y2="{num(plot.y1 + 4)}"/><text class="cc-tick" '
                     f'font-size="11" text-anchor="middle" x="{num(x_of(day))}" '
                     f'y="{num(plot.y1 + 17)}">{month_text(day)}</text>')
    if first <= today <= last:
        parts.append(f'<line class="cc-today" stroke-dasharray="2 3" x1="{num(x_of(today))}" '
                     f'x2="{num(x_of(today))}" y1="{num(plot.y0)}" y2="{num(plot.y1)}"><title>'
                     f'Today, {date_text(today)}</title></line><text class="cc-tick" '
                     f'font-size="10" text-anchor="middle" x="{num(x_of(today))}" '
                     f'y="{num(plot.y0 - 4)}">today</text>')
    ref_ys = _spread([y_of(v) for v, _ in refs], 13)
    for (v, n), words, label_y in zip(refs, ref_words, ref_ys, strict=True):
        dash = "8 4" if n == "Baseline" else "3 3"
        parts.append(f'<line class="cc-ref cc-{n.lower()}" stroke-width="2" '
                     f'stroke-dasharray="{dash}" x1="{num(plot.x0)}" x2="{num(plot.x1)}" '
                     f'y1="{num(y_of(v))}" y2="{num(y_of(v))}"><title>{esc(words)}</title></line>'
                     f'<text class="cc-ref-text" font-size="11" x="{num(plot.x1 + 6)}" '
                     f'y="{num(label_y + 4)}">{esc(words)}</text>')
    if points:
        xy = [(x_of(p.date), y_of(p.value)) for p in points]
        parts.append(f'<polyline class="cc-line" fill="none" stroke-width="2.5" '
                     f'points="{coords(xy)}"/>')
        for p, (x, y) in zip(points, xy, strict=True):
            parts.append(f'<circle class="cc-point" cx="{num(x)}" cy="{num(y)}" r="4.5"><title>'
                         f"{date_text(p.date)}: {esc(value_text(p.value, metric.unit))}"
                         "</title></circle>")
        x, y = xy[-1]
        words = "latest " + value_text(points[-1].value, metric.unit)
        rising = len(xy) == 1 or xy[-2][1] > y  # the line comes up from below: label above
        label_y = y - 10 if rising and y - 10 > plot.y0 + 12 else y + 19
        room = x - plot.x0 > text_width(words, 12) + 10  # else it would leave the chart
        parts.append(f'<text class="cc-latest" font-size="12" '
                     f'text-anchor="{"end" if room else "start"}" '
                     f'x="{num(x - 6 if room else x + 6)}" y="{num(label_y)}">{esc(words)}</text>')
    else:
        parts.append(f'<text class="cc-empty" font-size="13" text-anchor="middle" '
                     f'x="{num((plot.x0 + plot.x1) / 2)}" y="{num((plot.y0 + plot.y1) / 2)}">'
                     "No measurements yet</text>")
    arrow = "↑" if metric.direction == "increase" else "↓"
    unit = f"Values in {metric.unit}" if metric.unit and not percent else ""
    parts.append(f'<text class="cc-direction" font-size="12" x="{num(plot.x0)}" y="14">'
                 f"{arrow} {_better(metric)}</text><text class=\"cc-tick\" font-size=\"11\" "
                 f'text-anchor="end" x="{num(plot.x1)}" y="14">{esc(unit)}</text>')
    desc = f"{metric_summary(metric)}. {_better(metric)}. Status: {metric.track(today)}."
    return svg(ident, Box(0, 0, width, height), metric.name, desc, "".join(parts),
               "cc-metric-chart")


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label positions near `ys` but at least `gap` apart, in the same order."""
    if len(ys) < 2 or abs(ys[0] - ys[1]) >= gap:
        return ys
    mid = (ys[0] + ys[1]) / 2
    up = -gap / 2 if ys[0] <= ys[1] else gap / 2
    return [mid + up, mid - up]


def metric_summary(metric: Metric) -> str:
    """'58 → 66%, target 75%': first and latest values, and the target."""
    points = sorted(metric.measurements, key=lambda m: m.date)
    if not points:
        seen = "No measurements yet"
    elif len(points) == 1:
        seen = value_text(points[0].value, metric.unit)
    else:
        seen = (f"{value_text(points[0].value, None)} → "
                f"{value_text(points[-1].value, metric.unit)}")
    goal = f", target {value_text(metric.target, metric.unit)}" if metric.target is not None else ""
    return seen + goal


def sparkline(metric: Metric, *, scope: str = "") -> str:
    """A 100 by 24 line of the measurements and the target, for tables."""
    ident = uid("spark", scope, metric.id)
    points = sorted(metric.measurements, key=lambda m: m.date)
    values = [p.value for p in points] + ([metric.target] if metric.target is not None else [])
    low, high = _value_range(values or [0.0])
    days = [p.date.toordinal() for p in points]
    span = (max(days) - min(days)) if len(days) > 1 else 0

    def y_of(value: float) -> float:
        return 22 - 20 * (value - low) / (high - low)

    parts = []
    if metric.target is not None:
        parts.append(f'<line class="cc-ref cc-target" stroke-dasharray="3 2" x1="2" x2="98" '
                     f'y1="{num(y_of(metric.target))}" y2="{num(y_of(metric.target))}"/>')
    if points:
        xy = [(2 + 92 * (d - days[0]) / span if span else 50.0, y_of(p.value))
              for d, p in zip(days, points, strict=True)]
        if len(xy) > 1:
            parts.append(f'<polyline class="cc-line" fill="none" stroke-width="1.5" '
                         f'points="{coords(xy)}"/>')
        parts.append(f'<circle class="cc-point" cx="{num(xy[-1][0])}" cy="{num(xy[-1][1])}" '
                     'r="2.5"/>')
    else:
        parts.append('<line class="cc-grid" stroke-dasharray="1 3" x1="2" x2="98" y1="12" '
                     'y2="12"/>')
    summary = metric_summary(metric)
    return svg(ident, Box(0, 0, 100, 24), summary, f"{metric.name}: {summary}. {_better(metric)}.",
               "".join(parts), "cc-sparkline")
