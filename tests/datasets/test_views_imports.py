"""Uploading EES files: national staff only; the task imports the uploaded file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from datasets import comparison, services
from datasets.models import ImportRun, ImportStatus, Observation
from datasets.tasks import import_run_task

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,region_code,region_name,"
    "old_la_code,new_la_code,la_name,At31_episodes,Started_episodes,awaiting_assessment"
)
GOOD = (HEADER + "\n2099,Reporting year,National,E92000001,,,,,,100,50,5\n").encode()
BAD = (HEADER + "\n2099,Reporting year,National,E92000001,,,,,,ten,50,five\n").encode()


# These tests build the data set they need from nothing.
pytestmark = pytest.mark.empty_data_set


@pytest.fixture
def catalogue(reference_data):
    services.areas_sync()
    services.catalogue_sync()


class _OnCommit:
    """The callbacks waiting for the test's transaction to commit (which it never does)."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.start = len(connection.run_on_commit)

    def __len__(self) -> int:
        # Not counted: the data version that cached comparisons are kept under, which every
        # change to figures, indicators or areas replaces at commit (comparison.data_changed).
        return sum(
            1
            for _, callback, _ in self.connection.run_on_commit[self.start :]
            if callback is not comparison.new_data_version
        )


@pytest.fixture
def queued(db):
    """What requests queued to run on commit: the import task is run directly in the tests
    below (and by a real worker in production), so nothing is sent to the broker here."""
    return _OnCommit()


def upload(client, content=GOOD, name="b1.csv", spec="detect"):
    return client.post(
        reverse("datasets:imports:upload"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "spec": spec},
    )


# --- Who may see the pages (in threes) -------------------------------------------------------


@pytest.mark.parametrize("name", ["datasets:imports:run_list", "datasets:imports:upload"])
def test_national_staff_see_the_import_pages(client_for, cib_admin, catalogue, name):
    response = client_for(cib_admin).get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["datasets:imports:run_list", "datasets:imports:upload"])
def test_council_officer_gets_404(client_for, officer, name):
    assert client_for(officer).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", ["datasets:imports:run_list", "datasets:imports:upload"])
def test_no_role_user_gets_404(client_for, no_role_user, name):
    assert client_for(no_role_user).get(reverse(name)).status_code == 404


def test_run_detail_and_status_for_staff_only(client_for, cib_admin, officer, no_role_user):
    run = ImportRun.objects.create(filename="x.csv")
    for name in ("datasets:imports:run_detail", "datasets:imports:run_status"):
        url = reverse(name, args=[run.pk])
        assert client_for(cib_admin).get(url).status_code == 200
        assert client_for(officer).get(url).status_code == 404
        assert client_for(no_role_user).get(url).status_code == 404


def test_council_officer_cannot_upload(client_for, officer, queued, catalogue):
    assert upload(client_for(officer)).status_code == 404
    assert not ImportRun.objects.exists() and not queued


# --- Uploading ----------------------------------------------------------------------------


def test_upload_saves_the_file_queues_the_task_after_commit_and_redirects(
    client_for, cib_admin, catalogue, queued
):
    response = upload(client_for(cib_admin))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("datasets:imports:run_detail", args=[run.pk])
    assert len(queued) == 1
    assert run.status == ImportStatus.PENDING and run.upload and run.started_by == cib_admin
    page = client_for(cib_admin).get(response.url)
    assert "waiting to be imported" in page.content.decode()
    status = client_for(cib_admin).get(reverse("datasets:imports:run_status", args=[run.pk])).json()
    assert status == {
        "status": "pending",
        "status_label": "Waiting",
        "progress": 0,
        "finished": False,
    }


