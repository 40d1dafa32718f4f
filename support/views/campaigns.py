"""Campaign pages: the list of CIB's calls, a campaign's page (window, cap, how to apply, the
applications by region for national staff, the published selection with its reasons), a
council's application form, one application's page, the decision on it, publishing the
selection and the CSV of applications.

Access: every member sees the campaigns and, once published, the selection; an application is
seen by national staff and the council that applied (anyone else: 404); the programme manager
and the CIB administrator decide (others who may see get a 403 with the rule's reason). The
service's refusals (a closed window, the cap, a second application) show in an error summary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.selectors import events_for
from cib_portal import access
from cib_portal.csv_export import csv_response
from regions.models import Council

from .. import permissions
from ..filters import filter_campaign_applications
from ..forms.campaigns import ApplicationForm, CampaignForm, DecisionForm
from ..models.campaigns import Campaign, CampaignApplication
from ..selectors import campaigns as selectors
from ..services import campaigns as services
from ..services.common import SupportError

PAGE_SIZE = 25
DETAIL = "support:campaign_detail"


def page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"support/campaigns/{template}", {"nav_section": "support", **context})


def campaign_for(request: HttpRequest, code: str) -> Campaign:
    campaign = selectors.campaign_for(user=request.user, code=code)
    access.require(campaign is not None)
    assert campaign is not None
    return campaign


def application_for(request: HttpRequest, campaign: Campaign, pk: int) -> CampaignApplication:
    return get_object_or_404(
        selectors.applications_visible(user=request.user, campaign=campaign), pk=pk
    )


def _councils_to_apply_for(request: HttpRequest, campaign: Campaign):
    """The user's councils that have not applied yet."""
    ids = permissions.campaign_council_ids(request.user)
    return (
        Council.objects.filter(pk__in=ids)
        .exclude(campaign_applications__campaign=campaign)
        .order_by("name")
    )


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    access.require(permissions.can_view_campaigns(request.user))
    campaigns = selectors.campaigns_visible(user=request.user).order_by("-closes_on", "name")
    page_obj = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for campaign in page_obj.object_list:
        campaign.open_now = campaign.is_open(today)
    return page(
        request,
        "list.html",
        page_obj=page_obj,
        today=today,
        may_open=bool(permissions.can_manage_campaigns(request.user)),
    )


RESERVED_CODES = {"new"}


def _values(data: dict[str, Any]) -> dict[str, Any]:
    offer = data.get("offer")
    return {
        "name": data["name"].strip(),
        "description": data["description"].strip(),
        "how_to_apply": data["how_to_apply"].strip(),
        "opens_on": data["opens_on"],
        "closes_on": data["closes_on"],
        "cap": data["cap"],
        "offer_id": offer.pk if offer else None,
    }


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    access.require(permissions.can_view_campaigns(request.user))
    access.require_permission(permissions.can_manage_campaigns(request.user))
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if code in RESERVED_CODES or Campaign.objects.filter(code=code).exists():
            form.add_error("code", "Another campaign has this code: choose another")
        else:
            campaign = services.campaign_create(
                user=request.user, code=code, **_values(form.cleaned_data)
            )
            messages.success(request, f"{campaign.name} is saved.")
            return redirect(DETAIL, code=campaign.code)
    return page(
        request,
        "form.html",
        form=form,
        title="Open a campaign",
        button="Save the campaign",
        cancel_url=reverse("support:campaign_list"),
    )


