"""Who may see and act on campaigns (support.permissions), each refusal with its reason."""

from __future__ import annotations

import pytest

from support import permissions

from .campaigns_setup import *  # noqa: F403
from .campaigns_setup import council

pytestmark = pytest.mark.django_db


def test_campaigns_are_for_members(campaign, officer, no_role_user):
    assert permissions.can_view_campaigns(officer)
    refused = permissions.can_view_campaigns(no_role_user)
    assert not refused and refused.reason == permissions.CAMPAIGNS_FOR_MEMBERS


def test_an_application_is_seen_by_national_staff_and_its_council(
    leeds_application, officer, dcs, national_adviser, pm, cib_admin, other_officer, adviser
):
    for user in (officer, dcs, national_adviser, pm, cib_admin):
        assert permissions.can_view_application(user, leeds_application)
    # A regional adviser is not national staff; another council's officer is an outsider.
    for user in (other_officer, adviser):
        refused = permissions.can_view_application(user, leeds_application)
        assert not refused and refused.reason == permissions.APPLICATIONS_FOR_NATIONAL_STAFF
    assert permissions.can_view_all_applications(national_adviser)
    assert not permissions.can_view_all_applications(officer)


def test_only_the_councils_people_apply(reference_data, officer, dcs, other_officer, adviser):
    leeds = council("E08000035")
    assert permissions.can_apply_for(officer, leeds) and permissions.can_apply_for(dcs, leeds)
    for user in (other_officer, adviser):
        refused = permissions.can_apply_for(user, leeds)
        assert not refused and refused.reason == permissions.ONLY_COUNCIL_APPLIES


def test_the_programme_manager_and_cib_administrator_decide(
    campaign, pm, cib_admin, national_adviser, regional_lead, dcs
):
    assert permissions.can_decide_campaign(pm, campaign)
    assert permissions.can_decide_campaign(cib_admin, campaign)
    for user in (national_adviser, regional_lead, dcs):
        refused = permissions.can_decide_campaign(user, campaign)
        assert not refused and refused.reason == permissions.ONLY_CAMPAIGN_DECIDERS


def test_the_selection_is_for_national_staff_until_published(campaign, officer, national_adviser):
    assert permissions.can_view_selection(national_adviser, campaign)
    assert not permissions.can_view_selection(officer, campaign)
    campaign.selection_published = True
    assert permissions.can_view_selection(officer, campaign)
