"""What every background job in the portal shares: how it survives failures.

A job is acknowledged only when it has finished, is re-queued if its worker dies, and is
retried with backoff when the database or the file store was briefly unreachable. Anything
else is recorded on the row that tracks the job (by the task), never lost.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

# Failures worth another try: the database or the file store was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def reliable_task(func):
    """`shared_task` with the portal's delivery and retry policy (the task is bound)."""
    return shared_task(
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        autoretry_for=TRANSIENT_ERRORS,
        retry_backoff=True,
        retry_backoff_max=60,
        max_retries=5,
    )(func)
