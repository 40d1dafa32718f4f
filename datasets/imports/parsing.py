"""Reading an import's files: the problems that reject a file, what an import did
(ImportResult), values and their suppression symbols, period labels, area codes (with the
councils that merged or were split), and the file's header and lines."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice
from pathlib import Path

from django.db import InterfaceError, OperationalError

from ..models import (
    ENGLAND_CODE,
    SYMBOLS,
    Area,
    AreaLevel,
    ImportRun,
    ImportSpec,
    Period,
)

BASE_COLUMNS = ("time_period", "time_identifier", "geographic_level")


# Councils whose GSS code changed (new → the one the portal uses).
KNOWN_CODE_CHANGES = {"E08000038": "E08000016", "E08000039": "E08000019"}


# Councils that no longer exist: their rows are stored against a historic area and reported.
FORMER_COUNCILS = {
    "928": "Northamptonshire",
    "909": "Cumbria",
    "835": "Dorset (former county)",
    "836": "Poole",
    "837": "Bournemouth",
}
INNER_LONDON, OUTER_LONDON, LONDON = "E13000001", "E13000002", "E12000007"
MAX_ERRORS = 200
FOLDED = "London figures made by adding Inner and Outer London"
COPY_CHUNK = 20_000


# Figures are numeric(20, 6): below 10^14 once rounded to 6 decimals (as PostgreSQL rounds).
STORED_DECIMALS = Decimal("0.000001")
TOO_LARGE = Decimal("99999999999999.9999995")


# Field sizes of the rows an import makes (Period, Area).
TIME_IDENTIFIER_MAX = Period._meta.get_field("time_identifier").max_length
AREA_CODE_MAX = Area._meta.get_field("code").max_length
AREA_NAME_MAX = Area._meta.get_field("name").max_length
FILENAME_MAX = ImportRun._meta.get_field("filename").max_length


# The csv module's own limit on a cell (128 KB); nothing in an EES file comes near it.
CELL_MAX = csv.field_size_limit()


# Errors of the database connection itself: the task retries the import after these.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


class ImportRejected(Exception):
    """The file was rejected; `errors` lists every problem found (by line and column)."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s): " + "; ".join(errors[:5]))


class ImportFailed(ImportRejected):
    """The import stopped on an unexpected error (not a problem of the file); nothing was saved.
    `errors` holds one message a person can read; the cause is logged with its traceback."""


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)
    # Set when the file was identical to an earlier import whose figures still stand.
    same_as: ImportRun | None = None
    fingerprint: str = ""
    figures_checksum: str = ""

    @property
    def skipped_as_unchanged(self) -> bool:
        return self.same_as is not None

    def note(self, kind: str, area: str) -> None:
        self.outcomes.setdefault(kind, {})
        self.outcomes[kind][area] = self.outcomes[kind].get(area, 0) + 1

    def lines(self) -> list[str]:
        out = [
            f"{self.rows_read} rows read: {self.created} figures created, "
            f"{self.updated} updated, {self.unchanged} unchanged."
        ]
        if self.same_as is not None:
            out[0] = (
                f"The file is identical to the one imported by run {self.same_as.pk} and its "
                f"figures are as that import left them: {self.rows_read} rows, "
                f"{self.unchanged} figures unchanged, nothing merged."
            )
        for kind, areas in self.outcomes.items():
            listed = ", ".join(f"{name} ({n})" for name, n in sorted(areas.items()))
            out.append(f"{kind}: {sum(areas.values())} rows: {listed}")
        return out


def parse_value(raw: str) -> tuple[Decimal | None, str] | None:
    """A cell as (value, symbol); None for an empty cell; raises ValueError otherwise."""
    text = raw.strip()
    if text == "":
        return None
    if text.lower() in SYMBOLS:
        return None, text.lower()
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value, ""


_YEAR = re.compile(r"^(\d{4})(\d{2})?$")


def period_years(label: str) -> tuple[int, int]:
    """Years covered by an EES time_period: 2025 → (2025, 2025); 202425 → (2024, 2025)."""
    match = _YEAR.match(label.strip())
    if not match:
        raise ValueError(label)
    start = int(match.group(1))
    end = start + 1 if match.group(2) else start
    if match.group(2) and int(match.group(2)) != (start + 1) % 100:
        raise ValueError(label)
    return start, end


