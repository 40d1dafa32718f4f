"""How a flag's evidence and history read on its page: the figures in the indicator's own
decimals and units, each linked to its indicator, and each event in words."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cib_portal.numbers import format_decimal
from datasets.selectors import indicator_formats, is_percentage


def event_words(event: Any, labels: dict[str, str]) -> str:
    if event.kind == "raised":
        return "Raised"
    if event.kind == "status":
        return f"{labels.get(event.from_status, event.from_status)} to " + labels.get(
            event.to_status, event.to_status
        )
    if event.kind == "owner":
        return "Owner changed"
    if event.kind == "note":
        return "Note"
    if event.kind == "evidence_updated":
        return "Evidence updated"
    if event.kind == "evidence_back":
        return "Evidence found again: no longer proposed for closing"
    if event.kind == "evidence_gone":
        return "Evidence gone: proposed for closing"
    return event.kind.replace("_", " ").capitalize()


def figure_formats(evidence: dict) -> dict[str, tuple[int, str]]:
    """{code: (decimals, unit)} of the indicators behind the evidence's figures: one query."""
    codes = {f.get("indicator") for f in evidence.get("figures") or [] if isinstance(f, dict)}
    codes.discard(None)
    if not codes:
        return {}
    return indicator_formats(codes)


def figure_text(value: Any, shape: tuple[int, str] | None) -> Any:
    """A figure as the indicator gives it: its decimals, and % for a percentage, so a council's
    figure and its neighbours' mean share units and precision (the evaluator stores floats)."""
    if shape is None or value in (None, ""):
        return value
    try:
        text = format_decimal(value, shape[0])
    except (TypeError, ValueError, ArithmeticError):
        return value
    return f"{text}%" if is_percentage(shape[1]) else text


def evidence(evidence: dict, formats: dict[str, tuple[int, str]] | None = None) -> dict[str, Any]:
    """The evidence in a shape the template can lay out, whatever the evaluator put in."""
    formats = formats or {}
    words = evidence.get("words") or []
    if isinstance(words, str):
        words = [words]
    figures = []
    for f in evidence.get("figures") or []:
        if not isinstance(f, dict):
            continue
        code = f.get("indicator", "")
        figures.append(
            {
                "indicator": f.get("indicator_name") or f.get("name") or code,
                "code": code,
                # Only an indicator that is still in the catalogue has a page to link to.
                "href": reverse("datasets:indicator_detail", args=[code])
                if code in formats
                else "",
                "period": f.get("period", ""),
                "value": figure_text(f.get("value", ""), formats.get(f.get("indicator"))),
                "sn_mean": figure_text(
                    f.get("sn_mean", f.get("neighbour_mean", "")), formats.get(f.get("indicator"))
                ),
                "sn_count": f.get("sn_count", f.get("neighbour_count", "")),
                "rank": f.get("national_rank", f.get("rank", "")),
                "rank_of": f.get("rank_of", f.get("national_count", "")),
                "quartile": f.get("quartile", ""),
            }
        )
    periods = evidence.get("periods") or []
    if isinstance(periods, str):
        periods = [periods]
    return {
        "words": [str(w) for w in words],
        "figures": figures,
        "periods": [str(p) for p in periods],
        "comparison": evidence.get("comparison", ""),
    }
