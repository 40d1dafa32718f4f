"""axe-core on the early support dashboards (the national adviser's with flags, a regional
lead's, a council senior leader's, and a filtered view with and without matches), in real
Chromium."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

LEEDS = "E08000035"
BRADFORD = "E08000032"
MANCHESTER = "E08000003"


@pytest.fixture
def flags(reference_data):
    from django.utils import timezone

    from earlysupport.defaults import rules_sync
    from earlysupport.models import Flag, Intervention, Rule
    from regions.models import Council

    rules_sync()
    rules = {r.code: r for r in Rule.objects.all()}
    made = []
    for code, rule, summary in (
        (LEEDS, "in-intervention", "Leeds is under an improvement notice"),
        (LEEDS, "workforce-pressure", "Agency social workers well above neighbours"),
        (BRADFORD, "leadership-instability", "Three directors in 24 months"),
        (MANCHESTER, "ofsted-requires-improvement", "Requires improvement to be good"),
    ):
        made.append(
            Flag.objects.create(
                council=Council.objects.get(gss_code=code),
                rule=rules[rule],
                severity=rules[rule].severity,
                summary=summary,
                raised_at=timezone.now(),
            )
        )
    Intervention.objects.create(
        council=Council.objects.get(gss_code=LEEDS),
        kind="improvement_notice",
        starts_on=timezone.localdate() - timedelta(days=30),
    )
    return made


def _check(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    assert_styled(page)
    assert_accessible(page)


def test_adviser_dashboard_has_no_axe_violations(
    reference_data, signed_in_page, national_adviser, flags
):
    page = signed_in_page(national_adviser)
    _check(page, "/early-support/")
    assert "Leeds is under an improvement notice" in page.content()
    _check(page, "/early-support/?level=amber&flags=1")
    assert "Three directors in 24 months" in page.content()
    _check(page, "/early-support/?pipeline=on_site")
    assert "No councils match these filters" in page.content()


def test_regional_lead_dashboard_has_no_axe_violations(
    reference_data, signed_in_page, regional_lead, flags
):
    page = signed_in_page(regional_lead)
    _check(page, "/early-support/")
    assert "Three directors in 24 months" in page.content()
    assert "Requires improvement to be good</a>" not in page.content()


def test_senior_leader_dashboard_has_no_axe_violations(reference_data, signed_in_page, dcs, flags):
    page = signed_in_page(dcs)
    _check(page, "/early-support/")
    assert "Leeds is under an improvement notice" in page.content()
    assert "Three directors in 24 months" not in page.content()
