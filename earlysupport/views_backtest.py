"""The backtest page for advisers: how the rules' past findings compare with the Ofsted
judgements that followed, with the caveats in plain words."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cib_portal import access
from regions.models import ADVISER_ROLES

from .backtest import backtest_cached


def may_see_backtest(user) -> bool:
    """Advisers only (principal or improvement advisers, national or in a region)."""
    if not user.is_authenticated:
        return False
    regions = access.adviser_region_ids(user)
    holds = bool(access.grants_for(user).all_roles & ADVISER_ROLES)
    return holds and (regions is None or bool(regions))


@login_required
def backtest_page(request: HttpRequest) -> HttpResponse:
    access.require(may_see_backtest(request.user))
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
    return render(
        request,
        "earlysupport/backtest.html",
        {
            "data": data,
            "parts": parts,
            "total": total,
            "any_but_ofsted": headline.get("any-except-ofsted"),
            "any_rule": headline.get("any"),
        },
    )
