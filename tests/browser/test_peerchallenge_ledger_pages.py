"""axe-core on the reciprocity ledger (regional and national, with figures and empty) and on
a challenge's scheduling pages (the poll with options and answers, proposing with errors, the
agreement's confirmation), in real Chromium."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

YEAR = 2026


def _check(page, path: str, *, act=None) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    if act:
        act(page)
    assert_styled(page)
    assert_accessible(page)


def _submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def _programme_and_challenge(regional_lead, challenger):
    """Yorkshire's published 2026 programme (running around today) with Leeds challenged by
    Bradford's DCS."""
    from django.utils import timezone

    from peerchallenge.models import Participant, Programme
    from regions.models import Region
    from tests.conftest import BRADFORD, LEEDS
    from tests.peerchallenge.conftest import _challenge

    today = timezone.localdate()
    region = Region.objects.get(gss_code="E12000003")
    programme = Programme.objects.create(
        region=region,
        year=YEAR,
        model="pairs",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
        focus="Help and protection",
        status="published",
        created_by=regional_lead,
        published_by=regional_lead,
    )
    Participant.objects.bulk_create(
        Participant(programme=programme, council=c) for c in region.councils.all()
    )
    return _challenge(programme, LEEDS, BRADFORD, challenger)


def test_ledger_pages_have_no_axe_violations(reference_data, signed_in_page, live_server, request):
    from tests.factories import make_member

    regional_lead = request.getfixturevalue("regional_lead")
    national_adviser = request.getfixturevalue("national_adviser")
    page = signed_in_page(regional_lead)
    # Empty: no programme, no reviews.
    _check(page, "/peer-challenge/ledger/")
    _check(page, "/peer-challenge/ledger/?warnings=1&year=2030")
    challenger = make_member("E08000032", "dcs", email="dcs@bradford.example")
    _programme_and_challenge(regional_lead, challenger)
    _check(page, f"/peer-challenge/ledger/?year={YEAR}&region=E12000003&sort=-given")
    assert "Bradford" in page.content()
    page = signed_in_page(national_adviser)
    _check(page, f"/peer-challenge/ledger/?year={YEAR}")
    assert page.locator("#ledger-regions").count() == 1
    _check(page, f"/peer-challenge/ledger/?year={YEAR}&warnings=1&sort=dcs_days")


def test_scheduling_pages_have_no_axe_violations(
    reference_data, signed_in_page, live_server, request
):
    from peerchallenge.models import DateOption, DateVote
    from tests.factories import make_member

    officer = request.getfixturevalue("officer")
    regional_lead = request.getfixturevalue("regional_lead")
    challenger = make_member("E08000032", "dcs", email="dcs@bradford.example")
    challenge = _programme_and_challenge(regional_lead, challenger)
    page = signed_in_page(officer)
    _check(page, f"/challenges/{challenge.pk}/dates/")  # no options yet
    soon = date.today() + timedelta(days=21)
    first = DateOption.objects.create(
        challenge=challenge, starts_on=soon, ends_on=soon + timedelta(days=1), proposed_by=officer
    )
    second = DateOption.objects.create(
        challenge=challenge,
        starts_on=soon + timedelta(days=7),
        ends_on=soon + timedelta(days=8),
        proposed_by=challenger,
    )
    DateVote.objects.create(option=first, user=challenger, answer="yes")
    DateVote.objects.create(option=second, user=challenger, answer="no")
    DateVote.objects.create(option=first, user=officer, answer="if_need_be")
    _check(page, f"/challenges/{challenge.pk}/dates/")
    assert "1 available, 1 if need be, 0 not available" in page.content()
    _check(page, f"/challenges/{challenge.pk}/dates/propose/")
    _check(page, f"/challenges/{challenge.pk}/dates/propose/", act=_submit)  # the errors
    assert "Enter the first day" in page.content()
    # The last day before the first.
    page.fill("#id_starts_on_0", str(soon.day))
    page.fill("#id_starts_on_1", str(soon.month))
    page.fill("#id_starts_on_2", str(soon.year))
    page.fill("#id_ends_on_0", "1")
    page.fill("#id_ends_on_1", "1")
    page.fill("#id_ends_on_2", str(soon.year - 1))
    _submit(page)
    assert "must be the same as or after the first day" in page.content()
    assert_accessible(page)
    _check(page, f"/challenges/{challenge.pk}/dates/{first.pk}/agree/")
    _submit(page)
    assert "Dates agreed" in page.content()
    assert_accessible(page)
    page = signed_in_page(challenger)
    _check(page, f"/challenges/{challenge.pk}/dates/")
