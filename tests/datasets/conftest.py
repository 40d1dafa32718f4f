"""The common data set in the test database, loaded once per session (datasets_load is
idempotent; it needs the regions reference data that django_db_setup loads)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def data_set(django_db_setup, django_db_blocker):
    from datasets.services import datasets_load

    with django_db_blocker.unblock():
        datasets_load()


@pytest.fixture(autouse=True)
def _empty_data_set(request):
    """Tests marked `empty_data_set` start with no data set at all, whatever the session
    loaded: TRUNCATE is transactional in PostgreSQL, so the test's rollback brings it back."""
    if request.node.get_closest_marker("empty_data_set") is None:
        return
    request.getfixturevalue("db")
    from django.db import connection

    from datasets.models import (
        Area,
        ComparisonGroup,
        ImportRun,
        ImportSpec,
        Indicator,
        Observation,
        ObservationRevision,
        Period,
    )

    tables = [m._meta.db_table for m in (ObservationRevision, Observation, ImportRun,
                                         ImportSpec, Indicator, Period, Area, ComparisonGroup)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
