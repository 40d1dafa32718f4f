"""An uploaded file imported by a real Celery worker against real Redis."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from datasets import services
from datasets.models import ImportRun, ImportStatus, Observation
from tests.reports.test_worker import Worker
from tests.reports.test_worker import media as media  # noqa: F401 - fixtures used below
from tests.reports.test_worker import queue as queue  # noqa: F401

from .test_views_imports import GOOD

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_an_uploaded_file_is_imported_by_a_real_worker(
    reference_data, cib_admin, client_for, queue, media
):  # noqa: F811
    services.areas_sync()
    services.catalogue_sync()
    worker = Worker(queue, media, "importer")
    try:
        response = client_for(cib_admin).post(
            "/data/imports/new/",
            {"file": SimpleUploadedFile("b1.csv", GOOD, content_type="text/csv"), "spec": "detect"},
        )
        run = ImportRun.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
        deadline = time.monotonic() + 60
        while run.status not in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            assert time.monotonic() < deadline, f"import stayed {run.status}"
            time.sleep(0.25)
            run.refresh_from_db()
    finally:
        worker.stop()
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert run.created > 0 and run.created == Observation.objects.filter(import_run=run).count()
    status = client_for(cib_admin).get(f"/data/imports/{run.pk}/status/").json()
    assert status["finished"] and status["progress"] == 100
