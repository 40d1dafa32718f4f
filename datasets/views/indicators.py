"""Pages of the indicator catalogue: the list, an indicator's figures (and their CSV), and
national staff's edits.

Published data is open to every member (access.can_view_published); anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cib_portal import access
from cib_portal.csv_export import csv_response

from .. import selectors, services
from ..filters import IndicatorFilter
from ..forms.indicators import IndicatorEditForm
from ..models import Symbol
from ._common import require_member

INDICATORS_PER_PAGE = 25


def _sort_columns(request: HttpRequest, columns: list[tuple[str, str]], sort: str) -> list[dict]:
    """Column headers that sort the table on the server, with aria-sort for the current one."""
    params = request.GET.copy()
    params.pop("sort", None)
    out = []
    for key, label in columns:
        current = sort.lstrip("-") == key
        descending = current and sort.startswith("-")
        q = params.copy()
        q["sort"] = key if (not current or descending) else f"-{key}"
        out.append(
            {
                "key": key,
                "label": label,
                "href": "?" + q.urlencode(),
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
            }
        )
    return out


# --- The catalogue and an indicator's figures ----------------------------------------------------


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    indicator_filter = IndicatorFilter(
        request.GET, queryset=selectors.indicator_list(user=request.user), user=request.user
    )
    paginator = Paginator(indicator_filter.qs, INDICATORS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "datasets/indicator_list.html",
        {
            "filter": indicator_filter,
            "page_obj": page_obj,
            "indicators": page_obj.object_list,
            "querystring_without_page": params.urlencode(),
            "total": paginator.count,
            "nav_section": "data",
        },
    )


def _period_for(request: HttpRequest, periods: list) -> object:
    wanted = request.GET.get("period")
    if not periods:
        raise Http404
    if wanted:
        for p in periods:
            if p.label == wanted:
                return p
        raise Http404
    return periods[0]


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, code=code)
    periods = selectors.indicator_periods(indicator=indicator)
    period = _period_for(request, periods) if periods else None
    sort = request.GET.get("sort", "rank")
    figures = (
        selectors.indicator_figures(indicator=indicator, period=period, sort=sort)
        if period
        else None
    )
    return render(
        request,
        "datasets/indicator_detail.html",
        {
            "indicator": indicator,
            "periods": periods,
            "period": period,
            "figures": figures,
            "columns": _sort_columns(
                request,
                [
                    ("council", "Council"),
                    ("region", "Region"),
                    ("value", "Figure"),
                    ("rank", "National rank"),
                ],
                sort,
            ),
            "symbols": Symbol.choices,
            "can_edit": access.is_national_staff(request.user) and not indicator.is_local,
            "nav_section": "data",
        },
    )


@login_required
def indicator_csv(request: HttpRequest, code: str) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, code=code)
    period = _period_for(request, selectors.indicator_periods(indicator=indicator))
    figures = selectors.indicator_figures(indicator=indicator, period=period, sort="council")
    # Local period labels are typed by councils: the writer guards every cell and the
    # filename goes through the safe header.
    response, writer = csv_response(
        f"{indicator.code}-{period.label.replace('/', '-')}.csv", bom=True
    )
    writer.writerow(
        [
            "gss_code",
            "la_number",
            "council",
            "region",
            "period",
            "time_identifier",
            "value",
            "symbol",
            "symbol_meaning",
            "national_rank",
            "quartile",
        ]
    )
    for row in figures.rows:
        writer.writerow(
            [
                row["gss_code"],
                row["la_number"],
                row["council"],
                row["region"],
                period.label,
                period.time_identifier,
                "" if row["value"] is None else f"{row['value'].normalize():f}",
                row["symbol"],
                row["symbol_meaning"],
                row["national_rank"] or "",
                row["quartile"] or "",
            ]
        )
    return response


@login_required
def indicator_edit(request: HttpRequest, code: str) -> HttpResponse:
    access.require(access.is_national_staff(request.user))
    indicator = selectors.indicator_get(user=request.user, code=code)
    access.require(not indicator.is_local)
    form = IndicatorEditForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        services.indicator_update(
            actor=request.user,
            # A fresh copy: validating the ModelForm already wrote the new values onto
            # `indicator`, and the audit record needs the values from before.
            indicator=selectors.indicator_get(user=request.user, code=code),
            changes={f: form.cleaned_data[f] for f in services.EDITABLE_FIELDS},
        )
        messages.success(request, f"‘{form.cleaned_data['name']}’ has been saved.")
        return redirect("datasets:indicator_detail", code=code)
    return render(
        request,
        "datasets/indicator_edit.html",
        {"indicator": indicator, "form": form, "nav_section": "data"},
    )
