"""The early support dashboards: the adviser and regional picture (councils by risk level with
their reasons, Ofsted outcomes, interventions, the review pipeline, peer challenge coverage and
devolved funds use, every figure linking to the councils behind it), a council's own flags for
its senior leaders, the councils table as CSV, and the picture as a PDF (a report job).

Anyone else gets a 404; access is decided by `permissions.dashboard_audience` from the grants.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cib_portal import access
from cib_portal.csv_export import csv_response, safe_cell

from .. import permissions, sources
from ..filters import Filters
from ..permissions import Audience
from ..selectors import dashboards
from ..selectors.dashboards import Picture

# Rows of the councils table per page (the CSV has them all).
PAGE_SIZE = 50


def _audience(request: HttpRequest) -> Audience:
    audience = permissions.dashboard_audience(request.user)
    access.require(audience is not None)
    return audience  # type: ignore[return-value]


def _picture(request: HttpRequest, audience: Audience) -> tuple[Picture, Filters, list]:
    picture = dashboards.dashboard_picture(audience)
    filters = Filters.from_query(request.GET, picture.regions)
    return picture, filters, filters.apply(picture.rows)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    audience = _audience(request)
    if audience.kind == "council":
        return render(
            request,
            "earlysupport/dashboards/council.html",
            {
                "entries": dashboards.council_flags(audience.council_ids),
                "nav_section": "risk",
            },
        )
    picture, filters, rows = _picture(request, audience)
    single_region = picture.regions[0] if len(picture.regions) == 1 else None
    pdf_region = None
    if filters.region:
        pdf_region = next(r for r in picture.regions if r.gss_code == filters.region)
    elif single_region is not None and not audience.is_national:
        pdf_region = single_region
    return render(
        request,
        "earlysupport/dashboards/picture.html",
        {
            "audience": audience,
            "picture": picture,
            "filters": filters,
            "filter_words": filters.describe(picture.regions),
            "rows": rows,
            "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "querystring_without_page": filters.querystring(),
            "single_region": single_region,
            "pdf_region": pdf_region,
            "pdf_allowed": audience.is_national or pdf_region is not None,
            "levels": dashboards.LEVELS,
            "judgements": dashboards.JUDGEMENTS,
            "stages": dashboards.PIPELINE_STAGES,
            "challenge_choices": dashboards.CHALLENGE_CHOICES,
            "interventions_source": sources.INTERVENTIONS,
            "may_load_interventions": permissions.can_edit_risk_facts(request.user),
            "nav_section": "risk",
        },
    )


@login_required
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    audience = _audience(request)
    access.require(audience.kind != "council")
    picture, filters, rows = _picture(request, audience)
    response, writer = csv_response(f"early-support-councils-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow(
        [
            "Council code",
            "Council",
            "Region",
            "Risk level",
            "Open flags",
            "Red flags",
            "Amber flags",
            "Score",
            "Reasons",
            "Ofsted judgement",
            "Inspected",
            "Intervention",
            "Review pipeline",
            f"In peer challenge {picture.programme_year_label}",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.gss_code,
                safe_cell(r.name),
                safe_cell(r.region),
                r.level_label,
                r.open_flags,
                r.red_flags,
                r.amber_flags,
                r.score,
                safe_cell(" | ".join(reason.summary for reason in r.reasons)),
                r.judgement_label,
                r.inspection_date.isoformat() if r.inspection_date else "",
                # Empty means none only once the interventions have been loaded.
                safe_cell("; ".join(r.interventions))
                if picture.interventions_loaded
                else "Not known (not loaded)",
                safe_cell(r.pipeline_label),
                "Yes" if r.in_challenge else "No",
            ]
        )
    return response


@login_required
@require_POST
def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """Make the picture as a PDF: England (national advisers) or one region."""
    from ..reports import report_request_risk_dashboard

    audience = _audience(request)
    access.require(audience.kind != "council")
    region = None
    code = request.POST.get("region", "")
    if code:
        region = next(
            (r for r in dashboards.dashboard_picture_regions(audience) if r.gss_code == code), None
        )
        access.require(region is not None)
    elif not audience.is_national:
        regions = dashboards.dashboard_picture_regions(audience)
        access.require(len(regions) == 1)
        region = regions[0]
    access.require(permissions.can_view_risk_dashboard(request.user, region.pk if region else None))
    job = report_request_risk_dashboard(user=request.user, region=region)
    return redirect("reports:job_detail", job_id=job.pk)
