"""Reads about the risk rules: their thresholds in words and their change history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from audit.selectors import events_for

from ..models import InterventionKind, Rule, RuleKind

JUDGEMENTS = [
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("inadequate", "Inadequate"),
]


def _words_list(items: list[str]) -> str:
    items = [i for i in items if i]
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _number(value: Any) -> str:
    try:
        d = Decimal(str(value))
    except Exception:  # noqa: BLE001 - params are data; show what is there
        return str(value)
    return f"{d.normalize():f}"


def rule_params_words(kind: str, params: dict) -> str:
    """A rule's thresholds in words."""
    params = params or {}
    if kind == RuleKind.OFSTED:
        names = dict(JUDGEMENTS)
        judged = [names.get(j, j) for j in params.get("judgements", [])]
        return f"The latest overall Ofsted judgement is {_words_list(judged)}"
    if kind == RuleKind.INTERVENTION:
        names = dict(InterventionKind.choices)
        kinds = [names.get(k, k).lower() for k in params.get("kinds", [])]
        return f"The council is under an {_words_list(kinds)} in force"
    if kind == RuleKind.LEADERSHIP:
        changes = params.get("changes", 2)
        months = params.get("months", 24)
        return (
            f"{changes} or more change{'s' if changes != 1 else ''} of director of children’s "
            f"services within {months} month{'s' if months != 1 else ''}"
        )
    if kind == RuleKind.WORKFORCE:
        parts = []
        if params.get("worst_quartile"):
            parts.append("worst national quartile")
        above = params.get("above_neighbours_by")
        if above is not None:
            parts.append(
                f"more than {_number(above)} percentage "
                f"point{'s' if Decimal(str(above)) != 1 else ''} "
                "above the statistical-neighbour mean"
            )
        if not parts:
            return "No thresholds set"
        return ", or ".join(parts)
    if kind == RuleKind.DETERIORATION:
        periods = params.get("periods", 3)
        return (
            "Worse than the statistical neighbours and moving the wrong way for "
            f"{periods} periods in a row"
        )
    return ", ".join(f"{k}: {v}" for k, v in params.items()) or "No thresholds set"


def rule_history(rule: Rule) -> QuerySet[Any]:
    """The rule's change history, newest first, from its audit events."""
    return events_for(rule)
