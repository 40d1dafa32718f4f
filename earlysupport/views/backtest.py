"""The backtest page for advisers: how the rules' past findings compare with the Ofsted
judgements that followed, with the caveats in plain words."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cib_portal import access

from .. import permissions, sources
from ..backtest import backtest_cached
from ..models import Rule, RuleKind


@login_required
def backtest_page(request: HttpRequest) -> HttpResponse:
    access.require(permissions.may_see_backtest(request.user))
    data = backtest_cached()
    parts = []
    for part in [*data["dates"], data["total"]]:
        parts.append(
            {
                **part,
                "title": (
                    f"{dt.date.fromisoformat(part['as_of']):%-d %B %Y}"
                    if part["as_of"]
                    else "All dates together"
                ),
                "id": f"backtest-{part['as_of'] or 'all'}",
            }
        )
    total = data["total"]
    headline = {r["code"]: r for r in total["rows"]}
    hidden = _rules_without_data(total["rows"])
    for part in parts:
        part["rows"] = [r for r in part["rows"] if r["code"] not in hidden]
    return render(
        request,
        "earlysupport/backtest.html",
        {
            "data": data,
            "all_dates": parts[-1],
            "dates": parts[:-1],
            "total": total,
            "hidden": list(hidden.values()),
            "any_but_ofsted": headline.get("any-except-ofsted"),
            "any_rule": headline.get("any"),
        },
    )


# The rules whose facts come from a source the shipped data does not have.
RULE_SOURCES = {
    RuleKind.INTERVENTION: sources.INTERVENTIONS,
    RuleKind.LEADERSHIP: sources.DCS_HISTORY,
}


def _rules_without_data(rows: list[dict]) -> dict[str, dict[str, str]]:
    """{code: {name, why}} of the rules with nothing behind their row: the facts they read
    were never loaded, or they flagged no council on any date. The combined rows stay."""
    codes = [r["code"] for r in rows]
    kinds = dict(Rule.objects.filter(code__in=codes).values_list("code", "kind"))
    loaded = {kind: sources.source_loaded(source) for kind, source in RULE_SOURCES.items()}
    hidden = {}
    for row in rows:
        kind = kinds.get(row["code"])
        if kind is None:
            continue  # "any rule" and "any rule but Ofsted's"
        if kind in loaded and not loaded[kind]:
            why = f"{RULE_SOURCES[kind].what} has not been loaded"
        elif not row["flagged"]:
            why = "it flagged no council on any of the dates"
        else:
            continue
        hidden[row["code"]] = {"name": row["name"], "why": why}
    return hidden
