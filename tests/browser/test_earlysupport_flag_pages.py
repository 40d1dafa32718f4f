"""axe-core on the risk flag pages (the list empty and with flags, a flag with its evidence and
history, the raise form with errors, the agree-support form and the close confirmation), in
real Chromium."""

from __future__ import annotations

import pytest

from tests.earlysupport.conftest import risk_rules  # noqa: F401
from tests.earlysupport.test_triage import make_booking, make_flag

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser


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


def test_list_empty_and_with_flags(reference_data, signed_in_page, adviser, risk_rules):  # noqa: F811
    page = signed_in_page(adviser)
    _check(page, "/early-support/flags/")
    assert "There are no open risk flags" in page.content()
    make_flag(risk_rules["workforce-pressure"], severity="red", owner=adviser)
    make_flag(risk_rules["ofsted-inadequate"], code="E08000032")
    _check(page, "/early-support/flags/")
    assert "2 flags" in page.content()
    _check(page, "/early-support/flags/?severity=red&sort=council")


def test_detail_with_evidence_and_history(
    reference_data,
    signed_in_page,
    adviser,
    risk_rules,  # noqa: F811
):
    from django.utils import timezone

    from earlysupport.services import triage

    flag = make_flag(risk_rules["workforce-pressure"], evidence_gone_at=timezone.now())
    triage.flag_note(user=adviser, flag=flag, note="Spoke to the DCS.")
    triage.flag_transition(user=adviser, flag=flag, to_status="acknowledged", note="Seen")
    page = signed_in_page(adviser)
    _check(page, f"/early-support/flags/{flag.pk}/")
    content = page.content()
    assert "Social worker turnover rate (%)" in content and "Spoke to the DCS." in content
    assert "Proposed for closing: the evidence has gone" in content


def test_raise_form_with_errors(reference_data, signed_in_page, regional_lead):
    page = signed_in_page(regional_lead)

    def _no_reasons(page) -> None:
        page.get_by_label("Summary").fill("Three senior posts are vacant")
        _submit(page)
        assert "Enter your reasons for raising the flag" in page.content()
        assert "Choose the council" in page.content()

    _check(page, "/early-support/flags/new/?council=E08000035")
    _check(page, "/early-support/flags/new/", act=_no_reasons)


def test_agree_support_and_close_confirmation(
    reference_data,
    signed_in_page,
    adviser,
    risk_rules,  # noqa: F811
):
    flag = make_flag(risk_rules["workforce-pressure"], status="acknowledged")
    make_booking("E08000035")
    page = signed_in_page(adviser)

    def _no_booking(page) -> None:
        page.get_by_label("A diagnostic or review booking").check()
        _submit(page)
        assert "Choose the council" in page.content()

    _check(page, f"/early-support/flags/{flag.pk}/support/")
    _check(page, f"/early-support/flags/{flag.pk}/support/", act=_no_booking)
    _check(page, f"/early-support/flags/{flag.pk}/close/")
    assert "cannot be reopened" in page.content()

    def _no_note(page) -> None:
        _submit(page)
        assert "why the flag is being closed" in page.content()

    _check(page, f"/early-support/flags/{flag.pk}/close/", act=_no_note)
