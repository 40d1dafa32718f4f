"""CSV imports of interventions and DCS history: the upload pages and the commands share
`earlysupport.services.fact_imports`. Every problem is reported by line and column; nothing is
saved if any line is wrong; importing the same file again changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from earlysupport.imports import FactImportError
from earlysupport.models import DcsTenure, Intervention
from earlysupport.services.fact_imports import dcs_import, interventions_import
from regions.models import Council
from tests.conftest import BRADFORD, LEEDS, MANCHESTER

pytestmark = pytest.mark.django_db

D = datetime.date

GOOD_INTERVENTIONS = (
    "council,kind,starts_on,ends_on,notes\n"
    f"{LEEDS},improvement_notice,2021-04-01,2022-03-31,After inspection\n"
    "380,statutory_direction,15/06/2019,,Bradford direction\n"  # Bradford's DfE LA number
    f"{MANCHESTER},improvement_notice,2020-01-01,,\n"
)


def _errors(call, text: str) -> list[str]:
    with pytest.raises(FactImportError) as info:
        call(user=None, data=text.encode())
    return info.value.errors


def _council(gss):
    return Council.objects.get(gss_code=gss)


# --- Interventions: the service -------------------------------------------------------------


def test_a_good_file_is_imported(reference_data):
    assert _council(BRADFORD).la_number == 380
    result = interventions_import(user=None, data=GOOD_INTERVENTIONS.encode())
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    bradford = Intervention.objects.get(council__gss_code=BRADFORD)
    assert (bradford.kind, bradford.starts_on, bradford.ends_on, bradford.notes) == (
        "statutory_direction",
        D(2019, 6, 15),
        None,
        "Bradford direction",
    )
    assert AuditEvent.objects.filter(action="intervention.import").count() == 3


def test_reimporting_the_same_file_changes_nothing(reference_data):
    interventions_import(user=None, data=GOOD_INTERVENTIONS.encode())
    before = list(Intervention.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    result = interventions_import(user=None, data=GOOD_INTERVENTIONS.encode())
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Intervention.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_changed_line_updates_the_record(reference_data):
    interventions_import(user=None, data=GOOD_INTERVENTIONS.encode())
    changed = GOOD_INTERVENTIONS.replace("2020-01-01,,", "2020-01-01,2023-01-31,Lifted")
    result = interventions_import(user=None, data=changed.encode())
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    manchester = Intervention.objects.get(council__gss_code=MANCHESTER)
    assert manchester.ends_on == D(2023, 1, 31) and manchester.notes == "Lifted"
    assert Intervention.objects.count() == 3


def test_bom_and_column_order_do_not_matter(reference_data):
    text = "\ufeffNotes,Starts_On,Kind,Council\nhello,01/02/2020,improvement_notice,383\n"
    result = interventions_import(user=None, data=text.encode("utf-8"))
    assert result.created == 1
    made = Intervention.objects.get()
    assert made.council.gss_code == LEEDS and made.starts_on == D(2020, 2, 1)
    assert made.notes == "hello"


def test_each_kind_of_bad_line_is_reported_with_line_and_column(reference_data):
    text = (
        "council,kind,starts_on,ends_on,notes\n"
        f"{LEEDS},improvement_notice,2021-04-01,,fine\n"  # line 2
        "E99999999,improvement_notice,2021-04-01,,\n"  # line 3
        f"{LEEDS},improvement_notice,31/02/2021,,\n"  # line 4
        f"{LEEDS},warning_letter,2021-04-01,,\n"  # line 5
        f"{BRADFORD},statutory_direction,2021-04-01,2020-01-01,\n"  # line 6
        f"{LEEDS},improvement_notice,01/04/2021,,again\n"  # line 7: the same as line 2
        ",improvement_notice,,,\n"  # line 8
        f"{LEEDS},statutory_direction,2021-04-01,soon,\n"  # line 9
    )
    assert _errors(interventions_import, text) == [
        "Line 3, column council: “E99999999” is not a council’s GSS code or DfE LA number",
        "Line 4, column starts_on: “31/02/2021” is not a date",
        "Line 5, column kind: “warning_letter” is not a kind of intervention "
        "(improvement_notice or statutory_direction)",
        "Line 6, column ends_on: “2020-01-01” is before the start date “2021-04-01”",
        "Line 7: the same council, kind and starts_on as line 2",
        "Line 8, column council: enter a GSS code or DfE LA number",
        "Line 8, column starts_on: enter a start date",
        "Line 9, column ends_on: “soon” is not a date",
    ]
    # All or nothing: the good line 2 was not saved either.
    assert Intervention.objects.count() == 0
    assert not AuditEvent.objects.filter(action="intervention.import").exists()


def test_a_bad_file_leaves_earlier_records_untouched(reference_data):
    interventions_import(user=None, data=GOOD_INTERVENTIONS.encode())
    before = list(Intervention.objects.order_by("pk").values())
    bad = GOOD_INTERVENTIONS.replace("2020-01-01,,", "2020-01-01,,Changed") + "nowhere,kind,x,,\n"
    with pytest.raises(FactImportError):
        interventions_import(user=None, data=bad.encode())
    assert list(Intervention.objects.order_by("pk").values()) == before


def test_the_header_is_required(reference_data):
    text = f"{LEEDS},improvement_notice,2021-04-01,,\n"
    assert _errors(interventions_import, text) == [
        "Line 1: the first line must be a header naming the columns council, kind, starts_on, "
        "ends_on, notes (missing: council, kind, starts_on)"
    ]
    assert _errors(interventions_import, "") == ["The file is empty"]
    assert _errors(interventions_import, "council,kind,starts_on,colour\n") == [
        "Line 1: unknown column colour"
    ]


def test_a_file_that_is_not_utf8_is_refused(reference_data):
    with pytest.raises(FactImportError) as info:
        interventions_import(user=None, data="council,kind\nStoke\xe9".encode("latin-1"))
    assert info.value.errors == ["The file must be a UTF-8 CSV"]


# --- DCS history: the service -----------------------------------------------------------------

GOOD_DCS = (
    "council,name,starts_on,ends_on,interim\n"
    f"{LEEDS},Sal Tariq,2015-01-01,2019-12-31,no\n"
    f"{LEEDS},Jo Ng,2019-12-31,2020-06-30,yes\n"  # a same-day handover is not an overlap
    f"{LEEDS},Ann Lee,2020-07-01,,\n"
    f"{MANCHESTER},Max Mole,01/09/2018,,NO\n"
)


def test_a_good_dcs_file_is_imported_and_reimport_changes_nothing(reference_data):
    result = dcs_import(user=None, data=GOOD_DCS.encode())
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    jo = DcsTenure.objects.get(name="Jo Ng")
    assert jo.interim and jo.ends_on == D(2020, 6, 30)
    assert not DcsTenure.objects.get(name="Ann Lee").interim
    before = list(DcsTenure.objects.order_by("pk").values())
    result = dcs_import(user=None, data=GOOD_DCS.encode())
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert list(DcsTenure.objects.order_by("pk").values()) == before


def test_dcs_bad_lines_are_reported(reference_data):
    text = (
        "interim,starts_on,name,council\n"
        f"maybe,2015-01-01,Sal Tariq,{LEEDS}\n"  # line 2
        f"no,2015-01-01,,{LEEDS}\n"  # line 3
        f"no,2015-13-01,Jo Ng,{LEEDS}\n"  # line 4
        "no,2015-01-01,Jo Ng,Narnia\n"  # line 5
    )
    assert _errors(dcs_import, text) == [
        "Line 2, column interim: “maybe” is not yes or no",
        "Line 3, column name: enter the director’s name",
        "Line 4, column starts_on: “2015-13-01” is not a date",
        "Line 5, column council: “Narnia” is not a council’s GSS code or DfE LA number",
    ]
    assert DcsTenure.objects.count() == 0


def test_overlaps_within_the_file_name_both_lines(reference_data):
    text = (
        "council,name,starts_on,ends_on\n"
        f"{LEEDS},Sal Tariq,2015-01-01,2019-12-31\n"  # line 2
        f"{BRADFORD},Bea Bold,2016-01-01,\n"  # line 3
        f"{LEEDS},Jo Ng,2019-06-01,\n"  # line 4
        f"{LEEDS},Sal Tariq,2015-01-01,2016-01-01\n"  # line 5: the same start as line 2
    )
    assert _errors(dcs_import, text) == [
        "Line 4: the tenure of Jo Ng (from 1 June 2019) overlaps line 2 "
        "(Sal Tariq, from 1 January 2015 to 31 December 2019)",
        "Line 5: the same council and starts_on as line 2",
    ]
    assert DcsTenure.objects.count() == 0


def test_overlaps_with_recorded_tenures_are_refused(reference_data):
    DcsTenure.objects.create(
        council=_council(LEEDS), name="Old Hand", starts_on=D(2010, 1, 1), ends_on=D(2016, 3, 31)
    )
    text = f"council,name,starts_on\n{LEEDS},Jo Ng,2016-01-01\n"
    assert _errors(dcs_import, text) == [
        "Line 2: the tenure of Jo Ng (from 1 January 2016) overlaps the recorded tenure of "
        "Old Hand (from 1 January 2010 to 31 March 2016)"
    ]
    # A line replacing the recorded tenure (same council and start) may move its end.
    text = (
        "council,name,starts_on,ends_on\n"
        f"{LEEDS},Old Hand,2010-01-01,2015-12-31\n"
        f"{LEEDS},Jo Ng,2016-01-01,\n"
    )
    result = dcs_import(user=None, data=text.encode())
    assert (result.created, result.updated) == (1, 1)
    assert DcsTenure.objects.get(name="Old Hand").ends_on == D(2015, 12, 31)


# --- The upload pages -----------------------------------------------------------------------


def _upload(client, path, text, name="facts.csv"):
    return client.post(path, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_the_intervention_upload_page_imports_a_good_file(client_for, national_adviser):
    response = _upload(
        client_for(national_adviser), "/early-support/interventions/import/", GOOD_INTERVENTIONS
    )
    assert response.status_code == 302
    assert Intervention.objects.count() == 3
    assert AuditEvent.objects.filter(action="intervention.import").first().actor == (
        national_adviser
    )


def test_the_upload_page_lists_every_problem(client_for, cib_admin, reference_data):
    bad = GOOD_INTERVENTIONS + f"{LEEDS},improvement_notice,31/02/2021,,\n"
    response = _upload(client_for(cib_admin), "/early-support/interventions/import/", bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Line 5, column starts_on: “31/02/2021” is not a date" in page
    assert Intervention.objects.count() == 0


def test_the_upload_page_wants_a_csv(client_for, cib_admin, reference_data):
    client = client_for(cib_admin)
    response = client.post("/early-support/dcs/import/", {})
    assert response.context["form"].errors["file"] == ["Select a CSV file"]
    response = _upload(client, "/early-support/dcs/import/", GOOD_DCS, name="facts.txt")
    assert response.context["form"].errors["file"] == ["The selected file must be a CSV"]
    assert DcsTenure.objects.count() == 0


def test_the_dcs_upload_page_imports_and_reports(client_for, national_adviser, reference_data):
    client = client_for(national_adviser)
    assert _upload(client, "/early-support/dcs/import/", GOOD_DCS).status_code == 302
    assert DcsTenure.objects.count() == 4
    bad = f"council,name,starts_on\n{LEEDS},Late Comer,2021-01-01\n"
    response = _upload(client, "/early-support/dcs/import/", bad)
    assert "overlaps the recorded tenure of Ann Lee (from 1 July 2020)" in (
        response.content.decode()
    )
    assert DcsTenure.objects.count() == 4


@pytest.mark.parametrize("who", ["regional_lead", "dcs", "officer"])
def test_only_national_staff_may_upload(request, client_for, who, reference_data):
    client = client_for(request.getfixturevalue(who))
    for path, text in [
        ("/early-support/interventions/import/", GOOD_INTERVENTIONS),
        ("/early-support/dcs/import/", GOOD_DCS),
    ]:
        assert _upload(client, path, text).status_code == 403
    assert Intervention.objects.count() == 0 and DcsTenure.objects.count() == 0


# --- The commands ---------------------------------------------------------------------------


def test_the_intervention_command(tmp_path, reference_data):
    good = tmp_path / "interventions.csv"
    good.write_text(GOOD_INTERVENTIONS, encoding="utf-8-sig")
    call_command("import_interventions", str(good))
    assert Intervention.objects.count() == 3
    call_command("import_interventions", str(good))
    assert Intervention.objects.count() == 3

    bad = tmp_path / "bad.csv"
    bad.write_text("council,kind,starts_on\nE99999999,improvement_notice,2021-01-01\n")
    with pytest.raises(CommandError) as info:
        call_command("import_interventions", str(bad))
    assert "nothing was saved" in str(info.value)
    assert "Line 2, column council: “E99999999”" in str(info.value)
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_interventions", str(tmp_path / "missing.csv"))


def test_the_dcs_command(tmp_path, reference_data):
    good = tmp_path / "dcs.csv"
    good.write_text(GOOD_DCS)
    call_command("import_dcs_history", str(good))
    assert DcsTenure.objects.count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD_DCS + f"{MANCHESTER},Second,2019-01-01,,\n")
    with pytest.raises(CommandError) as info:
        call_command("import_dcs_history", str(bad))
    assert "Line 6: the tenure of Second (from 1 January 2019) overlaps" in str(info.value)
    assert DcsTenure.objects.count() == 4
