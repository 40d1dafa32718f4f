"""Report jobs: asking, making the PDF, failures, and retries (without a worker)."""

import io

import pytest
from pypdf import PdfReader

from regions.models import Council
from reports import services
from reports.models import ReportJob, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_asking_for_a_council_pdf_creates_a_job_and_queues_it_on_commit(
    officer, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(officer).post("/reports/council/E08000035/")
    job = ReportJob.objects.get()
    assert response["Location"] == f"/reports/{job.pk}/"
    assert (job.requested_by, job.subject_council.gss_code, job.status) == (
        officer,
        "E08000035",
        ReportStatus.QUEUED,
    )
    # One task is queued, and only once the job row is committed.
    assert len(callbacks) == 1


def test_the_council_pdf_has_the_councils_figures(officer):
    leeds = Council.objects.get(gss_code="E08000035")
    job = ReportJob.objects.create(
        kind="council_profile", requested_by=officer, subject_council=leeds
    )
    services.report_render(job_id=str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (ReportStatus.DONE, 100, 1)
    data = job.file.read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Leeds" in text and "E08000035" in text and "383" in text
    for link in leeds.neighbour_links.select_related("neighbour"):
        assert link.neighbour.name in text
    assert "Open Government Licence v3.0" in text


def test_rendering_a_finished_job_again_does_nothing(officer):
    job = ReportJob.objects.create(
        kind="council_profile",
        requested_by=officer,
        subject_council=Council.objects.get(gss_code="E08000035"),
    )
    services.report_render(job_id=str(job.pk))
    first = ReportJob.objects.get(pk=job.pk).file.name
    services.report_render(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.file.name == first and job.attempts == 1


def test_a_failure_is_recorded_on_the_job_and_can_be_retried(
    officer, client_for, django_capture_on_commit_callbacks
):
    job = ReportJob.objects.create(
        kind="council_profile",
        requested_by=officer,
        subject_council=Council.objects.get(gss_code="E08000035"),
    )
    services.report_fail(job_id=str(job.pk), error="The report could not be made: disk full.")
    client = client_for(officer)
    page = client.get(f"/reports/{job.pk}/")
    assert b"disk full" in page.content and b"Try again" in page.content
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"/reports/{job.pk}/retry/")
    job.refresh_from_db()
    assert (job.status, job.error) == (ReportStatus.QUEUED, "")
    assert len(callbacks) == 1


def test_only_a_failed_job_can_be_retried(officer):
    job = ReportJob.objects.create(
        kind="council_profile",
        requested_by=officer,
        subject_council=Council.objects.get(gss_code="E08000035"),
    )
    with pytest.raises(services.ReportError):
        services.report_retry(job=job)


def test_the_status_endpoint_reports_progress_and_the_download(officer, client_for):
    job = ReportJob.objects.create(
        kind="council_profile",
        requested_by=officer,
        subject_council=Council.objects.get(gss_code="E08000035"),
    )
    client = client_for(officer)
    assert client.get(f"/reports/{job.pk}/status/").json() == {
        "status": "queued",
        "status_label": "Queued",
        "progress": 0,
        "error": "",
        "download_url": None,
        "retry_url": None,
    }
    services.report_render(job_id=str(job.pk))
    body = client.get(f"/reports/{job.pk}/status/").json()
    assert body["status"] == "done" and body["download_url"] == f"/reports/{job.pk}/download/"


def test_the_reports_list_shows_only_my_reports(officer, dcs, client_for):
    leeds = Council.objects.get(gss_code="E08000035")
    ReportJob.objects.create(kind="council_profile", requested_by=officer, subject_council=leeds)
    ReportJob.objects.create(
        kind="council_profile",
        requested_by=dcs,
        subject_council=Council.objects.get(gss_code="E08000032"),
    )
    html = client_for(officer).get("/reports/").content.decode()
    assert "Leeds" in html and "Bradford" not in html


def test_reports_whose_worker_stopped_are_failed_by_beat_and_live_ones_are_left(officer, settings):
    from datetime import timedelta

    from django.utils import timezone

    from reports.tasks import reclaim_stale_reports

    leeds = Council.objects.get(gss_code="E08000035")
    now = timezone.now()
    lost, old_row, alive, queued = (
        ReportJob.objects.create(
            kind="council_profile",
            requested_by=officer,
            subject_council=leeds,
            status=status,
            progress=5,
            started_at=started,
            heartbeat_at=beat,
        )
        for status, started, beat in [
            (ReportStatus.RUNNING, now - timedelta(minutes=10), now - timedelta(minutes=5)),
            (ReportStatus.RUNNING, now - timedelta(minutes=10), None),  # from before heartbeats
            (ReportStatus.RUNNING, now - timedelta(minutes=10), now - timedelta(seconds=5)),
            (ReportStatus.QUEUED, None, None),
        ]
    )
    assert "reports.tasks.reclaim_stale_reports" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert reclaim_stale_reports.run() == 2
    for job in (lost, old_row):
        job.refresh_from_db()
        assert job.status == ReportStatus.FAILED and "stopped before it was finished" in job.error
    for job, status in ((alive, ReportStatus.RUNNING), (queued, ReportStatus.QUEUED)):
        job.refresh_from_db()
        assert job.status == status
