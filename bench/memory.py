#!/usr/bin/env python
"""Resident memory of the portal's processes with production settings (bench/README.md).

Starts, one after another, on loopback only:
  * gunicorn (production settings, 1 sync worker) and requests a few pages, so that every URL
    module and view module is loaded, then reads the worker's RSS from /proc;
  * a Celery worker (solo pool) and reads its RSS once it is ready;
  * `manage.py check` and reads its peak RSS;
and, as the floor, a bare `python -c "import django; django.setup()"` with the same settings.

Needs a migrated database: DATABASE_URL / REDIS_URL (run it through `python -m
cib_portal.embedded` for the embedded servers). Prints a Markdown table.

    .venv/bin/python -m cib_portal.embedded .venv/bin/python bench/memory.py
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PAGES = ["/healthz/", "/accounts/login/", "/councils/", "/api/v1/schema/", "/no-such-page/"]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cib_portal.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY", secrets.token_urlsafe(50)),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        # Production serves the collected, hashed static files (collected in main()).
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_worker() -> tuple[int, list[str]]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "cib_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    statuses = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5)
                break
            except OSError:  # not listening yet, or the first request still loading
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        for page in PAGES:
            for _ in range(3):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{page}", timeout=30) as r:
                        status = r.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
            statuses.append(f"{page} {status}")
        workers = _children(proc.pid)
        return max(_rss_kb(w) for w in workers), statuses
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def celery_worker() -> int:
    proc = subprocess.Popen(
        [PY, "-m", "celery", "-A", "cib_portal", "worker", "--pool=solo", "-l", "INFO"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        assert proc.stderr is not None
        for line in proc.stderr:
            if " ready." in line:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start")
        time.sleep(1)
        return _rss_kb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def peak_of(args: list[str]) -> int:
    """Peak RSS (KB) of a command, from wait4's rusage."""
    proc = subprocess.Popen(
        args, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{args} failed")
    return usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=_env(), check=True
    )
    floor = peak_of([PY, "-c", "import django; django.setup()"])
    web, statuses = gunicorn_worker()
    worker = celery_worker()
    check = peak_of([PY, "manage.py", "check"])
    mb = 1024
    print("| Process | RSS MB | Target |")
    print("|---|---:|---|")
    print(f"| floor: `django.setup()` (peak) | {floor / mb:.0f} | |")
    print(f"| gunicorn worker after {len(PAGES) * 3} requests | {web / mb:.0f} | ≤ 110 |")
    print(f"| Celery worker (solo pool), ready | {worker / mb:.0f} | ≤ 110 |")
    print(f"| `manage.py check` (peak) | {check / mb:.0f} | |")
    print()
    print("Pages requested: " + "; ".join(statuses))


if __name__ == "__main__":
    main()
