"""Reading an uploaded CSV for an import: the one place that counts lines, caps cells and checks
each value against the model field it is going into, so that every problem is reported by line
and column before the database sees the value (and nothing half-saved, never a traceback).

- Line numbers are the file's physical lines, blank lines included; a row is named by the line
  it starts on (a quoted cell may run over several lines).
- A cell longer than `MAX_CELL_CHARS` is a problem of its line and column, not csv's
  "field larger than field limit" error.
- `text_problem`, `decimal_check` and `date_in_range` check a value against a model field
  (`max_length`; `max_digits` and `decimal_places`; a percentage from 0 to 100; a date the
  portal can do arithmetic on).

A problem is a `Problem`: a str ("Line 4, column name: ...") that also knows its line and
column, so it can be stored in a JSON list, sorted by line and shown as it is.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

MAX_CELL_CHARS = 128 * 1024
# Dates outside these years are typing mistakes, and date arithmetic (a three-year window,
# the day after a tenure) must not overflow year 9999.
FIRST_YEAR, LAST_YEAR = 1900, 2100
QUOTE_CHARS = 40


class Problem(str):
    """One problem with a file, as a sentence a person can act on, with its line and column
    (0 and "" when it concerns the whole file)."""

    line: int
    column: str
    message: str

    def __new__(cls, message: str, *, line: int = 0, column: str = "") -> Problem:
        if line and column:
            text = f"Line {line}, column {column}: {message}"
        elif line:
            text = f"Line {line}: {message}"
        else:
            text = message
        problem = super().__new__(cls, text)
        problem.line, problem.column, problem.message = line, column, message
        return problem

    def __reduce__(self):
        return (_problem, (self.message, self.line, self.column))


def _problem(message: str, line: int, column: str) -> Problem:
    return Problem(message, line=line, column=column)


def problems_sorted(problems: Iterable[str]) -> list[str]:
    """Problems in line order (whole-file ones first), in the order found within a line."""
    return sorted(problems, key=lambda p: getattr(p, "line", 0))


class CsvRejected(Exception):
    """The file cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors[:5]))
        self.errors = errors


def quoted(value: str, *, limit: int = QUOTE_CHARS) -> str:
    """A value for a message, in quotes, shortened so a huge cell does not fill the page."""
    value = value.replace("\n", " ")
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f"“{value}”"


@dataclass
class CsvRow:
    line: int  # the physical line the row starts on, blank lines counted
    cells: dict[str, str]  # column name → stripped text ("" for a missing cell)

    def get(self, name: str, default: str = "") -> str:
        return self.cells.get(name, default)


