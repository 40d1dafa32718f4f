"""Who may see and triage a council's flags, open the dashboards and edit the facts
(earlysupport.permissions): each rule with those it allows, those it refuses and the reason it
gives; and the navigation offering early support by the very rule the dashboard opens by."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from cib_portal import navigation
from cib_portal.context_processors import portal
from earlysupport import permissions
from tests.conftest import LEEDS

EVERYONE = [
    "officer",
    "dcs",
    "lead_member",
    "regional_lead",
    "other_regional_lead",
    "other_officer",
    "adviser",
    "national_adviser",
    "cib_admin",
]


@pytest.fixture
def leeds(reference_data):
    from regions.models import Council

    return Council.objects.get(gss_code=LEEDS)


@pytest.mark.parametrize("who", EVERYONE)
def test_the_navigation_offers_early_support_exactly_to_those_it_opens_for(request, who):
    # The navigation (cib_portal.navigation, filled by earlysupport's apps.py) and the facts
    # pages' breadcrumb offer the dashboard by permissions.may_see_any_flags, which is
    # dashboard_audience's answer: the two cannot drift apart and a link never answers 404.
    user = request.getfixturevalue(who)
    assert navigation.test_for("nav_can_see_flags") is permissions.may_see_any_flags
    web = RequestFactory().get("/")
    web.user = user
    offered = portal(web)["nav_can_see_flags"]
    assert offered == bool(permissions.may_see_any_flags(user))
    assert offered == (permissions.dashboard_audience(user) is not None)


@pytest.mark.parametrize(
    ("who", "sees", "triages"),
    [
        ("officer", False, False),
        ("dcs", True, False),
        ("lead_member", True, False),
        ("regional_lead", True, True),
        ("other_regional_lead", False, False),
        ("other_officer", False, False),
        ("adviser", True, True),
        ("national_adviser", True, True),
        ("cib_admin", False, False),
    ],
)
def test_a_councils_flags_are_its_senior_leaders_its_regions_leads_and_the_advisers(
    request, leeds, who, sees, triages
):
    from django.utils import timezone

    from earlysupport.models import Flag

    user = request.getfixturevalue(who)
    seen = permissions.can_view_flags(user, leeds)
    triage = permissions.can_triage_flags(user, leeds)
    assert bool(seen) is sees
    assert bool(triage) is triages
    if not seen:
        assert "senior leaders" in seen.reason
    if not triage:
        assert (
            triage.reason
            == "Only advisers covering the council and its region's leads can do this."
        )
    # The list's filter agrees with the rule for one council.
    flag = Flag.objects.create(
        council=leeds,
        severity="red",
        summary="s",
        rationale="r",
        raised_at=timezone.now(),
        raised_by=user,
    )
    assert Flag.objects.filter(permissions.flags_visible_filter(user), pk=flag.pk).exists() is sees


@pytest.mark.parametrize(
    ("who", "england", "yorkshire"),
    [
        ("dcs", False, False),
        ("regional_lead", False, True),
        ("other_regional_lead", False, False),
        ("adviser", False, True),
        ("national_adviser", True, True),
        ("cib_admin", False, False),
    ],
)
def test_the_risk_dashboard_pdf_of_england_or_a_region(request, leeds, who, england, yorkshire):
    user = request.getfixturevalue(who)
    assert bool(permissions.can_view_risk_dashboard(user, None)) is england
    assert bool(permissions.can_view_risk_dashboard(user, leeds.region_id)) is yorkshire
    refused = permissions.can_view_risk_dashboard(user, None)
    assert refused or "risk dashboard" in refused.reason


@pytest.mark.parametrize(
    ("who", "edits"),
    [("officer", False), ("dcs", False), ("regional_lead", False), ("adviser", False)]
    + [("national_adviser", True), ("cib_admin", True)],
)
def test_national_staff_edit_the_facts_and_rules(request, who, edits):
    user = request.getfixturevalue(who)
    decision = permissions.can_edit_risk_facts(user)
    assert bool(decision) is edits
    assert decision or decision.reason == (
        "Only national staff edit the risk rules, interventions and DCS history."
    )
