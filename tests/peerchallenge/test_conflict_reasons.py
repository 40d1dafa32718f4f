"""A declared conflict's reason (and a reason for keeping two councils apart) is for those
preparing the programme: a challenger or the host's staff see the programme's page, and which
councils are never paired, but not why."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from peerchallenge import services
from peerchallenge.models import Exclusion
from regions.models import Council
from tests.conftest import BRADFORD, LEEDS

from .conftest import CALDERDALE, WAKEFIELD

pytestmark = pytest.mark.django_db

CONFLICT_REASON = "The DCS is married to their DCS"
EXCLUSION_REASON = "Merging their front doors"


@pytest.fixture
def with_reasons(programme, challenge, regional_lead):
    """Yorkshire's published programme with a declared conflict and two councils kept apart."""
    services.conflict_declare(
        user=regional_lead,
        council=Council.objects.get(gss_code=WAKEFIELD),
        other=Council.objects.get(gss_code=CALDERDALE),
        reason=CONFLICT_REASON,
    )
    # Made while it was a draft (the service refuses once published).
    a, b = sorted(Council.objects.filter(gss_code__in=[LEEDS, BRADFORD]), key=lambda c: c.pk)
    Exclusion.objects.create(
        programme=programme,
        council_a=a,
        council_b=b,
        reason=EXCLUSION_REASON,
        created_by=regional_lead,
    )
    return programme


def _page(client, programme):
    return client.get(f"/peer-challenge/{programme.pk}/")


@pytest.mark.parametrize("who", ["regional_lead", "programme_manager_region"])
def test_those_preparing_the_programme_see_the_reasons(who, with_reasons, request, client_for):
    response = _page(client_for(request.getfixturevalue(who)), with_reasons)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Calderdale and Wakefield" in body and CONFLICT_REASON in body
    assert "Bradford and Leeds" in body and EXCLUSION_REASON in body


@pytest.mark.parametrize("who", ["challenger", "officer", "adviser"])
def test_others_who_see_the_programme_see_the_pairs_but_not_why(
    who, with_reasons, request, client_for
):
    user = request.getfixturevalue(who)
    response = _page(client_for(user), with_reasons)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Calderdale and Wakefield" in body and "Bradford and Leeds" in body
    assert CONFLICT_REASON not in body and EXCLUSION_REASON not in body
    assert "The reasons are for the regional team preparing the programme" in body
    api = APIClient()
    api.force_authenticate(user)
    answer = api.get(f"/api/v1/programmes/{with_reasons.pk}/")
    assert answer.status_code == 200
    assert CONFLICT_REASON not in answer.content.decode()
    assert EXCLUSION_REASON not in answer.content.decode()


@pytest.mark.parametrize("who", ["other_officer", "other_regional_lead"])
def test_outsiders_get_404_on_the_programme(who, with_reasons, request, client_for):
    assert _page(client_for(request.getfixturevalue(who)), with_reasons).status_code == 404
