"""Loading checked figures: the temporary staging table they are copied into, the set-based
merge into the stored figures (new, changed with the old kept as a revision, unchanged), and
the fingerprint that tells an unchanged re-import."""

from __future__ import annotations

import hashlib
import io
import json

from ..comparison import data_changed
from ..models import (
    Area,
    ImportRun,
    ImportStatus,
)
from .parsing import FOLDED, INNER_LONDON, LONDON, OUTER_LONDON, ImportRejected, ImportResult


def _fingerprint(sha256: str, mappings: list[tuple[int, str, tuple]]) -> str:
    """What decides an import's figures apart from the database: the file's bytes and the
    specification's mappings (indicators by id, so a recreated indicator is a new one)."""
    payload = json.dumps({"version": 1, "file": sha256, "mappings": sorted(mappings)})
    return hashlib.sha256(payload.encode()).hexdigest()


def figures_checksum(cursor, indicator_ids: list[int]) -> str:
    """Count and checksum of every stored figure of these indicators: equal only if none was
    added, removed or changed (by any import, edit or deletion) since it was taken."""
    cursor.execute(
        "SELECT count(*), coalesce(sum(hashtextextended(concat_ws(',', area_id, period_id, "
        "value, symbol), indicator_id)), 0) FROM datasets_observation "
        "WHERE indicator_id = ANY(%s)",
        [indicator_ids],
    )
    count, total = cursor.fetchone()
    return f"{count}:{total}"


