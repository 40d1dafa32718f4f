"""Security settings: `check --deploy`, the Content Security Policy, and cookies."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _environ() -> dict:
    # The browser tests allow Django's sync calls inside Playwright's event loop for this
    # process only; a deployment never has that variable.
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **_environ(),
        "DJANGO_SETTINGS_MODULE": "cib_portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/x"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_need_a_secret_key_from_the_environment():
    env = {k: v for k, v in _environ().items() if k != "SECRET_KEY"}
    env.update(
        DJANGO_SETTINGS_MODULE="cib_portal.settings.production", ALLOWED_HOSTS="portal.example.org"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/login/",
        "/councils/",
        "/councils/E08000035/",
        "/regions/E12000003/",
        "/home/",
        "/api/v1/docs/",
    ],
)
def test_pages_send_a_strict_csp_and_have_no_inline_script_or_style(path, officer, client_for):
    signed_in = path not in ("/", "/accounts/login/")
    response = client_for(officer if signed_in else None).get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    assert "<style" not in html
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_cookies_are_secure_and_hsts_is_on():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT)"
    )
    env = {
        **_environ(),
        "DJANGO_SETTINGS_MODULE": "cib_portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1/x",
        "REDIS_URL": "redis://127.0.0.1/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True"] * 5, result.stderr


def test_no_secrets_are_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout, so there is no list of committed files to read")
    names = tracked.stdout.split()
    assert ".env" not in names
    pattern = re.compile(r"(SECRET_KEY|PASSWORD)\s*=\s*['\"][A-Za-z0-9+/_\-]{24,}['\"]")
    for name in names:
        # Test fixtures hold made-up passwords on purpose.
        if name.endswith((".py", ".env.example", ".yml", ".toml")) and not name.startswith(
            "tests/"
        ):
            text = (ROOT / name).read_text(errors="replace")
            assert not pattern.search(text), f"{name} looks like it holds a secret"
