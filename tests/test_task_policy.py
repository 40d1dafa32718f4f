"""The portal's task policy (`reliable_task`): what is retried, and what is recorded on the
job's row once a task has failed for good. Run through Celery's own eager `apply`, which
traces the task as a worker does (retries, `on_failure`), without a broker."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from cib_portal.tasks import ReliableTask, reliable_task
from regions.models import Council
from reports.models import ReportJob, ReportStatus
from reports.tasks import generate_report

attempts: list[int] = []
recorded: list[tuple[str, str, object]] = []


def _record(exc: BaseException, job: str, *, note: str = "") -> None:
    recorded.append((job, note, exc))


@reliable_task(record_failure=_record)
def flaky(self, job: str, *, note: str = "") -> str:
    attempts.append(self.request.retries)
    if job == "unreachable":
        raise OperationalError("could not connect to server")
    if job == "broken":
        raise ValueError("a bug")
    if job == "comes-back" and self.request.retries < 2:
        raise OperationalError("could not connect to server")
    return job


@reliable_task
def unrecorded(self) -> None:
    raise ValueError("nobody to tell")


@pytest.fixture(autouse=True)
def clean():
    attempts.clear()
    recorded.clear()


def test_a_transient_error_is_retried_up_to_max_retries_then_recorded_once():
    result = flaky.apply(args=["unreachable"], kwargs={"note": "n"})
    assert result.state == "FAILURE"
    assert attempts == [0, 1, 2, 3, 4, 5]  # the first try and max_retries (5) more
    assert [(job, note, type(exc)) for job, note, exc in recorded] == [
        ("unreachable", "n", OperationalError)
    ]


def test_a_transient_error_that_clears_is_not_recorded():
    assert flaky.apply(args=["comes-back"]).get() == "comes-back"
    assert attempts == [0, 1, 2]
    assert recorded == []


def test_an_unexpected_error_is_recorded_at_once_and_logged_with_its_traceback(caplog):
    with caplog.at_level(logging.ERROR):
        result = flaky.apply(args=["broken"])
    assert result.state == "FAILURE"
    assert attempts == [0]  # not retried
    assert [(job, str(exc)) for job, _, exc in recorded] == [("broken", "a bug")]
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)


def test_calling_the_function_directly_raises_and_records_nothing():
    # `task.run(...)` is the bare function (as tests call it): no retry, no on_failure.
    with pytest.raises(ValueError):
        flaky.run("broken")
    assert recorded == []


def test_a_task_without_record_failure_fails_as_before():
    assert isinstance(unrecorded, ReliableTask)
    assert unrecorded.apply().state == "FAILURE"
    assert recorded == []


def test_the_delivery_and_retry_policy_is_the_same_for_every_task():
    for task in (flaky, unrecorded, generate_report):
        assert (task.acks_late, task.reject_on_worker_lost, task.ignore_result) == (
            True,
            True,
            True,
        )
        assert (task.max_retries, task.retry_backoff, task.retry_backoff_max) == (5, True, 60)


@pytest.mark.django_db
def test_a_report_that_fails_unexpectedly_says_so_on_its_job(officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ReportJob.objects.create(
        kind="no_such_kind",
        requested_by=officer,
        subject_council=Council.objects.get(gss_code="E08000035"),
    )
    assert generate_report.apply(args=[str(job.pk)]).state == "FAILURE"
    job.refresh_from_db()
    assert job.status == ReportStatus.FAILED
    assert job.error == (
        "The report could not be made: No app registered the report kind 'no_such_kind'.. "
        "Try again, or tell the portal team if it fails again."
    )
