"""Showing figures: the indicator's decimals and unit, and suppression symbols in words
(never as 0)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from cib_portal.numbers import format_decimal
from datasets.charts import format_number

register = template.Library()

SHORT_MEANINGS = {
    "c": "confidential",
    "x": "not available",
    "z": "not applicable",
    "k": "rounds to zero",
    "u": "low reliability",
    "low": "small value, suppressed",
    ":": "not available",
}


@register.filter
def number(value, indicator) -> str:
    """A value with the indicator's decimals and unit ("" when there is none)."""
    if value is None or value == "":
        return ""
    return format_number(value, indicator.decimals, indicator.unit)


@register.simple_tag
def figure(value, symbol, indicator, empty="No figure"):
    """A figure as a cell shows it: the value, or the symbol and what it means."""
    meaning = SHORT_MEANINGS.get(symbol or "", "")
    if value is not None:
        text = format_number(value, indicator.decimals, indicator.unit)
        if symbol:
            return format_html(
                '{} <span class="govuk-body-s">({} – {})</span>', text, symbol, meaning
            )
        return text
    if symbol:
        return format_html("{} – {}", symbol, meaning)
    return empty


@register.filter
def short_meaning(symbol: str) -> str:
    return SHORT_MEANINGS.get(symbol or "", "")


@register.filter
def signed(value, decimals: int = 2) -> str:
    if value is None:
        return ""
    text = format_decimal(value, int(decimals), separators=False)
    return ("+" + text if not text.startswith("-") else text).replace("-", "−")


BANDS = {
    "higher": {
        "A": "best quarter",
        "B": "second best quarter",
        "C": "second worst quarter",
        "D": "worst quarter",
    },
    "lower": {
        "A": "best quarter",
        "B": "second best quarter",
        "C": "second worst quarter",
        "D": "worst quarter",
    },
    "neither": {
        "A": "highest quarter",
        "B": "second highest quarter",
        "C": "second lowest quarter",
        "D": "lowest quarter",
    },
}


@register.filter
def band_words(quartile, polarity) -> str:
    """A quartile band with what it means ("A – best quarter"); "Not banded" when there is none."""
    if not quartile:
        # A council with no figure, or a suppressed one, is left out of the ranking and so of
        # the bands: say so in words rather than print an empty or "None" cell.
        return "Not banded"
    return f"{quartile} – {BANDS.get(polarity, BANDS['neither']).get(quartile, '')}"
