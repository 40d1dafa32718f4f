"""A risk flag's "support agreed" links a support request; the flag shows it, and the
request's mentoring page shows the flags it answers (to those who may see flags)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from earlysupport.models import Flag, FlagEvent
from earlysupport.selectors.flags import flags_answered_by
from earlysupport.services import triage
from tests.conftest import BRADFORD, LEEDS
from tests.support.mentoring_setup import council, mentoring_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(adviser):
    f = Flag.objects.create(
        council=council(LEEDS),
        severity="amber",
        status="acknowledged",
        summary="Workforce pressure.",
        rationale="Turnover is high.",
        raised_by=adviser,
        raised_at=timezone.now(),
    )
    FlagEvent.objects.create(flag=f, kind="raised", to_status=f.status)
    return f


def test_the_triage_links_the_councils_own_request_only(flag, adviser):
    own = mentoring_request(LEEDS)
    theirs = mentoring_request(BRADFORD)
    with pytest.raises(triage.FlagError, match="not Leeds's"):
        triage.flag_transition(
            user=adviser,
            flag=flag,
            to_status="support_agreed",
            support_kind="support_request",
            support_request=theirs,
        )
    with pytest.raises(triage.FlagError, match="Choose the council's request"):
        triage.flag_transition(
            user=adviser, flag=flag, to_status="support_agreed", support_kind="support_request"
        )
    with pytest.raises(triage.FlagError, match="support request or mentoring only"):
        triage.flag_transition(
            user=adviser,
            flag=flag,
            to_status="support_agreed",
            support_kind="other",
            support_request=own,
        )
    triage.flag_transition(
        user=adviser,
        flag=flag,
        to_status="support_agreed",
        support_kind="mentoring",
        support_request=own,
    )
    flag.refresh_from_db()
    assert (flag.status, flag.support_request) == ("support_agreed", own)


def test_the_support_step_page_offers_the_councils_requests_and_the_flag_shows_the_link(
    flag, adviser, client_for
):
    own = mentoring_request(LEEDS)
    theirs = mentoring_request(BRADFORD)
    client = client_for(adviser)
    url = f"/early-support/flags/{flag.pk}/support/"
    page = client.get(url).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{theirs.pk}"' not in page
    missing = client.post(url, {"support_kind": "support_request"})
    assert missing.status_code == 400 and "Choose the council&#x27;s support request" in (
        missing.content.decode()
    )
    ok = client.post(url, {"support_kind": "support_request", "support_request": own.pk})
    assert ok.status_code == 302
    detail = client.get(f"/early-support/flags/{flag.pk}/").content.decode()
    assert "Lead member mentoring asked on" in detail
    assert f"/support/requests/{own.pk}/" in detail


def test_the_request_shows_the_flags_it_answers_to_those_who_see_flags(flag, adviser, dcs, officer):
    own = mentoring_request(LEEDS)
    flag.status, flag.support_kind, flag.support_request = "support_agreed", "mentoring", own
    flag.save()
    assert flags_answered_by(user=adviser, support_request=own) == [flag]
    assert flags_answered_by(user=dcs, support_request=own) == [flag]
    # A Leeds officer sees the request but not the council's risk flags.
    assert flags_answered_by(user=officer, support_request=own) == []


def test_the_request_page_shows_its_flags_and_mentoring_link(flag, adviser, officer, client_for):
    own = mentoring_request(LEEDS)
    flag.status, flag.support_kind, flag.support_request = "support_agreed", "mentoring", own
    flag.save()
    page = client_for(adviser).get(f"/support/requests/{own.pk}/").content.decode()
    assert "Risk flags this support answers" in page and f"/early-support/flags/{flag.pk}/" in page
    assert f"/support/mentoring/requests/{own.pk}/" in page
    hidden = client_for(officer).get(f"/support/requests/{own.pk}/").content.decode()
    assert "Risk flags this support answers" not in hidden
    assert f"/support/mentoring/requests/{own.pk}/" in hidden


def test_the_api_links_a_support_request(flag, adviser):
    from rest_framework.test import APIClient

    own = mentoring_request(LEEDS)
    theirs = mentoring_request(BRADFORD)
    client = APIClient()
    client.force_authenticate(adviser)
    url = f"/api/v1/risk-flags/{flag.pk}/transition/"
    body = {"to_status": "support_agreed", "support_kind": "support_request"}
    unknown = client.post(url, {**body, "support_request": 999999}, format="json")
    assert unknown.status_code == 400 and "support_request" in unknown.json()
    wrong = client.post(url, {**body, "support_request": theirs.pk}, format="json")
    assert wrong.status_code == 409 and "not Leeds's" in wrong.json()["detail"]
    ok = client.post(url, {**body, "support_request": own.pk}, format="json")
    assert ok.status_code == 200 and ok.json()["support_request"] == own.pk
