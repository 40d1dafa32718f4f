"""What every background job in the portal shares: how it survives failures.

A job is acknowledged only when it has finished, is re-queued if its worker dies, and is
retried with backoff when the database or the file store was briefly unreachable. A job that
fails for good (its last retry, or any other error) is recorded on the row that tracks it, by
the task's `record_failure`, never lost. Nobody reads Celery's own result (the row says how
the job went), so tasks store none: a web process that asked for results would also hold a
result-store connection that fails once Redis has gone.

Queueing happens when the row that tracks the job is committed (`queue_on_commit`); when the
broker cannot take the task, the row is told so (failed, with a retry) instead of the request
failing after the row was saved. While a job runs, `heartbeat` touches its row, so a job whose
worker died can be told from one still working.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Failures worth another try: the database or the file store was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

# What sending a task raises when the broker (Redis) is down or unreachable.
BROKER_ERRORS = (BrokerOperationalError, RedisError, ConnectionError, TimeoutError)


class ReliableTask(Task):
    """The base of every portal task: a failure for good is handed to `record_failure`.

    Celery calls `on_failure` once, when the task has failed for good: after the last retry of
    a transient error (with that error), or at once on any other exception (which Celery also
    logs with its traceback). Not on a retry, and not when the task's function is called
    directly (`task.run(...)`): that is the bare function."""

    record_failure: Callable[..., object] | None = None

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if self.record_failure is None:
            return
        try:
            self.record_failure(exc, *args, **kwargs)
        except Exception:  # the row could not be told; Celery still logs the first error
            logger.exception("Could not record the failure of %s[%s]", self.name, task_id)


def reliable_task(
    func: Callable | None = None, *, record_failure: Callable[..., object] | None = None
):
    """`shared_task` with the portal's delivery and retry policy (the task is bound).

    `record_failure(exc, *args, **kwargs)`, called with the task's own arguments, records on
    the job's row that the task failed for good with `exc` (a TRANSIENT_ERRORS one once the
    retries are spent). An error the task's service has already recorded is for the task to
    catch, so it is not recorded again. Use as `@reliable_task` or
    `@reliable_task(record_failure=...)`."""

    def decorate(func: Callable):
        return shared_task(
            base=ReliableTask,
            bind=True,
            acks_late=True,
            reject_on_worker_lost=True,
            ignore_result=True,
            autoretry_for=TRANSIENT_ERRORS,
            retry_backoff=True,
            retry_backoff_max=60,
            max_retries=5,
            record_failure=staticmethod(record_failure) if record_failure else None,
        )(func)

    return decorate(func) if func is not None else decorate


def queue_on_commit(
    task: Any,
    calls: Sequence[tuple],
    *,
    on_unavailable: Callable[[Sequence[tuple], Exception], object],
) -> None:
    """Send `task(*args)` for each args in `calls` once the current transaction commits.

    If the broker cannot be reached, the calls not sent are handed to `on_unavailable` (which
    records it on the rows that track them, so the person can try again) and it is logged;
    the rest are not tried, so a batch does not wait on a dead broker once per job."""
    calls = list(calls)

    def send() -> None:
        for index, args in enumerate(calls):
            try:
                task.apply_async(args)
            except BROKER_ERRORS as exc:
                unsent = calls[index:]
                logger.warning(
                    "Could not queue %s for %d job(s) (%s: %s); recorded on the job(s)",
                    task.name,
                    len(unsent),
                    exc.__class__.__name__,
                    exc,
                )
                on_unavailable(unsent, exc)
                return

    transaction.on_commit(send)


@contextmanager
def heartbeat(beat: Callable[[], None], *, every: float) -> Iterator[None]:
    """Call `beat()` every `every` seconds from a thread while the block runs.

    A row whose worker was killed stops being touched; `beat` writes the time on it. The
    thread has its own database connection and closes it when the block ends."""
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(every):
                try:
                    beat()
                except Exception:  # a missed beat is not worth failing the job for
                    logger.warning("A job heartbeat failed", exc_info=True)
                    connection.close()  # the next beat connects again
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=max(every, 1) + 5)


def row_heartbeat(row: QuerySet, *, running: str, every: float) -> AbstractContextManager[None]:
    """`heartbeat` for the row that tracks a job (a queryset of that one row): the time is
    written on it every `every` seconds while it says it is `running` (see fail_stale)."""
    return heartbeat(
        lambda: row.filter(status=running).update(heartbeat_at=timezone.now()), every=every
    )


def fail_stale(
    rows: QuerySet,
    *,
    running: str,
    since_field: str,
    stale_after: float,
    **failed: Any,
) -> int:
    """Mark failed (with `failed`'s fields and the time it finished) the rows of `rows` that
    say they are `running` but whose heartbeat (or, before the first beat, `since_field`) is
    older than `stale_after` seconds: their worker or command died. Returns how many."""
    now = timezone.now()
    limit = now - timedelta(seconds=stale_after)
    return (
        rows.filter(status=running)
        .filter(
            Q(heartbeat_at__lt=limit)
            | Q(heartbeat_at__isnull=True, **{f"{since_field}__lt": limit})
        )
        .update(finished_at=now, **failed)
    )