def shown(text: str, limit: int = 60) -> str:
    """A cell quoted for a message, cut short if long (a 100 KB cell is not repeated back)."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"… ({len(text):,} characters)"


def stored_figure(value: Decimal) -> Decimal:
    """The figure as numeric(20, 6) keeps it (rounded half away from zero, as PostgreSQL
    does); raises ValueError if it is too large to keep."""
    if abs(value) >= TOO_LARGE:
        raise ValueError("too large")
    return value.quantize(STORED_DECIMALS, rounding=ROUND_HALF_UP)


class Areas:
    """Finds (or makes) the area of a row, by the rules of the EES layout."""

    def __init__(self, result: ImportResult):
        self.result = result
        self.by_code = {a.code: a.pk for a in Area.objects.all()}
        from regions.models import Council

        self.council_codes = {c.la_number: c.gss_code for c in Council.objects.all()}
        self.created_historic: set[str] = set()

    def _historic(self, code: str, name: str, level: str = AreaLevel.HISTORIC) -> int:
        if code not in self.by_code:
            area, _ = Area.objects.get_or_create(code=code, defaults={"name": name, "level": level})
            self.by_code[code] = area.pk
        return self.by_code[code]

    def find(self, row: dict[str, str]) -> tuple[int | None, str | None]:
        """(area id, None) or (None, problem); a problem about one cell starts "column X: "."""
        level = row.get("geographic_level", "").strip()
        if level == "National":
            return self.by_code[ENGLAND_CODE], None
        if level == "Regional":
            code = row.get("region_code", "").strip()
            if code in (INNER_LONDON, OUTER_LONDON):
                name = row.get("region_name", "").strip() or code
                if len(name) > AREA_NAME_MAX:
                    return None, f"column region_name: longer than {AREA_NAME_MAX} characters"
                return self._historic(code, name, AreaLevel.SUBREGIONAL), None
            if code in self.by_code:
                return self.by_code[code], None
            return None, f"region_code {shown(code)} is not an English region"
        if level == "Local authority":
            new = row.get("new_la_code", "").strip()
            old = row.get("old_la_code", "").strip()
            name = row.get("la_name", "").strip()
            new = KNOWN_CODE_CHANGES.get(new, new)
            if new in self.by_code:
                return self.by_code[new], None
            if old.isdigit() and int(old) in self.council_codes:
                return self.by_code[self.council_codes[int(old)]], None
            if "/" in old:
                code = "LA:" + old.replace(" ", "")
                label = f"{name or old} (combined {old})"
                if len(code) > AREA_CODE_MAX:
                    return None, (
                        f"column old_la_code: {shown(old)} names too many councils to keep as "
                        f"one area (at most {AREA_CODE_MAX - 3} characters without spaces)"
                    )
                if len(label) > AREA_NAME_MAX:
                    return None, (
                        f"column la_name: too long to keep as the name of a combined area "
                        f"(at most {AREA_NAME_MAX - len(old) - 12} characters)"
                    )
                self.result.note("Combined councils, stored as historic areas", label)
                return self._historic(code, label), None
            if old in FORMER_COUNCILS:
                label = f"{FORMER_COUNCILS[old]} ({old})"
                self.result.note("Former councils, stored as historic areas", label)
                return self._historic(f"LA:{old}", label), None
            return None, (
                f"new_la_code {shown(new)} / old_la_code {shown(old)} is not a current, "
                "former or combined council"
            )
        return None, (
            f"geographic_level {shown(level)} is not National, Regional or Local authority"
        )


def detect_spec(columns: Iterable[str]) -> ImportSpec:
    """The one specification whose columns the file has, or ImportRejected."""
    have = set(columns)
    fits = [s for s in ImportSpec.objects.all() if s.mappings and s.required_columns <= have]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        raise ImportRejected(
            ["No import specification matches this file's columns; name one with --spec."]
        )
    # Prefer the most specific match (the one that uses the most of the file's columns).
    fits.sort(key=lambda s: len(s.required_columns), reverse=True)
    if len(fits[0].required_columns) > len(fits[1].required_columns):
        return fits[0]
    raise ImportRejected(
        [f"Several specifications match ({', '.join(s.name for s in fits)}); name one with --spec."]
    )


def _open(path: Path) -> io.TextIOWrapper:
    return path.open(encoding="utf-8-sig", newline="")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unreadable(path: Path, exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"There is no file {path.name}."
    if isinstance(exc, UnicodeDecodeError):
        return f"{path.name} is not a UTF-8 text file (is it a spreadsheet rather than a CSV?)."
    return f"{path.name} is not a readable CSV file ({exc})."


def _read_header(path: Path) -> list[str]:
    with _open(path) as handle:
        try:
            header = next(csv.reader(handle), None)
        except csv.Error as exc:
            raise ImportRejected([_csv_problem(path, None, 1, exc)]) from None
    if not header:
        raise ImportRejected(["The file is empty: it has no header row."])
    return [h.strip() for h in header]


def _csv_problem(path: Path, header: list[str] | None, line: int, exc: csv.Error) -> str:
    """A problem the csv module found at `line` (where the record starts), by line and, for
    an oversized cell, column. The csv module cannot go on after these, so reading stops."""
    limit = csv.field_size_limit()
    if "field larger than field limit" in str(exc):
        index = _oversized_cell(path, line, limit)
        if index is None:
            where = f"Line {line}"
        elif header is None or index >= len(header):
            where = f"Line {line}, column {index + 1}"
        else:
            where = f"Line {line}, column {header[index]}"
        return (
            f"{where}: the cell is longer than {limit // 1024} KB ({limit:,} characters). "
            "The rest of the file was not read."
        )
    if "NUL" in str(exc):
        return (
            f"Line {line}: the line contains a NUL character (is this a CSV file?). "
            "The rest of the file was not read."
        )
    return f"Line {line}: {exc}. The rest of the file was not read."


def _oversized_cell(path: Path, line: int, limit: int) -> int | None:
    """Which cell (0-based) of the record starting at `line` is longer than `limit`: the
    record is scanned again, quote-aware, stopping at that cell."""
    with _open(path) as handle:
        text = next(islice(handle, line - 1, None), "")
        index, size, quoted = 0, 0, False
        while text:
            for char in text:
                if char == '"':
                    quoted = not quoted
                    continue
                if not quoted and char == ",":
                    index, size = index + 1, 0
                    continue
                if not quoted and char in "\r\n":
                    return None
                size += 1
                if size > limit:
                    return index
            text = handle.readline()
    return None


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """The file's rows as dicts (for tests and tools)."""
    with _open(path) as handle:
        yield from csv.DictReader(handle)
