"""How values read on every page, table, chart and feed: one home for each format."""

from __future__ import annotations

import datetime as dt

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def value_text(value: float, unit: str | None) -> str:
    """A measured value with its unit: '58%', '420 parcels', '15.5%', '0.004 mg'."""
    if float(value).is_integer():
        shown = f"{value:,.0f}"
    else:
        shown = f"{value:,.2f}".rstrip("0").rstrip(".")
        if shown in ("0", "-0"):  # too small for two decimals: show what was measured
            shown = f"{value:.2g}"
    if shown.startswith("-"):
        shown = "−" + shown[1:]  # a minus sign, not a hyphen
    if not unit:
        return shown
    return shown + unit if unit == "%" else f"{shown} {unit}"


def month_text(day: dt.date) -> str:
    """'Jun 2025', the same in every locale."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def date_text(day: dt.date) -> str:
    """'30 Jun 2025', the same in every locale."""
    return f"{day.day} {month_text(day)}"
