"""axe-core on the quarterly return pages (the list, a draft and a submitted return, the edit
form with errors, the return-with-comments form), in real Chromium."""

from __future__ import annotations

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

YORKSHIRE = "E12000003"
ALLOCATIONS = {
    "project_management": 5_000_000,
    "peer_challenger_training": 2_000_000,
    "peer_challenge_programme": 3_000_000,
    "early_support": 1_000_000,
}


def _check(page, path: str, *, act=None) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    if act:
        act(page)
    assert_styled(page)
    assert_accessible(page)


def _submit_empty(page) -> None:
    for area in page.locator("main textarea").all():
        area.fill("")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1


@pytest.fixture
def setting(reference_data, request):
    """Yorkshire's agreement for a year whose quarters have ended: quarter 1 submitted with
    spend approved in it, quarter 2 a draft."""
    from django.utils import timezone

    from funds.models import SpendRequest
    from funds.services import (
        agreement_create,
        spend_request_approve,
        spend_request_create,
        spend_request_submit,
    )
    from funds.services import returns as svc
    from regions.models import Region
    from tests.factories import make_member

    cib_admin = request.getfixturevalue("cib_admin")
    lead = request.getfixturevalue("regional_lead")
    pm = make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")
    agreement = agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=timezone.localdate().year - 2,
        allocations=ALLOCATIONS,
    )
    first = agreement.starts_on
    spend = spend_request_create(
        user=pm,
        agreement=agreement,
        purpose="early_support",
        amount_pence=123_456,
        description="Training",
    )
    spend = spend_request_approve(user=lead, request=spend_request_submit(user=pm, request=spend))
    SpendRequest.objects.filter(pk=spend.pk).update(
        approved_at=timezone.make_aware(timezone.datetime(first.year, 5, 1, 12))
    )
    q1 = agreement.returns.get(quarter=1)
    q1 = svc.return_save_draft(user=pm, ret=q1, narrative="Four challenges ran.", outcomes="")
    q1 = svc.return_sign_off(user=lead, ret=q1)
    q1 = svc.return_submit(user=pm, ret=q1)
    return {"pm": pm, "admin": cib_admin, "q1": q1, "q2": agreement.returns.get(quarter=2)}


def test_return_list_and_detail_pages_have_no_axe_violations(setting, signed_in_page):
    page = signed_in_page(setting["pm"])
    _check(page, "/funds/returns/")
    _check(page, "/funds/returns/?quarter=9")  # a filter error
    _check(page, f"/funds/returns/{setting['q2'].pk}/")  # draft, overdue, live figures
    _check(page, f"/funds/returns/{setting['q1'].pk}/")  # submitted, frozen figures
    assert "frozen" in page.locator("main").inner_text()


def test_return_forms_have_no_axe_violations(setting, signed_in_page):
    page = signed_in_page(setting["pm"])
    _check(page, f"/funds/returns/{setting['q2'].pk}/edit/")
    _check(page, f"/funds/returns/{setting['q2'].pk}/edit/", act=_submit_empty)
    admin = signed_in_page(setting["admin"])
    _check(admin, f"/funds/returns/{setting['q1'].pk}/accept/")
    _check(admin, f"/funds/returns/{setting['q1'].pk}/return/")
    _check(admin, f"/funds/returns/{setting['q1'].pk}/return/", act=_submit_empty)
