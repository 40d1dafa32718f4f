"""CSV downloads: one response shape, and one guard against spreadsheet formulas on every cell.

A cell that starts with =, +, -, @, a tab or a carriage return could be run as a formula when
the file is opened in a spreadsheet (a council name, a summary, a supplier, a local period
label: anything someone typed or uploaded); such cells get a leading apostrophe. Numbers, and
text that is a plain number ("-12.50"), are written as they are. The writer that csv_response
hands out guards every cell itself, so an export cannot forget a column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from cib_portal.downloads import content_disposition

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d[\d,]*(\.\d+)?")


def safe_cell(text: Any) -> Any:
    """A cell that a spreadsheet will not run as a formula."""
    if text is None:
        return ""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        return text
    text = str(text)
    if text[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


class GuardedWriter:
    """A csv writer that passes every cell through safe_cell (idempotent: a cell already
    guarded starts with an apostrophe and is left alone)."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(filename: str, *, bom: bool = False) -> tuple[HttpResponse, GuardedWriter]:
    """An attachment response and a guarded csv writer on it. `bom` starts the file with a
    byte order mark, so that Excel reads it as UTF-8."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    if bom:
        response.write("\ufeff")
    return response, GuardedWriter(response)