@dataclass
class CsvTable:
    header: list[str]
    rows: list[CsvRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _header_key(name: str) -> str:
    return name.strip().lower()


def csv_read(
    data: bytes | str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    header_key: Callable[[str], str] = _header_key,
    unknown_columns: str = "error",
    max_cell: int = MAX_CELL_CHARS,
    header_problem: Callable[[list[str]], str] | None = None,
) -> CsvTable:
    """Read a CSV whose first line names its columns. Raises CsvRejected when the file cannot
    be read at all (not UTF-8, empty, a required column missing); otherwise returns its rows
    and the problems found (too-long cells, more values than columns, unknown or repeated
    columns when `unknown_columns` is "error"). Blank lines are skipped but counted."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvRejected(["The file must be a UTF-8 CSV"]) from None
    else:
        text = data.removeprefix("\ufeff")
    # csv's own limit (128 KB) raises an error that names neither line nor column: lift it
    # while this file is read and check each cell's length here instead. The limit is global
    # to the process, so it is put back for other readers (the EES importer's) afterwards.
    previous = csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        return _read_rows(
            text,
            required=required,
            optional=optional,
            header_key=header_key,
            unknown_columns=unknown_columns,
            max_cell=max_cell,
            header_problem=header_problem,
        )
    finally:
        csv.field_size_limit(previous)


def _read_rows(
    text: str,
    *,
    required: Sequence[str],
    optional: Sequence[str],
    header_key: Callable[[str], str],
    unknown_columns: str,
    max_cell: int,
    header_problem: Callable[[list[str]], str] | None,
) -> CsvTable:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise CsvRejected([f"Line 1: the file could not be read as a CSV ({exc})"]) from None
    if not first or not any(h.strip() for h in first):
        raise CsvRejected(["The file is empty"])
    header = [header_key(h) for h in first]
    missing = [c for c in required if c not in header]
    if missing:
        message = (
            header_problem(missing)
            if header_problem
            else (
                "the first line must be a header naming the columns "
                f"{', '.join([*required, *optional])} (missing: {', '.join(missing)})"
            )
        )
        raise CsvRejected([Problem(message, line=1)])
    table = CsvTable(header=header)
    problems = table.problems
    if any(len(h) > max_cell for h in first):
        raise CsvRejected([Problem("the header is not a list of column names", line=1)])
    if unknown_columns == "error":
        known = {*required, *optional}
        unknown = [n for n in header if n and n not in known]
        if unknown:
            problems.append(
                Problem(
                    f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}",
                    line=1,
                )
            )
        seen: set[str] = set()
        for name in header:
            if name and name in seen:
                problems.append(Problem(f"the column {name} is named twice", line=1))
            seen.add(name)
    width = len(header)
    ended = reader.line_num
    try:
        for cells in reader:
            line, ended = ended + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            too_long = False
            for i, cell in enumerate(cells):
                if len(cell) > max_cell:
                    column = header[i] if i < width and header[i] else f"{i + 1}"
                    problems.append(
                        Problem(
                            f"the cell is longer than {max_cell:,} characters ({len(cell):,})",
                            line=line,
                            column=column,
                        )
                    )
                    too_long = True
            if too_long:
                continue
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problems.append(Problem("more values than the header has columns", line=line))
                continue
            row = {n: (cells[i].strip() if i < len(cells) else "") for i, n in enumerate(header)}
            table.rows.append(CsvRow(line=line, cells=row))
    except csv.Error as exc:
        problems.append(
            Problem(f"the file could not be read as a CSV ({exc})", line=reader.line_num)
        )
    return table


# --- Values against the fields they go into -------------------------------------------------


def text_problem(
    value: str, model_field: models.Field, *, line: int, column: str
) -> Problem | None:
    """A problem when `value` is longer than the model field allows."""
    limit = getattr(model_field, "max_length", None)
    if limit and len(value) > limit:
        return Problem(
            f"must be {limit:,} characters or fewer (it has {len(value):,})",
            line=line,
            column=column,
        )
    return None


def model_field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)


def lengths_check(
    row: CsvRow, model: type[models.Model], columns: dict[str, str], problems: list
) -> bool:
    """Check each CSV column in `columns` (column → model field name) against its field's
    max_length; appends problems, and returns True when all fit."""
    ok = True
    for column, name in columns.items():
        problem = text_problem(
            row.get(column), model_field(model, name), line=row.line, column=column
        )
        if problem:
            problems.append(problem)
            ok = False
    return ok


def decimal_limit(model_field: models.DecimalField) -> Decimal:
    """The smallest magnitude a DecimalField cannot hold: 10 ** (max_digits - decimal_places)."""
    return Decimal(10) ** (model_field.max_digits - model_field.decimal_places)


def decimal_check(
    value: Decimal, model_field: models.DecimalField, *, percentage: bool = False
) -> str | None:
    """Why `value` cannot be stored in the field (too large, or a percentage outside 0-100),
    or None. More decimal places than the field keeps are rounded by the database."""
    if not value.is_finite():
        return f"{value} is not a number"
    limit = decimal_limit(model_field)
    if abs(value) >= limit:
        return f"{value:,f} is too large: the largest allowed is less than {limit:,f}"
    if percentage and not Decimal(0) <= value <= Decimal(100):
        return f"{value.normalize():f} is not a percentage from 0 to 100"
    return None


def date_in_range(day: datetime.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def date_range_message() -> str:
    return f"must be a date between {FIRST_YEAR} and {LAST_YEAR}"
