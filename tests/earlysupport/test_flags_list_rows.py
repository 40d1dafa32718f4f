"""The flags list's rows are written by the view from a few columns (views_flags._list_rows):
each cell says what the flag says, and the region filter takes a region's GSS code."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import BRADFORD, MANCHESTER
from tests.earlysupport.test_triage import make_flag

pytestmark = pytest.mark.django_db

LIST = "/early-support/flags/"


def _row(text: str, flag) -> str:
    start = text.index(f'href="/early-support/flags/{flag.pk}/"')
    return text[text.rindex("<tr", 0, start) : text.index("</tr>", start)]


def test_each_row_says_what_its_flag_says(risk_rules, client_for, national_adviser, adviser):
    adviser.full_name = "Ada Adviser"
    adviser.save()
    ruled = make_flag(
        risk_rules["workforce-pressure"],
        severity="red",
        status="acknowledged",
        owner=adviser,
        raised_at=datetime(2026, 7, 15, 23, 30, tzinfo=ZoneInfo("UTC")),  # 16 July in London
    )
    person = make_flag(
        None,
        code=BRADFORD,
        raised_by=adviser,
        rationale="r",
        evidence_gone_at=ruled.raised_at,
        raised_at=datetime(2026, 7, 15, 12, 0, tzinfo=ZoneInfo("UTC")),
    )
    text = client_for(national_adviser).get(LIST).content.decode()
    row = _row(text, ruled)
    assert "Leeds" in row and "Yorkshire and The Humber" in row
    assert row.count("Workforce pressure") >= 2  # the link's hidden text and the rule column
    assert 'govuk-tag--red">Red</strong>' in row
    assert 'govuk-tag--light-blue">Acknowledged</strong>' in row
    assert "16 July 2026" in row and "Ada Adviser" in row
    assert "Proposed for closing" not in row
    row = _row(text, person)
    assert "flag raised by a person" in row and "Raised by a person" in row
    assert 'govuk-tag--orange">Amber</strong>' in row and "govuk-tag--blue" in row
    assert "15 July 2026" in row and "No owner" in row
    assert "Proposed for closing" in row


def test_the_region_filter_takes_a_gss_code(risk_rules, client_for, national_adviser):
    leeds = make_flag(risk_rules["workforce-pressure"])
    manchester = make_flag(risk_rules["workforce-pressure"], code=MANCHESTER)
    client = client_for(national_adviser)
    yorkshire = client.get(LIST, {"region": "E12000003"}).content.decode()
    assert f"/flags/{leeds.pk}/" in yorkshire and f"/flags/{manchester.pk}/" not in yorkshire
    assert 'value="E12000003" selected' in yorkshire
    north_west = client.get(LIST, {"region": "E12000002"}).content.decode()
    assert f"/flags/{manchester.pk}/" in north_west and f"/flags/{leeds.pk}/" not in north_west
    unknown = client.get(LIST, {"region": "E99999999"})
    assert unknown.status_code == 200
    assert "Choose a region from the list" in unknown.content.decode()
