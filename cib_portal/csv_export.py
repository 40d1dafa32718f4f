"""CSV downloads: one response shape and one guard against spreadsheet formulas.

A cell a person typed (a council name, a summary, a supplier) that starts with =, +, -, @, a
tab or a carriage return could be run as a formula when the file is opened in a spreadsheet;
such cells get a leading apostrophe. Numbers are written as they are.
"""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: Any) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    text = "" if text is None else str(text)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def csv_response(filename: str) -> tuple[HttpResponse, Any]:
    """An attachment response and a csv writer on it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response, csv.writer(response)