def _unchanged_since(cursor, fingerprint: str, indicator_ids: list[int]) -> ImportRun | None:
    """The latest successful import of the same file by the same mappings, if the figures of
    the indicators are still exactly as it left them."""
    earlier = (
        ImportRun.objects.filter(status=ImportStatus.SUCCEEDED, fingerprint=fingerprint)
        .exclude(figures_checksum="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if earlier is None or figures_checksum(cursor, indicator_ids) != earlier.figures_checksum:
        return None
    return earlier


def create_staging(cursor) -> None:
    """A fresh temporary table for the figures of one import (dropped at commit)."""
    cursor.execute("DROP TABLE IF EXISTS import_staging")
    cursor.execute(
        # numeric(20, 6) as in datasets_observation, so a figure with more decimals is rounded
        # once here and compares equal on the next import (otherwise it would always "change").
        "CREATE TEMP TABLE import_staging (indicator_id int, area_id int, period_id int, "
        "value numeric(20, 6), symbol text, line int) ON COMMIT DROP"
    )


def _copy(cursor, buffer: io.StringIO) -> None:
    if buffer.tell() == 0:
        return
    buffer.seek(0)
    cursor.copy_expert(
        "COPY import_staging (indicator_id, area_id, period_id, value, symbol, line) "
        "FROM STDIN WITH (FORMAT text, NULL '')",
        buffer,
    )


def _check_duplicates(cursor, noun: str = "Lines") -> None:
    # Counting first (no array per figure); the lines only for the few that clash.
    cursor.execute(
        "SELECT indicator_id, area_id, period_id FROM import_staging "
        "GROUP BY indicator_id, area_id, period_id HAVING count(*) > 1 LIMIT 20"
    )
    keys = cursor.fetchall()
    if not keys:
        return
    cursor.execute(
        "SELECT array_agg(line ORDER BY line) FROM import_staging "
        "WHERE (indicator_id, area_id, period_id) IN %s "
        "GROUP BY indicator_id, area_id, period_id ORDER BY min(line)",
        [tuple(keys)],
    )
    clashes = cursor.fetchall()
    if clashes:
        raise ImportRejected(
            [
                f"{noun} {', '.join(map(str, lines))} give the same figure (indicator, area and "
                "period) more than once."
                for (lines,) in clashes
            ]
        )


def merge_staging(cursor, run: ImportRun | None, result: ImportResult) -> None:
    """Merge import_staging into observations: revisions kept, counts recorded.

    One pass over the stored figures finds what is new or changed (with the old figure);
    only those rows are then written, so an import that changes little writes little."""
    run_id = run.pk if run else None
    cursor.execute("ANALYZE import_staging")
    cursor.execute("SELECT count(*) FROM import_staging")
    total = cursor.fetchone()[0]
    cursor.execute("SELECT array_agg(DISTINCT indicator_id) FROM import_staging")
    indicator_ids = cursor.fetchone()[0] or []
    cursor.execute("DROP TABLE IF EXISTS import_changes")
    cursor.execute(
        # Naming the indicators lets the planner read only their part of the unique index.
        "CREATE TEMP TABLE import_changes ON COMMIT DROP AS "
        "SELECT o.id AS observation_id, o.value AS old_value, o.symbol AS old_symbol, "
        "s.indicator_id, s.area_id, s.period_id, s.value, coalesce(s.symbol, '') AS symbol "
        "FROM import_staging s LEFT JOIN datasets_observation o "
        "ON o.indicator_id = s.indicator_id AND o.period_id = s.period_id "
        "AND o.area_id = s.area_id AND o.indicator_id = ANY(%s) "
        "WHERE o.id IS NULL OR o.value IS DISTINCT FROM s.value "
        "OR o.symbol <> coalesce(s.symbol, '')",
        [indicator_ids],
    )
    cursor.execute(
        "SELECT count(observation_id), count(*) - count(observation_id) FROM import_changes"
    )
    changed, new = cursor.fetchone()
    updated = created = 0
    if changed:
        cursor.execute("ANALYZE import_changes")  # so a few changes are found by the index
        cursor.execute(
            "INSERT INTO datasets_observationrevision (observation_id, value, symbol, "
            "replaced_by_run_id, replaced_at) SELECT observation_id, old_value, old_symbol, %s, "
            "now() FROM import_changes WHERE observation_id IS NOT NULL",
            [run_id],
        )
        cursor.execute(
            "UPDATE datasets_observation o SET value = c.value, symbol = c.symbol, "
            "import_run_id = %s FROM import_changes c WHERE o.id = c.observation_id",
            [run_id],
        )
        updated = cursor.rowcount
    if new:
        # In the unique index's order, so the index is written page by page, not at random.
        cursor.execute(
            "INSERT INTO datasets_observation (indicator_id, area_id, period_id, value, "
            "symbol, import_run_id) SELECT indicator_id, area_id, period_id, value, symbol, "
            "%s FROM import_changes WHERE observation_id IS NULL "
            "ORDER BY indicator_id, period_id, area_id "
            "ON CONFLICT (indicator_id, period_id, area_id) DO NOTHING",
            [run_id],
        )
        created = cursor.rowcount
    cursor.execute("DROP TABLE import_changes")
    if created > 10_000:
        # Fresh statistics after a big load, so the planner does not treat the table as empty
        # for the rest of the transaction (autovacuum cannot see uncommitted rows); not needed
        # when the load is small beside what the table already holds.
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'datasets_observation'::regclass"
        )
        if created > cursor.fetchone()[0] / 5:
            cursor.execute("ANALYZE datasets_observation")
    if created or updated:
        data_changed()
    result.created += created
    result.updated += updated
    result.unchanged += total - created - updated


def _fold_london(cursor, run: ImportRun, result: ImportResult) -> None:
    """Where a file gives Inner and Outer London but not London, London is their sum (for
    counts only: rates and percentages cannot be added). A published London figure is kept:
    one in this file, or one stored earlier that was not itself made by adding the parts (a sum
    made earlier is remade, so a revised Inner or Outer figure revises London too)."""
    cursor.execute(
        """
        SELECT s.indicator_id, s.period_id, sum(s.value)
        FROM import_staging s
        JOIN datasets_area a ON a.id = s.area_id AND a.code IN (%s, %s)
        JOIN datasets_indicator i ON i.id = s.indicator_id AND i.unit = 'count'
        WHERE NOT EXISTS (
            SELECT 1 FROM import_staging g JOIN datasets_area l ON l.id = g.area_id
            WHERE l.code = %s AND g.indicator_id = s.indicator_id
              AND g.period_id = s.period_id)
          AND NOT EXISTS (
            SELECT 1 FROM datasets_observation o JOIN datasets_area l ON l.id = o.area_id
            LEFT JOIN datasets_importrun r ON r.id = o.import_run_id
            WHERE l.code = %s AND o.indicator_id = s.indicator_id
              AND o.period_id = s.period_id AND NOT coalesce(r.outcomes ? %s, false))
        GROUP BY s.indicator_id, s.period_id
        HAVING count(*) = 2 AND count(s.value) = 2
        """,
        [INNER_LONDON, OUTER_LONDON, LONDON, LONDON, FOLDED],
    )
    rows = cursor.fetchall()
    if not rows:
        return
    london = Area.objects.get(code=LONDON).pk
    cursor.execute("TRUNCATE import_staging")
    buffer = io.StringIO()
    for indicator_id, period_id, total in rows:
        buffer.write(f"{indicator_id}\t{london}\t{period_id}\t{total}\t\t0\n")
    _copy(cursor, buffer)
    folded = ImportResult()
    merge_staging(cursor, run, folded)
    result.created += folded.created
    result.updated += folded.updated
    result.unchanged += folded.unchanged
    result.outcomes[FOLDED] = {"London": len(rows)}
