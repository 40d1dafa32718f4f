#!/usr/bin/env python3
"""Run the CIB portal for development (`make run`): a small supervisor.

1. Starts the embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set
   (`cib_portal.embedded.ensure_services()`); the children inherit the two variables.
2. Runs `manage.py migrate`, `load_reference_data` and `load_demo_data` (skipped with
   CIB_SKIP_SETUP=1).
3. Starts the web server, a Celery worker and Celery beat, prefixing each one's output with
   its name.

Ctrl-C or SIGTERM stops the children (SIGTERM, then SIGKILL after CIB_STOP_TIMEOUT seconds);
the embedded servers stop when this process exits, keeping their data in var/. If a child
dies, the others are stopped and this exits non-zero.

The web server is Django's runserver: local settings run with DEBUG on, it reloads on code
changes and serves static files through WhiteNoise. docker-compose uses gunicorn instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", 8000
URL = f"http://{HOST}:{PORT}/"
STOP_TIMEOUT = float(os.environ.get("CIB_STOP_TIMEOUT", "15"))
PY = sys.executable

COLOURS = ["\033[36m", "\033[33m", "\033[35m", "\033[32m"]
RESET = "\033[0m"
USE_COLOUR = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

_print_lock = threading.Lock()
_stop = threading.Event()
_stop_signal: list[int] = []


def say(message: str) -> None:
    with _print_lock:
        print(message, flush=True)


def banner(lines: list[str]) -> None:
    width = min(max(len(line) for line in lines) + 4, 100)
    say("\n" + "=" * width + "\n" + "\n".join(f"  {line}" for line in lines) + "\n" + "=" * width)


def _on_signal(signum: int, _frame: object) -> None:
    if not _stop.is_set():
        _stop_signal.append(signum)
        _stop.set()


class Child:
    """A child process in its own process group, its output prefixed with its name."""

    def __init__(self, name: str, argv: list[str], colour: str = "") -> None:
        self.name = name
        self.argv = argv
        self.prefix = f"{colour}{name:<6}|{RESET if colour else ''} "
        # Its own session: Ctrl-C reaches only this supervisor, which then stops the whole
        # group (runserver's reloader, Celery's pool processes) in order.
        self.proc = subprocess.Popen(  # noqa: S603 - fixed commands
            argv,
            cwd=BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.captured: list[str] = []
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.captured.append(line)
            say(self.prefix + line)

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signum)

    def group_alive(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def stop_all(children: list[Child]) -> None:
    """SIGTERM every process group, wait up to STOP_TIMEOUT, then SIGKILL what is left."""
    running = [c for c in children if c.proc.poll() is None or c.group_alive()]
    if not running:
        return
    say(f"Stopping {', '.join(c.name for c in running)}...")
    for child in running:
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        for child in running:
            child.proc.poll()
        if not any(c.group_alive() for c in running):
            break
        time.sleep(0.1)
    else:
        for child in running:
            if child.group_alive():
                say(f"{child.name} did not stop within {STOP_TIMEOUT:g}s: killing it.")
                child.signal_group(signal.SIGKILL)
    for child in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(timeout=5)
        child.reader.join(timeout=2)


def run_step(name: str, argv: list[str]) -> Child:
    """Run a setup command to completion (interruptible); exit if it fails."""
    say(f"--> {' '.join(argv[1:])}")
    child = Child(name, argv)
    while child.proc.poll() is None:
        if _stop.wait(0.1):
            stop_all([child])
            raise SystemExit(130)
    child.reader.join(timeout=5)
    if child.proc.returncode != 0:
        say(f"ERROR: '{' '.join(argv[1:])}' failed with exit code {child.proc.returncode}.")
        raise SystemExit(child.proc.returncode or 1)
    return child


def account_lines(output: list[str]) -> list[str]:
    """The sign-in block of load_demo_data's output, from "Sign in at" to the line about MFA,
    without blank lines.

    Loading the demo sends emails (publishing the peer challenge programme), which the console
    email backend prints to the same output: they are not accounts.
    """
    start = next((i for i, line in enumerate(output) if line.startswith("Sign in at")), None)
    if start is None:
        return []
    block = []
    for line in output[start:]:
        if line.strip():
            block.append(line)
        if line.startswith("Accounts marked (MFA)"):
            break
    return block


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, timeout: float, children: list[Child]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not _stop.is_set():
        if any(c.proc.poll() is not None for c in children):
            return False
        if port_in_use(host, port):
            return True
        time.sleep(0.25)
    return False


def main() -> int:
    os.chdir(BASE_DIR)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cib_portal.settings.local")
    os.environ["PYTHONUNBUFFERED"] = "1"
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    banner(
        [
            "CIB portal: development server",
            f"URL:  {URL}",
            "Stop: Ctrl-C",
        ]
    )
    if port_in_use(HOST, PORT):
        say(f"ERROR: {HOST}:{PORT} is already in use (another 'make run'?). Stop it first.")
        return 1

    # Decide before importing cib_portal: importing it may already start the servers.
    embedded = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if embedded:
        say(f"Starting the embedded servers for {', '.join(embedded)} (data in var/)...")
    from cib_portal.embedded import ensure_services

    ensure_services()
    (BASE_DIR / "var").mkdir(exist_ok=True)

    demo_output: list[str] = []
    if os.environ.get("CIB_SKIP_SETUP") == "1":
        say("CIB_SKIP_SETUP=1: skipping migrate, load_reference_data and load_demo_data.")
    else:
        run_step("setup", [PY, "manage.py", "migrate", "--noinput"])
        run_step("setup", [PY, "manage.py", "load_reference_data"])
        demo_output = run_step("setup", [PY, "manage.py", "load_demo_data"]).captured

    celery = [PY, "-m", "celery", "-A", "cib_portal"]
    specs = [
        ("web", [PY, "manage.py", "runserver", f"{HOST}:{PORT}"]),
        ("worker", [*celery, "worker", "-l", "info", "--concurrency", "2"]),
        ("beat", [*celery, "beat", "-l", "info", "--schedule", "var/celerybeat-schedule"]),
    ]
    children: list[Child] = []
    for i, (name, argv) in enumerate(specs):
        children.append(Child(name, argv, COLOURS[i % len(COLOURS)] if USE_COLOUR else ""))

    if wait_for_port(HOST, PORT, 60, children):
        lines = ["CIB portal is running", f"Open {URL}"]
        accounts = account_lines(demo_output)
        if accounts:
            lines += ["", "Demo accounts (from load_demo_data):", *accounts]
        lines += ["", "Stop with Ctrl-C."]
        banner(lines)

    exit_code = 0
    while not _stop.is_set():
        dead = [c for c in children if c.proc.poll() is not None]
        if dead:
            for child in dead:
                say(f"ERROR: {child.name} exited with code {child.proc.returncode}; stopping.")
            exit_code = next((c.proc.returncode for c in dead if c.proc.returncode), 0) or 1
            if exit_code < 0:  # killed by a signal
                exit_code = 128 - exit_code
            break
        _stop.wait(0.2)
    else:
        name = signal.Signals(_stop_signal[0]).name if _stop_signal else "stop"
        say(f"{name} received.")

    stop_all(children)
    if embedded:
        say("Stopping the embedded servers (data kept in var/).")
    else:
        say("Stopped.")
    return exit_code


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
