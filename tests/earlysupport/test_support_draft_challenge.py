"""Agreeing peer challenge support for a flag offers only the challenges the triager may see:
a challenge of a draft programme is for those preparing it (page and API)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from peerchallenge.models import Programme
from tests.conftest import LEEDS
from tests.earlysupport.test_triage import make_challenge, make_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(risk_rules):
    published = make_challenge(LEEDS, year=2026)
    draft = make_challenge(LEEDS, year=2027)
    Programme.objects.filter(pk=draft.programme_id).update(status="draft")
    return make_flag(risk_rules["workforce-pressure"], status="acknowledged"), published, draft


def _options(client, flag) -> str:
    response = client.get(f"/early-support/flags/{flag.pk}/support/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_regional_lead_preparing_the_programme_is_offered_both(
    setting, regional_lead, client_for
):
    flag, published, draft = setting
    page = _options(client_for(regional_lead), flag)
    assert f'value="{published.pk}"' in page and f'value="{draft.pk}"' in page


@pytest.mark.parametrize("who", ["adviser", "national_adviser"])
def test_an_adviser_is_not_offered_a_draft_programmes_challenge(who, setting, request, client_for):
    flag, published, draft = setting
    user = request.getfixturevalue(who)
    page = _options(client_for(user), flag)
    assert f'value="{published.pk}"' in page and f'value="{draft.pk}"' not in page
    api = APIClient()
    api.force_authenticate(user)
    answer = api.post(
        f"/api/v1/risk-flags/{flag.pk}/transition/",
        {
            "to_status": "support_agreed",
            "support_kind": "peer_challenge",
            "support_challenge": draft.pk,
        },
        format="json",
    )
    assert answer.status_code == 400 and "support_challenge" in answer.json()
    flag.refresh_from_db()
    assert flag.status == "acknowledged"
