"""The reciprocity ledger: days each council (and its DCS) gives and receives in a programme
year, for a region or nationally, as a page and as CSV.

A region the user may not see is a 404; the national ledger is for advisers and national staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cib_portal import access
from cib_portal.csv_export import csv_response, safe_cell
from cib_portal.years import year_label, year_of
from peerchallenge import permissions
from peerchallenge.models import Programme
from peerchallenge.selectors.ledger import (
    OVER_DAYS,
    UNDER_DAYS,
    LedgerRow,
    ledger_rows,
    ledger_summary,
)
from regions.models import Region

PAGE_SIZE = 50

# Sort keys: (column heading, key on a row). A leading "-" in ?sort= means descending.
SORTS: dict[str, tuple[str, Any]] = {
    "council": ("Council", lambda r: r.name.lower()),
    "dcs": ("DCS", lambda r: r.dcs.lower()),
    "challenges": ("Challenge days given", lambda r: r.challenge_days_given),
    "reviews": ("Review days given", lambda r: r.review_days_given),
    "given": ("Total days given", lambda r: r.days_given),
    "received": ("Days received", lambda r: r.days_received),
    "balance": ("Balance", lambda r: r.balance),
    # No DCS recorded sorts below nought days, not among them.
    "dcs_days": ("DCS days", lambda r: r.dcs_days if r.dcs_days is not None else Decimal(-1)),
    "warning": ("Warning", lambda r: r.warning),
}


def current_programme_year() -> int:
    """The programme year today falls in (years run from 1 April)."""
    return year_of()


@dataclass
class LedgerQuery:
    """The ledger a request asks for, once access is checked."""

    year: int
    region: Region | None
    regions: list[Region]
    national_allowed: bool
    warnings_only: bool
    sort: str

    def params(self, **overrides: Any) -> str:
        values = {
            "year": self.year,
            "region": self.region.gss_code if self.region else "",
            "warnings": "1" if self.warnings_only else "",
            "sort": self.sort,
        }
        values.update(overrides)
        return "&".join(f"{k}={v}" for k, v in values.items() if v not in ("", None))


def _query(request: HttpRequest) -> LedgerQuery:
    """Read and check the filters: a region the user may not see does not exist for them."""
    user = request.user
    access.require(permissions.can_open_ledger(user))
    national_allowed = permissions.can_view_ledger(user, None)
    all_regions = list(Region.objects.order_by("name"))
    regions = [r for r in all_regions if permissions.can_view_ledger(user, r.pk)]
    code = request.GET.get("region", "").strip()
    region: Region | None
    if code:
        region = next((r for r in regions if r.gss_code == code), None)
        access.require(region is not None)
    elif national_allowed:
        region = None
    else:
        region = regions[0]
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    sort = request.GET.get("sort", "council")
    if sort.lstrip("-") not in SORTS:
        sort = "council"
    return LedgerQuery(
        year=year or current_programme_year(),
        region=region,
        regions=regions,
        national_allowed=national_allowed,
        warnings_only=request.GET.get("warnings") == "1",
        sort=sort,
    )


def _all_rows(query: LedgerQuery) -> list[LedgerRow]:
    return ledger_rows(year=query.year, region_id=query.region.pk if query.region else None)


def _rows(query: LedgerQuery, all_rows: list[LedgerRow]) -> list[LedgerRow]:
    """The rows shown: only warnings if asked, in the order asked for."""
    rows = list(all_rows)
    if query.warnings_only:
        rows = [r for r in rows if r.warning]
    key = SORTS[query.sort.lstrip("-")][1]
    # Ties keep the council-name order.
    rows.sort(key=lambda r: r.name.lower())
    rows.sort(key=key, reverse=query.sort.startswith("-"))
    return rows


def _years(current: int, chosen: int) -> list[int]:
    years = set(Programme.objects.values_list("year", flat=True).distinct())
    years |= {current, chosen}
    return sorted(years, reverse=True)


def _region_summary(all_rows: list[LedgerRow], regions: list[Region]) -> list[dict[str, Any]]:
    """Per region: councils and how many are over or under (for the national ledger)."""
    by_name = {r.name: r for r in regions}
    summary: dict[str, dict[str, Any]] = {}
    for row in all_rows:
        entry = summary.setdefault(
            row.region,
            {
                "region": by_name.get(row.region),
                "name": row.region,
                "councils": 0,
                "over": 0,
                "under": 0,
                "given": Decimal(0),
                "received": Decimal(0),
            },
        )
        entry["councils"] += 1
        entry["given"] += row.days_given
        entry["received"] += row.days_received
        if row.warning == "over":
            entry["over"] += 1
        elif row.warning == "under":
            entry["under"] += 1
    return [summary[name] for name in sorted(summary)]


def _csv(query: LedgerQuery, rows: list[LedgerRow]) -> HttpResponse:
    place = query.region.gss_code if query.region else "england"
    filename = f"reciprocity-ledger-{year_label(query.year)}-{place}.csv"
    response, writer = csv_response(filename)
    writer.writerow(
        [
            "Council code",
            "Council",
            "Region",
            "DCS",
            "Challenge days given",
            "Review days given",
            "Total days given",
            "Days received",
            "Balance",
            "DCS days",
            "Warning",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.code,
                safe_cell(r.name),
                safe_cell(r.region),
                safe_cell(r.dcs),
                *(
                    f"{days:.1f}"
                    for days in (
                        r.challenge_days_given,
                        r.review_days_given,
                        r.days_given,
                        r.days_received,
                        r.balance,
                    )
                ),
                "Not recorded" if r.dcs_days is None else f"{r.dcs_days:.1f}",
                r.warning_text,
            ]
        )
    return response


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    all_rows = _all_rows(query)
    rows = _rows(query, all_rows)
    if request.GET.get("format") == "csv":
        return _csv(query, rows)
    columns = []
    for key, (label, _sort) in SORTS.items():
        direction = ""
        if query.sort == key:
            direction = "ascending"
        elif query.sort == f"-{key}":
            direction = "descending"
        next_sort = f"-{key}" if query.sort == key else key
        columns.append(
            {
                "key": key,
                "label": label,
                "aria_sort": direction,
                "href": "?" + query.params(sort=next_sort),
            }
        )
    region_choices = [("", "All regions (England)")] if query.national_allowed else []
    region_choices += [(r.gss_code, r.name) for r in query.regions]
    return render(
        request,
        "peerchallenge/ledger/ledger.html",
        {
            "query": query,
            "rows": rows,
            "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "summary": ledger_summary(all_rows),
            "region_summary": _region_summary(all_rows, query.regions)
            if query.region is None
            else [],
            "columns": columns,
            "years": [(y, year_label(y)) for y in _years(current_programme_year(), query.year)],
            "region_choices": region_choices,
            "year_label": year_label(query.year),
            "under_days": UNDER_DAYS,
            "over_days": OVER_DAYS,
            "nav_section": "peer",
        },
    )


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    return _csv(query, _rows(query, _all_rows(query)))
