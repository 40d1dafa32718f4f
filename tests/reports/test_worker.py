"""Reports through a real Celery worker against real Redis (marked `celery_worker`).

The worker is a separate process using the test database, so these tests commit their data
(transactional) and wait for the worker to finish.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from regions.models import Council
from reports.models import ReportJob, ReportStatus

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

CELERY = str(Path(sys.executable).with_name("celery"))


def _database_url() -> str:
    """The URL of the test database the worker must use."""
    s = connection.settings_dict
    socket_dir = s.get("OPTIONS", {}).get("host")
    if socket_dir:
        return f"postgres://{s['USER']}@/{s['NAME']}?host={quote(socket_dir)}"
    auth = s["USER"] + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A real `celery worker` process on its own queue."""

    def __init__(self, queue: str, media: Path, name: str, **env: str):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cib_portal.settings.test",
            "DATABASE_URL": _database_url(),
            "MEDIA_ROOT": str(media),
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            **env,
        }
        self.log = media / f"{name}.log"
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "cib_portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                queue,
                "-n",
                f"{name}-{queue}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_for_log("ready.", timeout=60)

    def wait_for_log(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"worker never logged {text!r}:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-task without acknowledging anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def queue(settings):
    """A queue of this test's own, so nothing else on the Redis server takes its tasks."""
    from cib_portal.celery import app

    name = f"test-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def wait_for(job: ReportJob, status: str, timeout: float) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        time.sleep(0.25)
    raise AssertionError(f"job stayed {job.status} ({job.progress}%): {job.error}")


def test_a_council_pdf_arrives_through_a_real_worker(
    reference_data, officer, client_for, queue, media
):
    worker = Worker(queue, media, "worker")
    try:
        client = client_for(officer)
        response = client.post("/reports/council/E08000035/")
        job = ReportJob.objects.get(pk=response["Location"].split("/")[2])
        job = wait_for(job, ReportStatus.DONE, timeout=60)
    finally:
        worker.stop()
    assert job.progress == 100 and job.attempts == 1
    download = client.get(f"/reports/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(f"/reports/{job.pk}/status/").json()["status"] == "done"


def test_a_worker_killed_mid_job_does_not_lose_it(reference_data, officer, queue, media):
    from reports.services import report_request_council_profile

    # The first worker takes the job, then sleeps before rendering; it is killed while asleep.
    first = Worker(queue, media, "doomed", REPORTS_RENDER_DELAY_SECONDS="30")
    try:
        job = report_request_council_profile(
            user=officer, council=Council.objects.get(gss_code="E08000035")
        )
        wait_for(job, ReportStatus.RUNNING, timeout=30)
        first.kill()
    finally:
        first.stop()
    job.refresh_from_db()
    assert job.status == ReportStatus.RUNNING and not job.file

    # A worker restores unacknowledged tasks older than the visibility timeout when it starts
    # polling (and every few minutes after): let the dead worker's task pass that age first.
    time.sleep(3)
    second = Worker(queue, media, "rescuer", CELERY_VISIBILITY_TIMEOUT="2")
    try:
        job = wait_for(job, ReportStatus.DONE, timeout=90)
    finally:
        second.stop()
    assert job.attempts == 2
    assert job.file.read().startswith(b"%PDF")
