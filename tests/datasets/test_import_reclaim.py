"""An import whose worker or command died is failed, never left "importing" for ever: the run
is touched by a heartbeat while it works, and runs whose heartbeat stopped are failed by beat
and when their page is looked at (as reports are)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from datasets import services
from datasets.imports import STOPPED_ERROR, import_ees_file
from datasets.models import ImportRun, ImportSpec, ImportStatus, Observation
from datasets.tasks import reclaim_stale_imports

from .test_views_imports import GOOD

pytestmark = pytest.mark.empty_data_set


def _run(status, *, age, beat_age=None) -> ImportRun:
    now = timezone.now()
    run = ImportRun.objects.create(filename="b1.csv", status=status)
    ImportRun.objects.filter(pk=run.pk).update(
        created_at=now - age,
        heartbeat_at=None if beat_age is None else now - beat_age,
    )
    return run


@pytest.mark.django_db
def test_beat_fails_running_imports_whose_heartbeat_stopped_and_only_those():
    minutes = timedelta(minutes=1)
    lost = _run(ImportStatus.RUNNING, age=10 * minutes, beat_age=5 * minutes)
    never_beat = _run(ImportStatus.RUNNING, age=10 * minutes)
    alive = _run(ImportStatus.RUNNING, age=10 * minutes, beat_age=timedelta(seconds=5))
    waiting = _run(ImportStatus.PENDING, age=10 * minutes)
    done = _run(ImportStatus.SUCCEEDED, age=10 * minutes, beat_age=9 * minutes)
    assert "datasets.tasks.reclaim_stale_imports" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert reclaim_stale_imports.run() == 2
    for run in (lost, never_beat):
        run.refresh_from_db()
        assert run.status == ImportStatus.FAILED and run.errors == [STOPPED_ERROR]
        assert run.finished_at is not None
    for run, status in (
        (alive, ImportStatus.RUNNING),
        (waiting, ImportStatus.PENDING),
        (done, ImportStatus.SUCCEEDED),
    ):
        run.refresh_from_db()
        assert run.status == status


@pytest.mark.django_db
def test_the_run_page_says_failed_once_the_worker_is_gone(client_for, cib_admin):
    run = _run(ImportStatus.RUNNING, age=timedelta(minutes=10), beat_age=timedelta(minutes=4))
    status = client_for(cib_admin).get(f"/data/imports/{run.pk}/status/").json()
    assert status["status"] == "failed" and status["finished"]
    page = client_for(cib_admin).get(f"/data/imports/{run.pk}/").content.decode()
    assert "Nothing was saved. Import the file again." in page


@pytest.fixture
def catalogue(reference_data):
    services.areas_sync()
    services.catalogue_sync()


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "b1.csv"
    path.write_bytes(GOOD)
    return path


@pytest.mark.django_db(transaction=True)
def test_a_running_import_writes_its_heartbeat(catalogue, tmp_path, settings):
    # The heartbeat thread has its own connection, so the run must be committed for it to see.
    settings.IMPORTS_HEARTBEAT_SECONDS = 0.05
    moments = []

    def slow_progress(percent: int) -> None:
        if not moments:
            moments.append(timezone.now())
            time.sleep(0.5)  # long enough for several beats

    run, _ = import_ees_file(
        _file(tmp_path), spec=ImportSpec.objects.get(name="cin-b1"), progress=slow_progress
    )
    assert run.status == ImportStatus.SUCCEEDED
    assert run.heartbeat_at > moments[0]


@pytest.mark.django_db
def test_an_import_stopped_by_hand_is_failed_and_saves_nothing(catalogue, tmp_path):
    def interrupt(percent: int) -> None:
        raise KeyboardInterrupt

    before = Observation.objects.count()
    with pytest.raises(KeyboardInterrupt):
        import_ees_file(
            _file(tmp_path), spec=ImportSpec.objects.get(name="cin-b1"), progress=interrupt
        )
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and run.errors == [STOPPED_ERROR]
    assert Observation.objects.count() == before
