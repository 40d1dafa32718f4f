"""axe-core on the backtest page for advisers (with the default rules, and with a controlled
case that has flagged and judged councils), in real Chromium."""

from __future__ import annotations

import datetime as dt

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

LEEDS = "E08000035"


@pytest.fixture
def judged_case(reference_data):
    from earlysupport.defaults import rules_sync
    from earlysupport.models import Intervention
    from regions.models import Council, OfstedInspection

    rules_sync()
    leeds = Council.objects.get(gss_code=LEEDS)
    Intervention.objects.create(
        council=leeds, kind="improvement_notice", starts_on=dt.date(2019, 1, 1)
    )
    OfstedInspection.objects.get_or_create(
        council=leeds,
        inspection_date=dt.date(2019, 9, 1),
        defaults={
            "publication_date": dt.date(2019, 10, 1),
            "inspection_type": "ILACS",
            "overall": "inadequate",
            "leadership": "inadequate",
            "help_and_protection": "inadequate",
            "children_in_care": "inadequate",
        },
    )


def test_backtest_page_has_no_axe_violations(judged_case, signed_in_page, national_adviser):
    page = signed_in_page(national_adviser)
    response = page.goto("/early-support/backtest/")
    assert response is not None and response.status == 200
    assert "How the risk rules would have done" in page.content()
    assert_styled(page)
    assert_accessible(page)
