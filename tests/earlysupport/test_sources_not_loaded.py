"""Only what the data supports (issue 12, item 6): while the DfE interventions or the history of
directors of children's services have never been loaded, the risk dashboard's PDF and CSV say
"not known" and who can load them, rather than 0 or nothing; the dashboard says the leadership
rule cannot flag; once loaded (a row, or a successful import that left none), the figures
stand."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.utils import timezone

from earlysupport.models import DcsTenure, FactImportRun, Intervention
from earlysupport.sources import (
    DCS_HISTORY,
    INTERVENTIONS,
    NATIONAL_TEAM,
    source_loaded,
    sources_loaded,
)
from regions.models import Council, Region
from tests.conftest import LEEDS, YORKSHIRE
from tests.earlysupport.test_triage import make_flag

pytestmark = pytest.mark.django_db

DASHBOARD = "/early-support/"
CSV = "/early-support/councils.csv"
PDF = "/early-support/pdf/"
WHO = f"{NATIONAL_TEAM[:1].upper()}{NATIONAL_TEAM[1:]} can load it"


def _pdf_text(client, django_capture_on_commit_callbacks, data=None) -> str:
    from pypdf import PdfReader

    from reports.models import ReportJob
    from reports.services import report_render

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(PDF, data or {})
    assert response.status_code == 302
    job = ReportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    job = report_render(job_id=str(job.pk))
    assert job.status == "done"
    text = "".join(page.extract_text() for page in PdfReader(job.file.open("rb")).pages)
    return " ".join(text.split())


def _loaded_interventions():
    FactImportRun.objects.create(kind="intervention", filename="x.csv", status="succeeded")


# --- The sources ------------------------------------------------------------------------------


def test_both_sources_are_read_in_one_query(reference_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert sources_loaded(INTERVENTIONS, DCS_HISTORY) == {
            "intervention": False,
            "dcs_tenure": False,
        }
    DcsTenure.objects.create(
        council=Council.objects.get(gss_code=LEEDS), name="A Director", starts_on=date(2024, 1, 1)
    )
    assert source_loaded(DCS_HISTORY) and not source_loaded(INTERVENTIONS)
    FactImportRun.objects.create(kind="intervention", filename="x.csv", status="failed")
    assert not source_loaded(INTERVENTIONS)  # a failed import loads nothing
    _loaded_interventions()
    assert source_loaded(INTERVENTIONS)


# --- The PDF ----------------------------------------------------------------------------------


def test_pdf_says_interventions_are_not_known_and_who_can_load_them(
    risk_rules, client_for, national_adviser, django_capture_on_commit_callbacks
):
    make_flag(risk_rules["deterioration"], code=LEEDS, severity="red")
    text = _pdf_text(client_for(national_adviser), django_capture_on_commit_callbacks)
    assert "What this report cannot show" in text
    assert "DfE intervention data has not been loaded, so no one can say which councils" in text
    assert "The history of directors of children's services has not been loaded" in text
    assert "the leadership instability rule raises no flags" in text
    assert WHO in text
    # The In intervention column and the flagged council's cell say so, not 0 or None.
    table = text[text.index("Councils by risk level") : text.index("Red councils:")]
    assert table.count("Not known") == Region.objects.count() + 1  # each region and England
    assert re.search(r"England \d+ \d+ \d+ \d+ Not known \d+ $", table)
    leeds = text[text.index("Leeds", text.index("Councils with open flags")) :]
    assert "Not known" in leeds


def test_pdf_for_a_region_says_not_known_too(
    risk_rules, client_for, regional_lead, django_capture_on_commit_callbacks
):
    text = _pdf_text(client_for(regional_lead), django_capture_on_commit_callbacks)
    assert "Yorkshire" in text
    assert "DfE intervention data has not been loaded" in text and WHO in text
    assert "Not known" in text


def test_pdf_once_loaded_counts_interventions(
    risk_rules, client_for, national_adviser, django_capture_on_commit_callbacks
):
    _loaded_interventions()
    DcsTenure.objects.create(
        council=Council.objects.get(gss_code=LEEDS), name="A Director", starts_on=date(2024, 1, 1)
    )
    make_flag(risk_rules["deterioration"], code=LEEDS, severity="red")
    text = _pdf_text(client_for(national_adviser), django_capture_on_commit_callbacks)
    assert "What this report cannot show" not in text
    assert "has not been loaded" not in text
    assert "Not known" not in text
    leeds = text[text.index("Leeds", text.index("Councils with open flags")) :]
    assert "None" in leeds  # no intervention: known now


def test_pdf_with_interventions_loaded_but_no_dcs_history_mentions_only_that(
    risk_rules, client_for, national_adviser, django_capture_on_commit_callbacks
):
    Intervention.objects.create(
        council=Council.objects.get(gss_code=LEEDS),
        kind="improvement_notice",
        starts_on=timezone.localdate(),
    )
    text = _pdf_text(client_for(national_adviser), django_capture_on_commit_callbacks)
    assert "DfE intervention data has not been loaded" not in text
    assert "The history of directors of children's services has not been loaded" in text
    assert "Not known" not in text


# --- The dashboard and its CSV ----------------------------------------------------------------


def test_dashboard_says_the_leadership_rule_cannot_flag_without_dcs_history(
    risk_rules, client_for, national_adviser
):
    text = client_for(national_adviser).get(DASHBOARD).content.decode()
    assert 'id="not-loaded-dcs_tenure"' in text
    assert "the leadership instability rule raises no flags" in text
    assert 'href="/early-support/dcs/">directors of children&#x27;s services page</a>' in text


def test_a_regional_lead_is_told_who_can_load_dcs_history_without_a_link(
    risk_rules, client_for, regional_lead
):
    text = client_for(regional_lead).get(DASHBOARD).content.decode()
    note = text[text.index('id="not-loaded-dcs_tenure"') :]
    note = note[: note.index("</p>")]
    assert WHO in note
    assert "href=" not in note


def test_dashboard_drops_the_dcs_note_once_loaded(risk_rules, client_for, adviser):
    FactImportRun.objects.create(kind="dcs_tenure", filename="x.csv", status="succeeded")
    text = client_for(adviser).get(DASHBOARD).content.decode()
    assert "not-loaded-dcs_tenure" not in text


def test_the_in_intervention_filter_says_nothing_can_match(risk_rules, client_for, adviser):
    text = client_for(adviser).get(DASHBOARD).content.decode()
    assert 'aria-describedby="filter-intervention-hint"' in text
    assert "Intervention data has not been loaded, so no council will match" in text
    _loaded_interventions()
    text = client_for(adviser).get(DASHBOARD).content.decode()
    assert "filter-intervention-hint" not in text


def _csv_interventions(client) -> dict[str, str]:
    rows = list(csv.DictReader(io.StringIO(client.get(CSV).content.decode())))
    return {r["Council"]: r["Intervention"] for r in rows}


def test_csv_says_intervention_is_not_known_until_loaded(risk_rules, client_for, adviser):
    client = client_for(adviser)
    assert set(_csv_interventions(client).values()) == {"Not known (not loaded)"}
    _loaded_interventions()
    assert set(_csv_interventions(client).values()) == {""}


def test_an_outsider_gets_no_dashboard_or_pdf(risk_rules, client_for, officer):
    client = client_for(officer)
    assert client.get(CSV).status_code in (403, 404)
    assert client.post(PDF, {"region": YORKSHIRE}).status_code == 404
