"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session; a fresh context (cookies, storage) per test. The live server
is transactional (the database is flushed after each test), so every fixture here depends on
`reference_data`, which loads the reference data again when it is missing.

Sign-in comes in two forms:

* `sign_in(page, user)`: the real sign-in page (email and password, then the TOTP code when the
  user has an authenticator), for the journeys;
* `signed_in_page(user)`: the session cookie of a test client's `force_login` put into a new
  browser context, which is quicker, for the accessibility checks of signed-in pages.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM refuses to run
# in a thread with a running loop unless told it is safe (it is: the loop is Playwright's own).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The machine has no internet: without these, Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests (rather than error) where there is no Chromium."""
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(playwright):
    """One Chromium for the session (overrides pytest-playwright's `browser`)."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def new_context(browser, live_server, reference_data):
    """new_context(): a fresh browser context aimed at the live server; closed after the test."""
    contexts = []

    def _new_context(**kwargs):
        kwargs.setdefault("base_url", live_server.url)
        kwargs.setdefault("locale", "en-GB")
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Many sign-ins a minute from 127.0.0.1 would trip allauth's throttle (kept in Redis)."""
    settings.ACCOUNT_RATE_LIMITS = False


def session_cookie_for(user, live_server) -> dict:
    """The session cookie of `user` signed in with the test client, for a browser context."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


@pytest.fixture
def signed_in_page(new_context, live_server):
    """signed_in_page(user): a page in a new context where `user` is already signed in."""

    def _signed_in_page(user):
        context = new_context()
        context.add_cookies([session_cookie_for(user, live_server)])
        return context.new_page()

    return _signed_in_page


def current_totp_code(user) -> str:
    """The code the user's authenticator app would show now."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def fill_sign_in_form(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in(page, user, password: str | None = None) -> None:
    """Sign in through the real form; enter the TOTP code when allauth asks for one."""
    from tests.factories import PASSWORD

    fill_sign_in_form(page, user.email, password or PASSWORD)
    # allauth refuses a code already used by this person in its 30-second window, and a code
    # typed just before the window turns arrives stale: as a person would, wait for the next
    # code and type that.
    for attempt in range(3):
        if "/accounts/2fa/authenticate/" not in page.url:
            return
        if attempt:
            time.sleep(30.5 - time.time() % 30)
        page.get_by_label("Code").fill(current_totp_code(user))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


def _load_demo() -> None:
    import io

    from django.core.management import call_command

    from datasets.models import Observation
    from regions.models import Council
    from tests.database import restore_data_set, restore_reference_data

    if not Council.objects.exists():
        restore_reference_data()
    if not Observation.objects.exists():
        restore_data_set()  # a copy kept in the template: seconds, not a load
    call_command("load_demo_data", stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """A live server over the demo `make run` loads (one person per role, a published
    programme, funds, risk flags, over the published data set), for a module of tests that only
    read: the demo is loaded once for them all (it takes half a minute) and the database is
    emptied after the module, as a transactional test would leave it.

    pytest-django's `live_server` empties the database after every test; this one does not, so
    its tests take `db` (their own changes roll back) and must not write through the server
    beyond what signing in writes (sessions, last sign-in), which the flush removes."""
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        _load_demo()
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    server.stop()
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False)


@pytest.fixture
def demo_context(browser, demo_server, db):
    """new_context(**kwargs): a fresh browser context aimed at the demo server."""
    contexts = []

    def _new_context(**kwargs):
        kwargs.setdefault("base_url", demo_server.url)
        kwargs.setdefault("locale", "en-GB")
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()


def sign_in_as_demo_person(page, local_part: str) -> None:
    """Sign in as a demo person (regions/demo.py) through the real form, TOTP and all."""
    from django.contrib.auth import get_user_model

    from regions.demo import DEMO_DOMAIN, DEMO_PASSWORD

    user = get_user_model().objects.get(email=f"{local_part}@{DEMO_DOMAIN}")
    sign_in(page, user, password=DEMO_PASSWORD)
    assert "/accounts/" not in page.url, f"{local_part} was not signed in: {page.url}"
