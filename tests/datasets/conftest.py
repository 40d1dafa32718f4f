"""Fixtures for the data set tests (the session-wide `data_set` fixture is in tests/conftest.py)."""

from __future__ import annotations

import pytest


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

    tables = [
        m._meta.db_table
        for m in (
            ObservationRevision,
            Observation,
            ImportRun,
            ImportSpec,
            Indicator,
            Period,
            Area,
            ComparisonGroup,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
