"""axe-core on the spend request pages (the list empty and with rows, the raise form with
errors, a request with one of two approvals, and the approve, reject and mark-paid
confirmation pages), in real Chromium."""

from __future__ import annotations

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

YORKSHIRE = "E12000003"
THRESHOLD = 500_000


@pytest.fixture
def programme_manager(reference_data):
    from tests.factories import make_member

    return make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")


@pytest.fixture
def agreement(reference_data, cib_admin):
    from funds.services import agreement_create
    from regions.models import Region

    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=2027,
        allocations={"early_support": 1_000_000, "project_management": 5_000_000},
        second_approval_threshold_pence=THRESHOLD,
    )


def _submitted(agreement, programme_manager, amount_pence: int, description="Training day"):
    from funds.services import spend_request_create, spend_request_submit

    spend = spend_request_create(
        user=programme_manager,
        agreement=agreement,
        purpose="early_support",
        amount_pence=amount_pence,
        description=description,
        supplier="Acme Training Ltd",
    )
    return spend_request_submit(user=programme_manager, request=spend)


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


def test_list_and_raise_form_have_no_axe_violations(
    reference_data, signed_in_page, programme_manager, agreement
):
    page = signed_in_page(programme_manager)
    _check(page, "/funds/requests/")  # empty
    assert "There are no spend requests yet" in page.content()
    path = f"/funds/requests/new/?agreement={agreement.pk}"
    _check(page, path)

    def _bad_amount(page) -> None:
        page.get_by_label("Amount").fill("12.345")
        _submit(page)
        assert "no more than 2 decimal places" in page.content()
        assert "Describe what the money is for" in page.content()

    _check(page, path, act=_bad_amount)
    page.get_by_label("Early support").check()
    page.get_by_label("Amount").fill("250.50")
    page.get_by_label("What is the money for?").fill("Room hire")
    _submit(page)
    assert "£250.50" in page.content() and "Draft" in page.content()
    assert_accessible(page)
    for n in range(3):
        _submitted(agreement, programme_manager, 10_000 + n, description=f"Item {n}")
    _check(page, "/funds/requests/")  # with rows
    _check(page, "/funds/requests/?status=paid")  # filtered to nothing


def test_detail_and_confirmation_pages_have_no_axe_violations(
    reference_data, signed_in_page, programme_manager, agreement, request
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from funds.models import SpendEvidence
    from funds.services import spend_request_approve

    lead = request.getfixturevalue("regional_lead")
    big = _submitted(agreement, programme_manager, 600_000)
    spend_request_approve(user=lead, request=big)
    evidence = SpendEvidence(
        request=big,
        kind="request",
        title="Quote",
        content_type="application/pdf",
        size=9,
        uploaded_by=programme_manager,
    )
    evidence.file.save("quote.pdf", SimpleUploadedFile("quote.pdf", b"%PDF-1.4\n"), save=False)
    evidence.save()

    from tests.factories import make_member

    second = make_member(YORKSHIRE, "regional_lead_member", email="member@yorkshire.example")
    page = signed_in_page(second)
    _check(page, f"/funds/requests/{big.pk}/")  # submitted with one approval
    assert "A second lead’s approval is still needed" in page.content()
    _check(page, f"/funds/requests/{big.pk}/approve/")
    _check(page, f"/funds/requests/{big.pk}/reject/")
    _check(page, f"/funds/requests/{big.pk}/reject/", act=_submit)  # reason missing
    assert "Enter the reason for rejecting the request" in page.content()

    small = _submitted(agreement, programme_manager, 10_000)
    spend_request_approve(user=lead, request=small)
    page = signed_in_page(programme_manager)
    _check(page, f"/funds/requests/{small.pk}/paid/")
    assert "Upload evidence of payment" in page.content()

    def _paid_without_evidence(page) -> None:
        page.get_by_label("Payment reference").fill("INV-1")
        _submit(page)
        assert "Attach the evidence of payment first" in page.content()

    _check(page, f"/funds/requests/{small.pk}/paid/", act=_paid_without_evidence)
    _check(page, f"/funds/requests/{small.pk}/evidence/")
    _check(page, f"/funds/requests/{small.pk}/evidence/", act=_submit)
