"""Pages for councils and regions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cib_portal import access

from .. import selectors
from ..filters import SORTS, CouncilFilter
from ..governance import GOVERNANCE_ROLES
from ..models import Judgement, Role

COUNCILS_PER_PAGE = 50


@login_required
def council_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_published(request.user))
    council_filter = CouncilFilter(request.GET, queryset=selectors.council_list(user=request.user))
    paginator = Paginator(council_filter.qs, COUNCILS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort = request.GET.get("sort", "name")
    params_without_sort = params.copy()
    params_without_sort.pop("sort", None)
    columns = []
    for key, label in (
        ("name", "Council"),
        ("region", "Region"),
        ("type", "Type"),
        ("ofsted", "Latest Ofsted judgement"),
        ("published", "Published"),
    ):
        current = sort.lstrip("-") == key
        descending = current and sort.startswith("-")
        next_sort = key if (not current or descending) else f"-{key}"
        q = params_without_sort.copy()
        q["sort"] = next_sort
        columns.append(
            {
                "label": label,
                "href": "?" + q.urlencode(),
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
            }
        )
    return render(
        request,
        "regions/council_list.html",
        {
            "filter": council_filter,
            "page_obj": page_obj,
            "councils": page_obj.object_list,
            "querystring_without_page": params.urlencode(),
            "columns": columns,
            "sort": sort if sort in SORTS else "name",
            "total": paginator.count,
        },
    )


@login_required
def council_detail(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = selectors.council_detail(user=request.user, gss_code=gss_code)
    return render(
        request,
        "regions/council_detail.html",
        {
            "council": council,
            "neighbours": list(council.neighbour_links.all()),
            "inspections": list(council.inspections.all()),
            "can_see_confidential": access.can_view_council_confidential(request.user, council),
        },
    )


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_published(request.user))
    regions = list(selectors.region_list(user=request.user))
    rows = [
        {"region": r, "counts": [getattr(r, f"n_{v}") for v in Judgement.values]} for r in regions
    ]
    return render(
        request, "regions/region_list.html", {"rows": rows, "judgements": Judgement.choices}
    )


@login_required
def region_detail(request: HttpRequest, gss_code: str) -> HttpResponse:
    region, councils, people = selectors.region_detail(user=request.user, gss_code=gss_code)
    by_role = people["by_role"]
    leads = [(Role(r).label, by_role.get(r, [])) for r in GOVERNANCE_ROLES]
    advisers = by_role.get(Role.PRINCIPAL_ADVISER, []) + by_role.get(Role.IMPROVEMENT_ADVISER, [])
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "councils": councils,
            "leads": leads,
            "programme_managers": by_role.get(Role.REGIONAL_PROGRAMME_MANAGER, []),
            "advisers": advisers,
            "national_advisers": people["national_advisers"],
        },
    )
