"""The shared CSV reading layer of the imports (cib_portal/csv_import.py)."""

from __future__ import annotations

import csv
import json
import pickle
from decimal import Decimal

import pytest

from cib_portal.csv_import import (
    CsvRejected,
    Problem,
    csv_read,
    decimal_check,
    problems_sorted,
)
from datasets.models import Observation


def test_rows_are_named_by_the_line_they_start_on_blank_lines_counted():
    table = csv_read(b'a,b\n\n1,"two\nlines"\n\n\n3,4\n', required=["a", "b"])
    assert [(r.line, r.cells) for r in table.rows] == [
        (3, {"a": "1", "b": "two\nlines"}),
        (7, {"a": "3", "b": "4"}),
    ]
    assert table.problems == []


def test_a_big_cell_is_a_problem_of_its_line_and_column_and_the_limit_is_put_back():
    before = csv.field_size_limit()
    table = csv_read("a,b\n1,2\n\n3," + "x" * 200_000 + "\n5,6\n", required=["a", "b"])
    assert [r.line for r in table.rows] == [2, 5]
    assert table.problems == [
        "Line 4, column b: the cell is longer than 131,072 characters (200,000)"
    ]
    assert csv.field_size_limit() == before


def test_files_that_cannot_be_read():
    for data, message in [
        (b"\xff\xfe", "The file must be a UTF-8 CSV"),
        (b"", "The file is empty"),
        (b"a\n1\n", "Line 1: the first line must be a header naming the columns a, b (missing: b)"),
    ]:
        with pytest.raises(CsvRejected) as caught:
            csv_read(data, required=["a", "b"])
        assert caught.value.errors == [message]


def test_a_problem_is_a_sentence_that_knows_its_line_and_column():
    problem = Problem("too long", line=4, column="name")
    assert problem == "Line 4, column name: too long"
    assert (problem.line, problem.column) == (4, "name")
    assert json.dumps([problem]) == '["Line 4, column name: too long"]'
    assert pickle.loads(pickle.dumps(problem)).line == 4
    assert problems_sorted([problem, Problem("x", line=2), "whole file"])[1:] == [
        "Line 2: x",
        "Line 4, column name: too long",
    ]


def test_numbers_are_checked_against_the_field():
    field = Observation._meta.get_field("value")  # numeric(20, 6)
    assert decimal_check(Decimal("99999999999999.5"), field) is None
    assert "too large" in decimal_check(Decimal("1e14"), field)
    assert "too large" in decimal_check(Decimal("-1e20"), field)
    assert decimal_check(Decimal("100"), field, percentage=True) is None
    assert decimal_check(Decimal("101"), field, percentage=True) == (
        "101 is not a percentage from 0 to 100"
    )
    assert decimal_check(Decimal("-1"), field, percentage=True) == (
        "-1 is not a percentage from 0 to 100"
    )
