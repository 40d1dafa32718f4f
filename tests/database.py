"""The test database: built once into a template, cloned by each test process.

Migrating and loading the reference data and the common data set takes most of a minute; with
the suite spread over processes (pytest-xdist) each would do it again. Instead the first
process to get here builds `<test name>_tpl_<fingerprint>` (under a file lock, as
`..._building` renamed when complete, so a half-built template is never cloned), and every
process clones it with CREATE DATABASE ... TEMPLATE, which copies files rather than replaying
the work. The fingerprint covers the migrations, the code that loads the data and the shipped
data files, so a change to any of them builds a new template (and drops the old ones);
`--create-db` builds it again regardless.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What decides the template's contents.
LOADER_PACKAGES = ("regions", "datasets")


def worker_suffix() -> str:
    """ "gw0", "gw1"... in a pytest-xdist worker, "main" otherwise."""
    return os.environ.get("PYTEST_XDIST_WORKER") or "main"


def fingerprint() -> str:
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("*/migrations/*.py"))
    for package in LOADER_PACKAGES:
        files += sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)
    data = sorted(p for p in (ROOT / "data").rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for path in data:
        stat = path.stat()
        digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}".encode())
        if stat.st_size <= 4 << 20:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def _lock(name: str) -> Iterator[None]:
    path = Path(tempfile.gettempdir()) / f"{name}.lock"
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _databases(cursor, prefix: str) -> set[str]:
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix.replace("_", r"\_") + "%"]
    )
    return {row[0] for row in cursor.fetchall()}


# Copies of what the reference data and the data set put in the tables, kept in the template
# (so in every clone) in schemas of their own, which a flush (TRUNCATE of the tables Django
# knows, in the public schema) does not touch: a test that flushed the database gets either
# back in a second, with the same primary keys, instead of loading it again.
SNAPSHOTS = ("snapshot_reference", "snapshot_data_set")


def _row_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r'"
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM public.{_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _snapshot(cursor, schema: str, tables: list[str]) -> None:
    cursor.execute(f"CREATE SCHEMA {schema}")
    for table in tables:
        cursor.execute(f"CREATE TABLE {schema}.{_quote(table)} AS TABLE public.{_quote(table)}")


def _build(connection, name: str) -> None:
    """Migrate `name`, load the reference data and the data set into it, and keep a copy of
    the rows each made (SNAPSHOTS)."""
    from django.core.management import call_command

    from datasets.services import datasets_load
    from regions.reference import load_reference_data

    connection.close()
    previous = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            migrated = _row_counts(cursor)
            load_reference_data()
            referenced = _row_counts(cursor)
            datasets_load()
            loaded = _row_counts(cursor)
            reference = sorted(t for t, n in referenced.items() if n != migrated[t])
            data_set = sorted(t for t, n in loaded.items() if n != referenced[t])
            # Each copy is restored on its own, so neither may have touched the other's tables
            # or those migrate fills (content types, permissions: a flush makes them again).
            assert not {*reference, *data_set} & {t for t, n in migrated.items() if n}
            assert not set(reference) & set(data_set), set(reference) & set(data_set)
            _snapshot(cursor, SNAPSHOTS[0], reference)
            _snapshot(cursor, SNAPSHOTS[1], data_set)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = previous


def restore(schema: str) -> None:
    """Put back the rows of a snapshot (the tables must be empty, as after a flush): in one
    transaction, foreign keys being deferred, then move each identity past the largest key."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            # The rows were consistent when copied: checking 600,000 foreign keys again would
            # take three times as long as copying them (a superuser may skip the triggers).
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "SELECT t.table_name, pg_get_serial_sequence('public.' || quote_ident(t.table_name), "
            "c.column_name) FROM information_schema.tables t LEFT JOIN information_schema.columns"
            " c ON c.table_schema = t.table_schema AND c.table_name = t.table_name "
            "AND c.column_name = 'id' WHERE t.table_schema = %s",
            [schema],
        )
        for table, sequence in cursor.fetchall():
            cursor.execute(
                f"INSERT INTO public.{_quote(table)} SELECT * FROM {schema}.{_quote(table)}"
            )
            if sequence:
                cursor.execute(
                    f"SELECT setval(%s, coalesce((SELECT max(id) FROM public.{_quote(table)}), 0)"
                    " + 1, false)",
                    [sequence],
                )


def restore_reference_data() -> None:
    """The reference data back in a flushed database (what load_reference_data made)."""
    restore(SNAPSHOTS[0])


def restore_data_set() -> None:
    """The common data set back in a flushed database that has its reference data (what
    datasets_load made)."""
    restore(SNAPSHOTS[1])


def clone_test_database(connection, *, base: str, rebuild: bool) -> str:
    """Make this process's test database from the template (built first if need be) and
    point `connection` at it. Returns its name."""
    from django.conf import settings

    template = f"{base}_tpl_{fingerprint()}"
    building = f"{template}_building"
    mine = f"{base}_{worker_suffix()}"
    with _lock(base), connection._nodb_cursor() as cursor:
        existing = _databases(cursor, f"{base}_tpl_")
        if rebuild or template not in existing:
            for stale in existing:  # older fingerprints, a build that died, or --create-db
                cursor.execute(f"DROP DATABASE IF EXISTS {_quote(stale)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {_quote(building)}")
            _build(connection, building)
            cursor.execute(f"ALTER DATABASE {_quote(building)} RENAME TO {_quote(template)}")
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(mine)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {_quote(mine)} TEMPLATE {_quote(template)}")
    connection.close()
    connection.settings_dict["NAME"] = mine
    settings.DATABASES[connection.alias]["NAME"] = mine
    return mine


def drop_test_database(connection, name: str) -> None:
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
