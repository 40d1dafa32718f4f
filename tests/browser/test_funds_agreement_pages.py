"""axe-core on the devolved funds agreement pages (the national view with and without
agreements, recording an agreement with errors, the budget page with its chart, changing an
agreement) and a region's governance leads pages, in real Chromium."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

YORKSHIRE = "E12000003"
YEAR = 2027


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


def _agreement_with_spend(cib_admin, lead):
    """Yorkshire's 2027-28 agreement with approved spend spread over the year."""
    from funds.models import SpendRequest
    from funds.services import (
        agreement_create,
        spend_request_approve,
        spend_request_create,
        spend_request_submit,
    )
    from regions.models import Region
    from tests.factories import make_member

    pm = make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")
    agreement = agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=YEAR,
        allocations={
            "project_management": 5_000_000,
            "peer_challenger_training": 2_000_000,
            "peer_challenge_programme": 3_000_000,
            "early_support": 1_000_000,
        },
        terms="Deliver the regional programme.",
        second_approval_threshold_pence=5_000_000,
    )
    for month, amount in ((4, 400_000), (7, 1_500_000), (11, 900_000)):
        request = spend_request_create(
            user=pm,
            agreement=agreement,
            purpose="project_management",
            amount_pence=amount,
            description="Coordination",
        )
        spend_request_submit(user=pm, request=request)
        spend_request_approve(user=lead, request=request)
        year = YEAR if month >= 4 else YEAR + 1
        SpendRequest.objects.filter(pk=request.pk).update(
            approved_at=timezone.make_aware(datetime(year, month, 10))
        )
    return agreement


def test_national_view_has_no_axe_violations(reference_data, signed_in_page, request):
    cib_admin = request.getfixturevalue("cib_admin")
    lead = request.getfixturevalue("regional_lead")
    page = signed_in_page(cib_admin)
    _check(page, f"/funds/?year={YEAR}")  # no agreements yet
    _agreement_with_spend(cib_admin, lead)
    _check(page, f"/funds/?year={YEAR}")


def test_regional_list_has_no_axe_violations(reference_data, signed_in_page, request):
    lead = request.getfixturevalue("regional_lead")
    page = signed_in_page(lead)
    _check(page, "/funds/")
    _agreement_with_spend(request.getfixturevalue("cib_admin"), lead)
    _check(page, "/funds/")


def test_agreement_form_with_errors_has_no_axe_violations(reference_data, signed_in_page, request):
    page = signed_in_page(request.getfixturevalue("cib_admin"))
    _check(page, "/funds/agreements/new/")

    def bad_amounts(page):
        page.get_by_label("Project management allocation").fill("12.345")
        page.get_by_label("Early support allocation").fill("abc")
        _submit(page)
        assert page.locator(".govuk-error-summary").is_visible()

    _check(page, "/funds/agreements/new/", act=bad_amounts)


def test_budget_and_edit_pages_have_no_axe_violations(reference_data, signed_in_page, request):
    cib_admin = request.getfixturevalue("cib_admin")
    agreement = _agreement_with_spend(cib_admin, request.getfixturevalue("regional_lead"))
    page = signed_in_page(cib_admin)
    _check(page, f"/funds/agreements/{agreement.pk}/")
    assert page.locator("svg[role=img]").count() == 1
    _check(page, f"/funds/agreements/{agreement.pk}/edit/")

    def too_low(page):
        page.get_by_label("Project management allocation").fill("1.00")
        _submit(page)
        assert page.locator(".govuk-error-summary").is_visible()

    _check(page, f"/funds/agreements/{agreement.pk}/edit/", act=too_low)
    adviser_page = signed_in_page(request.getfixturevalue("adviser"))
    _check(adviser_page, f"/funds/agreements/{agreement.pk}/")


def test_governance_pages_have_no_axe_violations(reference_data, signed_in_page, request):
    from regions.governance import governance_lead_appoint
    from regions.models import Region
    from tests.factories import UserFactory

    cib_admin = request.getfixturevalue("cib_admin")
    request.getfixturevalue("regional_lead")
    page = signed_in_page(cib_admin)
    _check(page, f"/regions/{YORKSHIRE}/governance/")  # two roles not named, no history
    UserFactory(email="new.dcs@yorkshire.example", full_name="Dee Newlead")
    governance_lead_appoint(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        role="regional_lead_dcs",
        person_email="new.dcs@yorkshire.example",
        starts_on=timezone.localdate(),
    )
    _check(page, f"/regions/{YORKSHIRE}/governance/")  # with history
    _check(page, f"/regions/{YORKSHIRE}/governance/appoint/")

    def errors(page):
        page.get_by_label("Email address of the new lead").fill("nobody@nowhere.example")
        _submit(page)
        assert page.locator(".govuk-error-summary").is_visible()

    _check(page, f"/regions/{YORKSHIRE}/governance/appoint/", act=errors)
    officer_page = signed_in_page(request.getfixturevalue("officer"))
    _check(officer_page, f"/regions/{YORKSHIRE}/governance/")


def test_budget_page_flags_an_overdue_return_and_links_waiting_requests(
    reference_data, signed_in_page, request
):
    """This year's budget as its regional lead meets it: the months to come are empty, an
    overdue return is flagged and opens, the requests awaiting a decision open as a list."""
    from datetime import timedelta

    from funds.models import QuarterlyReturn
    from funds.selectors import current_financial_year
    from funds.services import agreement_create, spend_request_create, spend_request_submit
    from regions.models import Region
    from tests.factories import make_member

    cib_admin = request.getfixturevalue("cib_admin")
    lead = request.getfixturevalue("regional_lead")
    pm = make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")
    agreement = agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=current_financial_year(),
        allocations={"project_management": 5_000_000, "early_support": 1_000_000},
        terms="Deliver the regional programme.",
        second_approval_threshold_pence=5_000_000,
    )
    spend = spend_request_create(
        user=pm,
        agreement=agreement,
        purpose="early_support",
        amount_pence=120_000,
        description="Training",
    )
    spend_request_submit(user=pm, request=spend)
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=1).update(
        due_on=timezone.localdate() - timedelta(days=12)
    )
    page = signed_in_page(lead)
    _check(page, f"/funds/agreements/{agreement.pk}/")
    banner = page.locator("#overdue-returns")
    assert "Overdue" in banner.inner_text() and "12 days ago" in banner.inner_text()
    # Months to come have no row: April is the year's first month.
    months_begun = (timezone.localdate().month - 4) % 12 + 1
    assert page.locator("#monthly tbody tr").count() == months_begun
    banner.get_by_role("link", name="Quarter 1 return").click()
    page.wait_for_load_state()
    assert page.url.endswith(
        f"/funds/returns/{QuarterlyReturn.objects.get(agreement=agreement, quarter=1).pk}/"
    )
    page.go_back()
    page.locator("#awaiting-summary a").click()
    page.wait_for_load_state()
    assert "status=submitted" in page.url
    assert "Training" in page.locator("main").inner_text()
    assert_accessible(page)
