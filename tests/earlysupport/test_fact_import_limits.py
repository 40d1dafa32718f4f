"""Interventions and DCS history imports refuse what the database cannot hold, by line and
column, before any write: over-long text, a cell over 128 KB, dates the portal cannot do
arithmetic on; blank lines count in line numbers; nothing is saved. Big uploads go to the
worker and their run always ends succeeded or failed, with every problem."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from earlysupport.imports import FactImportError
from earlysupport.models import DcsTenure, FactImportRun, FactImportStatus, Intervention
from earlysupport.services import fact_imports as facts
from earlysupport.services.fact_imports import dcs_import, interventions_import
from tests.conftest import BRADFORD, LEEDS, MANCHESTER

pytestmark = pytest.mark.django_db

BIG = "x" * (128 * 1024 + 1)


def _errors(call, text: str) -> list[str]:
    with pytest.raises(FactImportError) as info:
        call(user=None, data=text.encode())
    return list(info.value.errors)


def test_a_cell_over_128_kb_is_named_by_line_and_column_after_a_blank_line(reference_data):
    text = (
        "council,kind,starts_on,ends_on,notes\n"
        f"{LEEDS},improvement_notice,2021-04-01,,fine\n"  # line 2
        "\n"  # line 3: blank
        f"{BRADFORD},statutory_direction,2019-06-15,,{BIG}\n"  # line 4
        f"{MANCHESTER},improvement_notice,2020-01-01,,\n"  # line 5
    )
    assert _errors(interventions_import, text) == [
        "Line 4, column notes: the cell is longer than 131,072 characters (131,073)"
    ]
    assert Intervention.objects.count() == 0


def test_an_over_long_dcs_name_is_refused_with_its_line_and_column(reference_data):
    text = f"council,name,starts_on\n\n\n{LEEDS},{'N' * 201},2015-01-01\n"
    assert _errors(dcs_import, text) == [
        "Line 4, column name: must be 200 characters or fewer (it has 201)"
    ]
    assert DcsTenure.objects.count() == 0


def test_an_over_long_unknown_value_is_quoted_short(reference_data):
    errors = _errors(
        interventions_import, f"council,kind,starts_on\n{'E' * 5000},{'k' * 5000},2021-01-01\n"
    )
    assert len(errors) == 2
    assert all(len(e) < 200 for e in errors), errors
    assert errors[0].startswith("Line 2, column council: “EEEE")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dates_the_portal_cannot_use_are_refused(reference_data, day):
    # A one-day tenure on 31 December 9999 used to overflow the overlap check (a traceback).
    text = f"council,name,starts_on,ends_on\n\n{LEEDS},Jo Ng,{day},{day}\n"
    assert _errors(dcs_import, text) == [
        f"Line 3, column starts_on: “{day}” must be a date between 1900 and 2100",
        f"Line 3, column ends_on: “{day}” must be a date between 1900 and 2100",
    ]
    assert DcsTenure.objects.count() == 0


def test_overlaps_are_found_in_one_pass_with_every_line_named(reference_data):
    # A long tenure containing two short ones: both short ones overlap it, not each other.
    text = (
        "council,name,starts_on,ends_on\n"
        f"{LEEDS},Long Stay,2010-01-01,2020-01-01\n"  # line 2
        f"{LEEDS},Short One,2011-01-01,2012-01-01\n"  # line 3
        "\n"  # line 4
        f"{LEEDS},Short Two,2013-01-01,2013-01-01\n"  # line 5: a one-day tenure
        f"{BRADFORD},Other Place,2011-01-01,\n"  # line 6: another council
    )
    assert _errors(dcs_import, text) == [
        "Line 3: the tenure of Short One (from 1 January 2011 to 1 January 2012) overlaps "
        "line 2 (Long Stay, from 1 January 2010 to 1 January 2020)",
        "Line 5: the tenure of Short Two (from 1 January 2013 to 1 January 2013) overlaps "
        "line 2 (Long Stay, from 1 January 2010 to 1 January 2020)",
    ]
    assert DcsTenure.objects.count() == 0


def test_a_recorded_one_day_tenure_is_an_overlap(reference_data):
    dcs_import(
        user=None,
        data=f"council,name,starts_on,ends_on\n{LEEDS},Day,2016-05-05,2016-05-05\n".encode(),
    )
    text = f"council,name,starts_on\n{LEEDS},Jo Ng,2016-01-01\n"
    assert _errors(dcs_import, text) == [
        "Line 2: the tenure of Jo Ng (from 1 January 2016) overlaps the recorded tenure of "
        "Day (from 5 May 2016 to 5 May 2016)"
    ]


def test_a_changed_line_is_audited_with_before_and_after(reference_data):
    from audit.models import AuditEvent

    dcs_import(user=None, data=f"council,name,starts_on\n{LEEDS},Jo Ng,2016-01-01\n".encode())
    result = dcs_import(
        user=None,
        data=f"council,name,starts_on,ends_on\n{LEEDS},Jo Ng,2016-01-01,2018-02-03\n".encode(),
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    event = AuditEvent.objects.filter(action="dcs_tenure.import").order_by("-pk").first()
    assert event.before["ends_on"] is None and event.after["ends_on"] == "2018-02-03"
    assert event.object_id == str(DcsTenure.objects.get().pk)


# --- Big files: the worker ------------------------------------------------------------------


def _dcs_file(rows: int, council: str = LEEDS) -> str:
    import datetime

    day = datetime.date(1950, 1, 1)
    lines = ["council,name,starts_on,ends_on"]
    for i in range(rows):
        lines.append(
            f"{council},Director {i},{day + datetime.timedelta(days=i * 10)},"
            f"{day + datetime.timedelta(days=i * 10 + 10)}"
        )
    return "\n".join(lines) + "\n"


def test_a_big_upload_is_queued_and_its_run_ends_succeeded(
    client_for, national_adviser, settings, django_capture_on_commit_callbacks
):
    settings.FACT_IMPORT_WORKER_ROWS = 5
    client = client_for(national_adviser)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            "/early-support/dcs/import/",
            {"file": SimpleUploadedFile("big.csv", _dcs_file(8).encode(), "text/csv")},
        )
    assert response.status_code == 302 and len(queued) == 1
    run = FactImportRun.objects.get()
    assert response["Location"] == f"/early-support/imports/{run.pk}/"
    assert run.status == FactImportStatus.PENDING and DcsTenure.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "The file is waiting to be imported" in page

    facts.fact_import_run_execute(run_id=run.pk)  # what the worker does
    run.refresh_from_db()
    assert run.status == FactImportStatus.SUCCEEDED
    assert (run.lines, run.created, run.updated, run.unchanged) == (8, 8, 0, 0)
    assert DcsTenure.objects.count() == 8
    status = client.get(f"/early-support/imports/{run.pk}/status/").json()
    assert status["finished"] and status["progress"] == 100
    assert "The file was imported" in client.get(response["Location"]).content.decode()


def test_a_big_bad_upload_ends_failed_with_every_problem(
    client_for, national_adviser, settings, django_capture_on_commit_callbacks
):
    settings.FACT_IMPORT_WORKER_ROWS = 5
    client = client_for(national_adviser)
    text = _dcs_file(8) + f"\n{LEEDS},{'N' * 201},2030-01-01,\n"
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            "/early-support/dcs/import/",
            {"file": SimpleUploadedFile("big.csv", text.encode(), "text/csv")},
        )
    run = FactImportRun.objects.get()
    facts.fact_import_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == FactImportStatus.FAILED
    assert run.errors == ["Line 11, column name: must be 200 characters or fewer (it has 201)"]
    assert DcsTenure.objects.count() == 0
    page = client.get(f"/early-support/imports/{run.pk}/").content.decode()
    assert "Line 11, column name" in page and "Nothing from this file was saved" in page


def test_a_run_whose_file_has_gone_ends_failed(national_adviser):
    run = FactImportRun.objects.create(kind="dcs_tenure", filename="gone.csv", upload="nope.csv")
    facts.fact_import_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == FactImportStatus.FAILED and "has gone" in run.errors[0]


@pytest.mark.parametrize("who", ["officer", "regional_lead"])
def test_a_run_is_seen_only_by_those_who_import(request, client_for, national_adviser, who):
    run = FactImportRun.objects.create(
        kind="dcs_tenure", filename="x.csv", started_by=national_adviser
    )
    assert client_for(national_adviser).get(f"/early-support/imports/{run.pk}/").status_code == 200
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/early-support/imports/{run.pk}/").status_code == 404
    assert client.get(f"/early-support/imports/{run.pk}/status/").status_code == 404


def test_an_import_audits_each_row_in_the_words_of_the_model(reference_data):
    from audit.models import AuditEvent

    interventions_import(
        user=None, data=f"council,kind,starts_on\n{LEEDS},improvement_notice,2021-04-01\n".encode()
    )
    dcs_import(user=None, data=f"council,name,starts_on\n{LEEDS},Jo Ng,2016-01-01\n".encode())
    for model, action in ((Intervention, "intervention.import"), (DcsTenure, "dcs_tenure.import")):
        obj = model.objects.get()
        event = AuditEvent.objects.get(action=action)
        assert event.summary == f"Imported {obj}"
        assert (event.object_type, event.object_id) == (model._meta.label_lower, str(obj.pk))