@login_required
def campaign_edit(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for(request, code)
    access.require_permission(permissions.can_manage_campaigns(request.user))
    initial = {
        "name": campaign.name,
        "description": campaign.description,
        "how_to_apply": campaign.how_to_apply,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "cap": campaign.cap,
        "offer": campaign.offer_id,
    }
    form = CampaignForm(
        request.POST if request.method == "POST" else None, initial=initial, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                user=request.user, campaign=campaign, **_values(form.cleaned_data)
            )
        except SupportError as error:
            form.add_error(None, error.reason)
        else:
            messages.success(request, "The campaign is saved.")
            return redirect(DETAIL, code=campaign.code)
    return page(
        request,
        "form.html",
        form=form,
        campaign=campaign,
        title=f"Change {campaign.name}",
        button="Save the changes",
        cancel_url=reverse(DETAIL, kwargs={"code": campaign.code}),
    )


@login_required
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for(request, code)
    user = request.user
    national = bool(permissions.can_view_all_applications(user))
    own = [] if national else list(selectors.applications_visible(user=user, campaign=campaign))
    return page(
        request,
        "detail.html",
        campaign=campaign,
        refusal=services.window_refusal(campaign),
        national=national,
        by_region=selectors.applications_by_region(user=user, campaign=campaign),
        counts=selectors.decision_counts(campaign) if national else None,
        own=own,
        can_apply=_councils_to_apply_for(request, campaign).exists(),
        selection=selectors.published_selection(user=user, campaign=campaign),
        may_decide=bool(permissions.can_decide_campaign(user, campaign)),
        may_edit=bool(permissions.can_manage_campaigns(user)),
    )


@login_required
def campaign_apply(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for(request, code)
    councils = _councils_to_apply_for(request, campaign)
    if not councils.exists():
        if permissions.campaign_council_ids(request.user):
            messages.info(request, "Your council has already applied to this campaign.")
            return redirect(DETAIL, code=campaign.code)
        access.require_permission(access.deny(permissions.ONLY_COUNCIL_APPLIES))
    form = ApplicationForm(request.POST if request.method == "POST" else None, councils=councils)
    refusal = services.window_refusal(campaign)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.campaign_apply(
                user=request.user,
                campaign=campaign,
                council=form.cleaned_data["council"],
                statement=form.cleaned_data["statement"],
            )
        except SupportError as error:
            form.add_error(None, error.reason)
        else:
            messages.success(
                request,
                f"{application.council.name}'s application was sent. You will be told the "
                "decision when the selection is published.",
            )
            return redirect("support:campaign_application", code=campaign.code, pk=application.pk)
    return page(
        request,
        "apply.html",
        campaign=campaign,
        form=form,
        refusal=refusal,
        cancel_url=reverse(DETAIL, kwargs={"code": campaign.code}),
    )


@login_required
def application_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    campaign = campaign_for(request, code)
    application = application_for(request, campaign, pk)
    national = bool(permissions.can_view_all_applications(request.user))
    return page(
        request,
        "application.html",
        campaign=campaign,
        application=application,
        show_decision=national or campaign.selection_published,
        history=list(events_for(application)) if national else [],
        may_decide=bool(permissions.can_decide_campaign(request.user, campaign))
        and not campaign.selection_published,
    )


@login_required
def application_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    campaign = campaign_for(request, code)
    application = application_for(request, campaign, pk)
    access.require_permission(permissions.can_decide_campaign(request.user, campaign))
    initial = (
        {"decision": application.decision, "reason": application.decision_reason}
        if application.decision != "pending"
        else None
    )
    form = DecisionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_decide(
                user=request.user,
                application=application,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except SupportError as error:
            form.add_error(None, error.reason)
        else:
            messages.success(request, f"Decision recorded for {application.council.name}.")
            return redirect(DETAIL, code=campaign.code)
    return page(
        request,
        "decide.html",
        campaign=campaign,
        application=application,
        form=form,
        cancel_url=reverse(
            "support:campaign_application", kwargs={"code": campaign.code, "pk": application.pk}
        ),
    )


@login_required
@require_POST
def campaign_publish(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for(request, code)
    access.require_permission(permissions.can_decide_campaign(request.user, campaign))
    try:
        services.campaign_publish(user=request.user, campaign=campaign)
    except SupportError as error:
        messages.error(request, error.reason)
    else:
        messages.success(request, "The selection is published and each applicant was told.")
    return redirect(DETAIL, code=campaign.code)


@login_required
def applications_csv(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for(request, code)
    access.require(permissions.can_view_all_applications(request.user))
    response, writer = csv_response(f"{campaign.code}-applications.csv", bom=True)
    writer.writerow(
        [
            "Council",
            "GSS code",
            "Region",
            "Applied on",
            "Applied by",
            "Statement",
            "Decision",
            "Reason",
            "Decided on",
        ]
    )
    applications = selectors.applications_visible(user=request.user, campaign=campaign).order_by(
        "council__region__name", "council__name"
    )
    try:  # ?decision=selected, ?region=E12000003: part of the list, as the API filters it
        applications = filter_campaign_applications(applications, request.GET)
    except ValueError:
        applications = applications.none()
    for a in applications:
        writer.writerow(
            [
                a.council.name,
                a.council.gss_code,
                a.council.region.name,
                a.applied_at.date().isoformat(),
                a.applied_by.get_full_name() or a.applied_by.email,
                a.statement,
                a.get_decision_display(),
                a.decision_reason,
                a.decided_at.date().isoformat() if a.decided_at else "",
            ]
        )
    return response
