"""Shared fixtures: the real reference data in the test database, and people with roles.

The test database is the real PostgreSQL (DATABASE_URL, or the embedded server), cloned for each
test process from a template holding the reference data and the data set (tests/database.py);
tests that flush the database (transactional ones, which run last) load the reference data again
through the `reference_data` fixture.
"""

from __future__ import annotations

import pytest

from tests.factories import make_member

LEEDS = "E08000035"
BRADFORD = "E08000032"  # Leeds' region: Yorkshire and The Humber
MANCHESTER = "E08000003"  # North West
YORKSHIRE = "E12000003"
NORTH_WEST = "E12000002"


def _flushes_the_database(item: pytest.Item) -> int:
    """2 for browser tests (the live server flushes the database after each), 1 for other
    transactional tests, 0 for the rest."""
    if item.get_closest_marker("browser"):
        return 2
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in fixtures:
        return 1
    return 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that flush the database run after every test that reads the session's data set
    (loaded once, not again after a flush). pytest-django orders them so, but pytest's own
    grouping by session-scoped parameters (Playwright's browser) can pull tests back in front;
    this last, stable sort has the final word."""
    items.sort(key=_flushes_the_database)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_blocker):
    """This process's test database, cloned from a template that holds the migrations, the
    reference data and the common data set (tests/database.py); dropped at the end."""
    from django.conf import settings
    from django.db import connection

    from tests.database import clone_test_database, drop_test_database

    base = settings.DATABASES["default"]["TEST"]["NAME"]
    with django_db_blocker.unblock():
        name = clone_test_database(
            connection, base=base, rebuild=request.config.getoption("create_db")
        )
    yield
    with django_db_blocker.unblock():
        drop_test_database(connection, name)


@pytest.fixture(scope="session")
def data_set(django_db_setup):
    """The common data set as shipped: in the template every test database is cloned from
    (a test that flushes the database loses it; such tests run last)."""


@pytest.fixture
def reference_data(db):
    """Make sure the reference data is there (a flushed database gets it back)."""
    from regions.models import Council
    from tests.database import restore_reference_data

    if not Council.objects.exists():
        restore_reference_data()


@pytest.fixture
def officer(reference_data):
    """A council officer at Leeds."""
    return make_member(LEEDS, "council_officer", email="officer@leeds.example")


@pytest.fixture
def dcs(reference_data):
    return make_member(LEEDS, "dcs", email="dcs@leeds.example")


@pytest.fixture
def other_officer(reference_data):
    """An officer of a council in another region (Manchester): an outsider to Leeds."""
    return make_member(MANCHESTER, "council_officer", email="officer@manchester.example")


@pytest.fixture
def regional_lead(reference_data):
    """Regional lead DCS for Yorkshire and The Humber (Leeds' region)."""
    return make_member(YORKSHIRE, "regional_lead_dcs", email="lead@yorkshire.example")


@pytest.fixture
def other_regional_lead(reference_data):
    return make_member(NORTH_WEST, "regional_lead_dcs", email="lead@northwest.example")


@pytest.fixture
def adviser(reference_data):
    """An LGA principal adviser for Yorkshire and The Humber."""
    return make_member(YORKSHIRE, "principal_adviser", email="adviser@lga.example")


@pytest.fixture
def national_adviser(reference_data):
    return make_member("national", "principal_adviser", email="national@lga.example")


@pytest.fixture
def cib_admin(reference_data):
    return make_member("national", "cib_admin", email="admin@cib.example")


@pytest.fixture
def no_role_user(reference_data):
    """Signed in, but every membership has ended: grants nothing."""
    from django.utils import timezone

    today = timezone.localdate()
    return make_member(
        LEEDS,
        "council_officer",
        email="former@leeds.example",
        starts_on=today - timezone.timedelta(days=400),
        ends_on=today - timezone.timedelta(days=1),
    )


@pytest.fixture
def client_for(client):
    """client_for(user): the test client signed in as user (None: signed out)."""

    def _client(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (sign-in throttling counts live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
