"""The local indicator rules (datasets.permissions): the council's own staff, its region's
leads and the advisers covering it read unshared local indicators; only its own staff change
them; anyone else is refused with a reason a person can read."""

from __future__ import annotations

import pytest

from datasets import permissions
from datasets.models import Indicator, Source
from regions.models import Council
from tests.conftest import LEEDS


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code=LEEDS)


def test_unshared_local_indicators_for_the_council_its_leads_and_advisers(
    leeds, officer, regional_lead, adviser, national_adviser, other_officer, cib_admin
):
    for permitted in (officer, regional_lead, adviser, national_adviser):
        assert permissions.can_view_local_indicators(permitted, leeds)
    for outsider in (other_officer, cib_admin):
        decision = permissions.can_view_local_indicators(outsider, leeds)
        assert not decision
        assert decision.reason == permissions.NOT_A_LOCAL_READER
    visible = permissions.councils_with_local_indicator_access
    assert leeds in visible(officer)
    assert leeds in visible(regional_lead)
    assert leeds in visible(national_adviser)
    assert leeds not in visible(other_officer)
    assert leeds not in visible(cib_admin)


def test_a_shared_local_indicator_for_any_member(leeds, officer, other_officer, no_role_user):
    indicator = Indicator(code="local_x", name="X", source=Source.LOCAL, council=leeds)
    assert permissions.can_view_local_indicator(officer, indicator)
    assert not permissions.can_view_local_indicator(other_officer, indicator)
    indicator.is_shared = True
    assert permissions.can_view_local_indicator(other_officer, indicator)
    assert not permissions.can_view_local_indicator(no_role_user, indicator)


def test_only_the_councils_own_staff_change_its_local_indicators(
    leeds, officer, regional_lead, other_officer
):
    assert permissions.can_edit_local_indicator(officer, leeds)
    for refused in (regional_lead, other_officer):
        decision = permissions.can_edit_local_indicator(refused, leeds)
        assert not decision
        assert decision.reason == permissions.NOT_A_LOCAL_EDITOR
