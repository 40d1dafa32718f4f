"""An interventions or DCS history import whose worker died is failed, not left "importing"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from earlysupport.models import FactImportRun, FactImportStatus
from earlysupport.services.fact_imports import FACT_IMPORT_STOPPED_ERROR
from earlysupport.tasks import reclaim_stale_fact_imports

pytestmark = pytest.mark.django_db


def _run(status, *, beat_age=None) -> FactImportRun:
    now = timezone.now()
    run = FactImportRun.objects.create(kind="dcs_tenure", filename="dcs.csv", status=status)
    FactImportRun.objects.filter(pk=run.pk).update(
        created_at=now - timedelta(minutes=10),
        heartbeat_at=None if beat_age is None else now - beat_age,
    )
    return run


def test_beat_fails_fact_imports_whose_heartbeat_stopped():
    lost = _run(FactImportStatus.RUNNING, beat_age=timedelta(minutes=5))
    never_beat = _run(FactImportStatus.RUNNING)
    alive = _run(FactImportStatus.RUNNING, beat_age=timedelta(seconds=5))
    waiting = _run(FactImportStatus.PENDING)
    assert "earlysupport.tasks.reclaim_stale_fact_imports" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert reclaim_stale_fact_imports.run() == 2
    for run in (lost, never_beat):
        run.refresh_from_db()
        assert run.status == FactImportStatus.FAILED
        assert run.errors == [FACT_IMPORT_STOPPED_ERROR] and run.finished_at
    for run, status in ((alive, FactImportStatus.RUNNING), (waiting, FactImportStatus.PENDING)):
        run.refresh_from_db()
        assert run.status == status


def test_the_run_page_says_failed_once_the_worker_is_gone(client_for, national_adviser):
    run = _run(FactImportStatus.RUNNING, beat_age=timedelta(minutes=4))
    status = client_for(national_adviser).get(f"/early-support/imports/{run.pk}/status/").json()
    assert status["status"] == "failed" and status["finished"]
    page = client_for(national_adviser).get(f"/early-support/imports/{run.pk}/").content.decode()
    assert "Upload the file again." in page