def test_only_csv_files_are_accepted(client_for, cib_admin, catalogue, queued):
    response = upload(client_for(cib_admin), content=b"%PDF-1.4\x00\x01", name="report.pdf")
    assert response.status_code == 200
    assert "The selected file must be a CSV" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_oversized_file_is_refused(client_for, cib_admin, catalogue, queued, monkeypatch):
    from datasets.forms.imports import ImportUploadForm

    monkeypatch.setattr(ImportUploadForm.base_fields["file"], "max_bytes", 10)
    response = upload(client_for(cib_admin))
    assert "must be smaller than" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_task_imports_the_uploaded_file_and_the_page_shows_the_counts(
    client_for, cib_admin, catalogue, queued
):
    upload(client_for(cib_admin), spec="cin-b1")
    run = ImportRun.objects.get()
    import_run_task.run(run.pk)  # the task's function, without a broker
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED
    assert (run.created, run.updated, run.unchanged) == (3, 0, 0)
    assert run.spec.name == "cin-b1"
    assert Observation.objects.filter(period__label="2099", area__code="E92000001").count() == 3
    page = client_for(cib_admin).get(reverse("datasets:imports:run_detail", args=[run.pk]))
    assert "Figures created" in page.content.decode()
    listing = client_for(cib_admin).get(reverse("datasets:imports:run_list")).content.decode()
    assert "b1.csv" in listing


def test_task_records_every_problem_of_a_rejected_file(client_for, cib_admin, catalogue, queued):
    upload(client_for(cib_admin), content=BAD)
    run = ImportRun.objects.get()
    import_run_task.run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert any("Line 2, column At31_episodes" in e for e in run.errors)
    assert any("Line 2, column awaiting_assessment" in e for e in run.errors)
    assert not Observation.objects.filter(period__label="2099").exists()
    page = client_for(cib_admin).get(reverse("datasets:imports:run_detail", args=[run.pk]))
    text = page.content.decode()
    assert "The file was rejected: 2 problems" in text
    assert "Line 2, column awaiting_assessment" in text


def test_progress_of_a_running_import_is_read_from_the_cache(cib_admin, client_for):
    from datasets.models import ImportRun, ImportStatus

    run = ImportRun.objects.create(
        filename="big.csv", status=ImportStatus.RUNNING, started_by=cib_admin
    )
    client = client_for(cib_admin)
    assert client.get(f"/data/imports/{run.pk}/status/").json()["progress"] == 0
    services.import_progress_set(run_id=run.pk, percent=42)
    assert client.get(f"/data/imports/{run.pk}/status/").json()["progress"] == 42
    assert b'value="42"' in client.get(f"/data/imports/{run.pk}/").content


def test_page_names_the_line_and_column_of_a_figure_too_large_never_a_database_message(
    client_for, cib_admin, catalogue, queued
):
    content = (HEADER + "\n\n2099,Reporting year,National,E92000001,,,,,,1e20,50,5\n").encode()
    upload(client_for(cib_admin), content=content, spec="cin-b1")
    run = ImportRun.objects.get()
    import_run_task.run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    text = (
        client_for(cib_admin)
        .get(reverse("datasets:imports:run_detail", args=[run.pk]))
        .content.decode()
    )
    assert "Line 3, column At31_episodes: &#x27;1e20&#x27; is too large" in text
    assert "numeric" not in text and "COPY" not in text


def test_page_shows_a_readable_message_when_the_import_fails_unexpectedly(
    client_for, cib_admin, catalogue, queued
):
    from django.db import connection

    with connection.cursor() as cursor:  # a real failure inside PostgreSQL, rolled back after
        cursor.execute(
            "ALTER TABLE datasets_observation ADD CONSTRAINT test_below_1000 CHECK (value < 1000)"
        )
    content = (HEADER + "\n2099,Reporting year,National,E92000001,,,,,,5000,50,5\n").encode()
    upload(client_for(cib_admin), content=content, spec="cin-b1")
    run = ImportRun.objects.get()
    import_run_task.run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    text = (
        client_for(cib_admin)
        .get(reverse("datasets:imports:run_detail", args=[run.pk]))
        .content.decode()
    )
    assert "unexpected error" in text and "Nothing was saved" in text
    assert "test_below_1000" not in text and "violates" not in text


def test_page_says_an_identical_file_changed_nothing(client_for, cib_admin, catalogue, queued):
    for _ in range(2):
        upload(client_for(cib_admin), spec="cin-b1")
        import_run_task.run(ImportRun.objects.latest("created_at").pk)
    first, second = ImportRun.objects.order_by("created_at")
    assert second.status == ImportStatus.SUCCEEDED and second.same_as == first
    text = (
        client_for(cib_admin).get(reverse("datasets:imports:run_detail", args=[second.pk])).content
    )
    assert "identical to the file imported" in text.decode()
