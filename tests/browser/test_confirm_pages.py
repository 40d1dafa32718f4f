"""axe-core on the pages that stop a big or empty action: the confirmation before making a
batch of data profiles, and the email addresses page when an action has nothing selected."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser


def test_the_153_reports_confirmation_has_no_axe_violations(
    reference_data, signed_in_page, live_server, request
):
    from reports.models import ReportBatch

    adviser = request.getfixturevalue("national_adviser")
    page = signed_in_page(adviser)
    page.goto("/reports/batches/new/")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make 153 PDF reports?")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "This will make 153 PDF reports: the data profile of every council in England."
    )
    assert not ReportBatch.objects.exists()
    assert_styled(page)
    assert_accessible(page)
    page.get_by_role("link", name="Change which councils").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make data profiles")


def test_the_email_page_with_nothing_selected_has_no_axe_violations(
    reference_data, signed_in_page, live_server, request
):
    from allauth.account.models import EmailAddress

    officer = request.getfixturevalue("officer")
    EmailAddress.objects.create(user=officer, email="second@leeds.example", verified=True)
    EmailAddress.objects.filter(user=officer).update(primary=False)
    page = signed_in_page(officer)
    page.goto("/accounts/email/")
    page.get_by_role("button", name="Remove").click()
    page.wait_for_load_state()
    expect(page).to_have_title("Error: Email addresses – CIB portal")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the email address to remove"
    )
    assert EmailAddress.objects.filter(user=officer).count() == 2
    assert_styled(page)
    assert_accessible(page)
