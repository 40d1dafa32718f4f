"""axe-core on the early support facts and rules pages (interventions list and form with
errors, the import page with errors, the DCS list, the rules list, a rule's edit form with
errors and its page with a change history), in real Chromium."""

from __future__ import annotations

import datetime

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

LEEDS = "E08000035"


@pytest.fixture
def facts(reference_data):
    from earlysupport.defaults import rules_sync
    from earlysupport.models import DcsTenure, Intervention
    from regions.models import Council

    rules_sync()
    leeds = Council.objects.get(gss_code=LEEDS)
    Intervention.objects.create(
        council=leeds,
        kind="improvement_notice",
        starts_on=datetime.date(2021, 4, 1),
        notes="After the inspection",
    )
    DcsTenure.objects.create(
        council=leeds, name="Sal Tariq", starts_on=datetime.date(2018, 1, 1), interim=True
    )


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


def test_interventions_and_dcs_pages(reference_data, facts, signed_in_page, national_adviser):
    page = signed_in_page(national_adviser)
    _check(page, "/early-support/interventions/")
    assert "After the inspection" in page.content()
    _check(page, "/early-support/interventions/?kind=statutory_direction")  # empty
    assert "No interventions match" in page.content()
    _check(page, "/early-support/interventions/add/")

    def _bad_dates(page) -> None:
        page.locator("input[name=starts_on_day]").fill("2")
        page.locator("input[name=starts_on_month]").fill("5")
        page.locator("input[name=starts_on_year]").fill("2023")
        page.locator("input[name=ends_on_day]").fill("1")
        page.locator("input[name=ends_on_month]").fill("5")
        page.locator("input[name=ends_on_year]").fill("2023")
        _submit(page)
        assert "The end date must be the same as or after the start date" in page.content()
        assert "Select the council" in page.content()

    _check(page, "/early-support/interventions/add/", act=_bad_dates)

    def _bad_file(page) -> None:
        text = "council,kind,starts_on\nE99999999,improvement_notice,31/02/2021\n"
        page.set_input_files(
            "input[type=file]",
            files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": text.encode()}],
        )
        _submit(page)
        assert "is not a date" in page.content()
        assert "is not a council’s GSS code or DfE LA number" in page.content()

    _check(page, "/early-support/interventions/import/", act=_bad_file)
    _check(page, "/early-support/dcs/")
    assert "Sal Tariq" in page.content()


def test_rules_pages(reference_data, facts, signed_in_page, national_adviser):
    page = signed_in_page(national_adviser)
    _check(page, "/early-support/rules/")
    _check(page, "/early-support/rules/workforce-pressure/edit/")

    def _bad_edit(page) -> None:
        page.locator("#id_above_neighbours_by").fill("101")
        _submit(page)
        assert "The percentage points must be between 0 and 100" in page.content()
        assert "Enter the reason for this change" in page.content()

    _check(page, "/early-support/rules/workforce-pressure/edit/", act=_bad_edit)
    page.locator("#id_above_neighbours_by").fill("2.5")
    page.locator("#id_reason").fill("Neighbour means have narrowed")
    _submit(page)
    assert "Neighbour means have narrowed" in page.content()
    assert "Change history" in page.content()
    assert_styled(page)
    assert_accessible(page)
