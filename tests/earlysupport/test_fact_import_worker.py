"""A big DCS history upload imported by a real Celery worker against real Redis."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from earlysupport.models import DcsTenure, FactImportRun, FactImportStatus
from tests.reports.test_worker import Worker
from tests.reports.test_worker import media as media  # noqa: F401 - fixtures used below
from tests.reports.test_worker import queue as queue  # noqa: F401

from .test_fact_import_limits import _dcs_file

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_big_dcs_upload_is_imported_by_a_real_worker(
    reference_data, national_adviser, client_for, queue, media, settings
):  # noqa: F811
    settings.FACT_IMPORT_WORKER_ROWS = 50
    worker = Worker(queue, media, "facts", FACT_IMPORT_WORKER_ROWS="50")
    try:
        response = client_for(national_adviser).post(
            "/early-support/dcs/import/",
            {"file": SimpleUploadedFile("dcs.csv", _dcs_file(200).encode(), "text/csv")},
        )
        run = FactImportRun.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
        deadline = time.monotonic() + 60
        while run.status not in (FactImportStatus.SUCCEEDED, FactImportStatus.FAILED):
            assert time.monotonic() < deadline, f"import stayed {run.status}"
            time.sleep(0.25)
            run.refresh_from_db()
    finally:
        worker.stop()
    assert run.status == FactImportStatus.SUCCEEDED, run.errors
    assert run.created == 200 == DcsTenure.objects.count()
    status = client_for(national_adviser).get(f"/early-support/imports/{run.pk}/status/").json()
    assert status["finished"] and status["progress"] == 100
