"""Reports through a real Celery worker against real Redis (marked `celery_worker`).

The worker is a separate process using the test database, so these tests commit their data
(transactional) and wait for the worker to finish. The fault tests start a redis-server of
their own on a free port (never the shared 6379/6380), kill it and the worker by PID, and
start them again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from datasets.models import ImportRun, ImportStatus
from datasets.services import import_run_start
from regions.models import Council, Region
from reports.models import ReportBatch, ReportJob, ReportStatus

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

    def kill_by_pid(self) -> None:
        """SIGKILL to the worker's own PID (with --pool=solo it is the process making the PDF)."""
        os.kill(self.process.pid, signal.SIGKILL)
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


class RedisServer:
    """A redis-server of the test's own on a free port, killed and started again by PID."""

    def __init__(self, folder: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        assert self.port not in (6379, 6380)
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["/usr/bin/redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=(self.folder / f"redis-{self.port}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL by PID: Redis is gone, as when its machine fails."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def queue_length(self, queue: str) -> int:
        return redis.Redis(port=self.port).llen(queue)


def _use_broker(app, url: str) -> None:
    """Point this process's Celery app at another broker (its connection pools are per URL).

    Celery's pools are kombu's process-wide ones, kept per URL: closing them without emptying
    kombu's registry left a closed pool there, and the next test to queue a task on that URL
    failed with "Acquire on closed pool". kombu.pools.reset closes them and forgets them."""
    from kombu import pools

    pools.reset()
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def own_redis(queue, tmp_path):
    """This test's own Redis as the broker of this process; pass its `url` to the worker."""
    from cib_portal.celery import app

    server = RedisServer(tmp_path)
    previous = app.conf.broker_url
    _use_broker(app, server.url)
    yield server
    server.kill()
    _use_broker(app, previous)


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


def test_a_report_that_fails_in_the_worker_is_recorded_once_with_its_traceback_logged(
    reference_data, officer, queue, media
):
    from reports.tasks import generate_report

    job = ReportJob.objects.create(
        kind="no_such_kind",
        requested_by=officer,
        subject_council=Council.objects.get(gss_code="E08000035"),
    )
    worker = Worker(queue, media, "worker")
    try:
        generate_report.delay(str(job.pk))
        job = wait_for(job, ReportStatus.FAILED, timeout=60)
        worker.wait_for_log("Traceback", timeout=10)
    finally:
        worker.stop()
    # Recorded by the policy's on_failure in the worker, at once: not retried.
    assert job.attempts == 1
    assert job.error == (
        "The report could not be made: No app registered the report kind 'no_such_kind'.. "
        "Try again, or tell the portal team if it fails again."
    )
    log = worker.log.read_text(errors="replace")
    assert f"Report {job.pk} failed" in log and "LookupError" in log


def test_a_worker_killed_mid_job_does_not_lose_it(reference_data, officer, queue, media):
    from regions.reports import report_request_council_profile

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


def test_a_report_asked_for_while_redis_is_down_fails_and_can_be_tried_again(
    reference_data, officer, client_for, queue, media, own_redis
):
    client = client_for(officer)
    own_redis.kill()
    response = client.post("/reports/council/E08000035/")
    # Not a 500 with the job stuck as queued: the job is failed with a reason and a retry.
    assert response.status_code == 302
    job = ReportJob.objects.get(pk=response["Location"].split("/")[2])
    assert job.status == ReportStatus.FAILED and "background service was unavailable" in job.error
    assert b"Try again" in client.get(response["Location"]).content
    status = client.get(f"/reports/{job.pk}/status/").json()
    assert (status["status"], status["retry_url"]) == ("failed", f"/reports/{job.pk}/retry/")
    # Trying again while Redis is still down says so again.
    assert client.post(status["retry_url"]).status_code == 302
    job.refresh_from_db()
    assert job.status == ReportStatus.FAILED and "unavailable" in job.error
    # An uploaded data file is not left "pending" for ever either.
    run = import_run_start(
        user=officer, upload=SimpleUploadedFile("figures.csv", b"a,b\n1,2\n"), spec_name=None
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and "Upload the file again" in run.errors[0]
    # Nor an interventions or DCS history file.
    from earlysupport.models import FactImportStatus
    from earlysupport.services.fact_imports import fact_import_run_start
    from earlysupport.services.facts import DCS_HISTORY

    fact_run = fact_import_run_start(
        DCS_HISTORY, user=officer, upload=SimpleUploadedFile("dcs.csv", b"a,b\n1,2\n")
    )
    fact_run.refresh_from_db()
    assert fact_run.status == FactImportStatus.FAILED
    assert "job queue was unavailable" in fact_run.errors[0]

    own_redis.start()
    worker = Worker(queue, media, "worker", CELERY_BROKER_URL=own_redis.url)
    try:
        assert client.post(status["retry_url"]).status_code == 302
        job = wait_for(job, ReportStatus.DONE, timeout=60)
    finally:
        worker.stop()
    assert job.attempts == 1 and job.file.read().startswith(b"%PDF")
    assert ImportRun.objects.filter(pk=run.pk, status=ImportStatus.FAILED).exists()


def test_a_report_whose_worker_is_killed_says_failed_try_again(
    reference_data, officer, client_for, queue, media, own_redis, settings
):
    settings.REPORTS_STALE_AFTER_SECONDS = 1.5
    client = client_for(officer)
    doomed = Worker(
        queue,
        media,
        "doomed",
        CELERY_BROKER_URL=own_redis.url,
        REPORTS_RENDER_DELAY_SECONDS="30",
        REPORTS_HEARTBEAT_SECONDS="0.25",
    )
    try:
        job_url = client.post("/reports/council/E08000035/")["Location"]
        job = wait_for(ReportJob.objects.get(), ReportStatus.RUNNING, timeout=30)
        # While its worker lives, the heartbeat keeps the job running past the stale limit.
        time.sleep(2)
        assert client.get(f"/reports/{job.pk}/status/").json()["status"] == "running"
        doomed.kill_by_pid()
    finally:
        doomed.stop()
    time.sleep(2)
    # Not "5% done" until the broker's visibility timeout: failed, with a retry.
    status = client.get(f"/reports/{job.pk}/status/").json()
    assert (status["status"], status["progress"]) == ("failed", 5)
    assert status["retry_url"] == f"/reports/{job.pk}/retry/"
    assert "stopped before it was finished" in status["error"]
    page = client.get(job_url).content.decode()
    assert "Your report could not be made." in page and "Try again" in page

    rescuer = Worker(queue, media, "rescuer", CELERY_BROKER_URL=own_redis.url)
    try:
        assert client.post(status["retry_url"]).status_code == 302
        job = wait_for(job, ReportStatus.DONE, timeout=60)
    finally:
        rescuer.stop()
    assert job.attempts == 2 and job.file.read().startswith(b"%PDF")


@pytest.mark.django_db
def test_a_batch_asked_for_while_redis_is_down_fails_at_once_and_is_tried_again(
    national_adviser, client_for, queue, media, own_redis, django_capture_on_commit_callbacks
):
    client = client_for(national_adviser)
    own_redis.kill()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/batches/new/",
            {"region": Region.objects.get(gss_code="E12000003").pk, "confirmed": "on"},
        )
    # One failed attempt to reach the broker, not one per council.
    assert time.monotonic() - started < 5
    assert response.status_code == 302
    batch = ReportBatch.objects.get()
    assert batch.jobs.filter(status=ReportStatus.FAILED).count() == 15
    page = client.get(response["Location"]).content.decode()
    assert "0 of 15 ready, 15 failed." in page and "Try the 15 failed profiles again" in page

    own_redis.start()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/batches/{batch.pk}/retry/")
    assert batch.jobs.filter(status=ReportStatus.QUEUED).count() == 15
    assert own_redis.queue_length(queue) == 15
