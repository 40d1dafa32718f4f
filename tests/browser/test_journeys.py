"""Real-browser journeys: signing in (with and without a second factor) and finding a council."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import LEEDS, YORKSHIRE
from tests.factories import PASSWORD, make_member

from .conftest import current_totp_code, fill_sign_in_form

pytestmark = pytest.mark.browser


def _path(page, live_server) -> str:
    return page.url.removeprefix(live_server.url)


def _csp_errors(page) -> list[str]:
    """Collect console errors from now on; the list fills as the page runs."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_council_officer_finds_leeds_and_its_neighbours(page, officer, live_server):
    console_errors = _csp_errors(page)

    fill_sign_in_form(page, officer.email, PASSWORD)
    assert _path(page, live_server) == "/home/"
    expect(page.locator("main")).to_contain_text("Leeds")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Councils").click()
    expect(page).to_have_url(re.compile(r"/councils/$"))
    expect(page.get_by_role("status")).to_contain_text("153 councils")

    page.get_by_label("Region").select_option(label="Yorkshire and The Humber")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"region={YORKSHIRE}"))
    expect(page.get_by_role("status")).to_contain_text("15 councils")
    regions = page.locator("main table tbody tr td:nth-child(2)").all_inner_texts()
    assert regions and set(regions) == {"Yorkshire and The Humber"}

    page.get_by_role("link", name=re.compile(r"^Latest Ofsted judgement")).click()
    expect(page).to_have_url(re.compile(r"sort=ofsted"))
    expect(page).to_have_url(re.compile(rf"region={YORKSHIRE}"))  # the filter is kept
    header = page.get_by_role("columnheader", name=re.compile(r"Latest Ofsted judgement"))
    expect(header).to_have_attribute("aria-sort", "ascending")
    judgements = page.locator("main table tbody tr td:nth-child(4)").all_inner_texts()
    order = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
    ranks = [order.index(j.strip()) if j.strip() in order else len(order) for j in judgements]
    assert ranks == sorted(ranks), f"not sorted by judgement: {judgements}"

    page.get_by_role("link", name="Leeds", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/councils/{LEEDS}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leeds")
    neighbours = page.get_by_role("table", name=re.compile("Statistical neighbours of Leeds"))
    expect(neighbours.locator("tbody tr")).to_have_count(10)

    csp = [e for e in console_errors if "Content Security Policy" in e]
    assert not csp, "CSP violations on the way:\n" + "\n".join(csp)


def test_council_page_has_no_csp_violations(signed_in_page, officer):
    page = signed_in_page(officer)
    console_errors = _csp_errors(page)
    page.goto(f"/councils/{LEEDS}/")
    page.wait_for_load_state("networkidle")
    csp = [e for e in console_errors if "Content Security Policy" in e]
    assert not csp, "CSP violations on the council page:\n" + "\n".join(csp)
    # The GOV.UK Frontend script ran (it marks the body), so scripts are not blocked either.
    expect(page.locator("body")).to_have_class(re.compile(r"govuk-frontend-supported"))


def test_national_adviser_must_enter_a_totp_code(page, national_adviser, live_server):
    fill_sign_in_form(page, national_adviser.email, PASSWORD)
    assert _path(page, live_server) == "/accounts/2fa/authenticate/"
    # Not signed in yet: the portal's pages send back to sign-in, which resumes the code step.
    page.goto("/home/")
    assert _path(page, live_server) == "/accounts/2fa/authenticate/"

    page.get_by_label("Code").fill(current_totp_code(national_adviser))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("National picture")


def test_lead_without_totp_is_sent_to_set_it_up(page, reference_data, live_server):
    lead = make_member(YORKSHIRE, "regional_lead_dcs", email="newlead@yorkshire.example", mfa=False)
    fill_sign_in_form(page, lead.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    # Trying the portal's pages first still ends at the set-up.
    page.goto(f"/councils/{LEEDS}/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.get_by_label("Authenticator code")).to_be_visible()
