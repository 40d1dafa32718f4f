"""A region's governance leads (open to every member of the portal) and appointing one (the
CIB administrator only: a 404 for everyone else)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cib_portal import access
from cib_portal.forms import GovUKDateInput

from ..governance import (
    GOVERNANCE_ROLES,
    GovernanceError,
    governance_lead_appoint,
    governance_leads,
)
from ..models import Region, Role


class AppointForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=[(r, Role(r).label) for r in GOVERNANCE_ROLES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the role"},
    )
    person_email = forms.EmailField(
        label="Email address of the new lead",
        help_text="They must already have an account on the portal.",
        error_messages={
            "required": "Enter the email address of the new lead",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    starts_on = forms.DateField(
        label="Start of their term",
        widget=GovUKDateInput(),
        help_text="The current holder's term ends the day before. For example, 1 4 2027.",
        error_messages={
            "required": "Enter the start of their term",
            "invalid": "The start of their term must be a real date",
        },
    )


def _region(gss_code: str) -> Region:
    region = Region.objects.filter(gss_code=gss_code).first()
    if region is None:
        raise Http404
    return region


@login_required
def region_governance(request: HttpRequest, gss_code: str) -> HttpResponse:
    access.require(access.can_view_published(request.user))
    region = _region(gss_code)
    leads = governance_leads(region)
    return render(
        request,
        "regions/governance/leads.html",
        {
            "region": region,
            "leads": leads,
            "has_history": any(lead.history for lead in leads),
            "can_appoint": access.is_cib_admin(request.user),
            "nav_section": "regions",
        },
    )


@login_required
def region_governance_appoint(request: HttpRequest, gss_code: str) -> HttpResponse:
    access.require(access.is_cib_admin(request.user))
    region = _region(gss_code)
    initial = {}
    if request.GET.get("role") in GOVERNANCE_ROLES:
        initial["role"] = request.GET["role"]
    form = AppointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = governance_lead_appoint(
                user=request.user,
                region=region,
                role=data["role"],
                person_email=data["person_email"],
                starts_on=data["starts_on"],
            )
        except GovernanceError as exc:
            message = str(exc)
            field = "starts_on" if "start date" in message else "person_email"
            form.add_error(field, message)
        else:
            messages.success(
                request,
                f"{membership.user.get_full_name() or membership.user.email} is "
                f"{membership.get_role_display()} of {region.name} from "
                f"{membership.starts_on:%-d %B %Y}.",
            )
            return redirect(reverse("regions:region_governance", args=[region.gss_code]))
    return render(
        request,
        "regions/governance/appoint.html",
        {"region": region, "form": form, "nav_section": "regions"},
    )
