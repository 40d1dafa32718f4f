"""Importing DfE's LAIT benchmarking data (the second source of the data set).

LAIT ships one long table (`bds_long_0.parquet`: `Short Desc, Data item, Years, LA and Regions,
Values, LA Number, Region`, every value a string) and a data dictionary describing each measure
(`Measure_short`, Topic, Polarity, Year_Type, units, description). Each measure becomes an
indicator `lait_<slug of Measure_short>`; each LA number an area (current councils, England and
the regions through LAIT's pseudo-codes 970–990, abolished councils as historic areas).

Year labels vary (`2015/16`, `2014-16`, `2013/14-15/16`, `2018-19 (OT)`, `2019 (Rev)`, …).
Each is read into a Period honestly; a label that cannot be read is never guessed at: its rows
are skipped and the label reported (counted and listed) in the result's outcomes. `-` marks a
missing value and is skipped (and counted).

The figures go through the same machinery as EES files: COPY into `import_staging`, then
`merge_staging()` — one transaction, idempotent, revisions kept.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils.text import slugify

from ..models import (
    ENGLAND_CODE,
    SYMBOLS,
    AreaLevel,
    ImportRun,
    Indicator,
    Period,
    PeriodType,
    Polarity,
    Source,
    Unit,
)
from .parsing import (
    FORMER_COUNCILS,
    INNER_LONDON,
    LONDON,
    MAX_ERRORS,
    OUTER_LONDON,
    Areas,
    ImportRejected,
    ImportResult,
)
from .runs import run_begin, run_rejected, run_succeeded
from .staging import _check_duplicates, create_staging, merge_staging

COLUMNS = ("Short Desc", "Years", "Values", "LA Number")
MISSING = "-"
ENGLAND_NUMBER = 970
# LAIT's pseudo-codes for regions (London's parts as the sub-regional areas EES files use).
REGION_NUMBERS = {
    980: "E12000001",
    981: "E12000002",
    982: "E12000003",
    983: "E12000004",
    984: "E12000005",
    985: "E12000006",
    986: LONDON,
    989: "E12000008",
    990: "E12000009",
}
SUBREGION_NUMBERS = {987: (INNER_LONDON, "Inner London"), 988: (OUTER_LONDON, "Outer London")}
COPY_BATCH = 100_000
# A span of more years than this is a misread (2013/14-12/13 is not 2013 to 2113).
MAX_SPAN = 10

UNPARSED = "Year labels that could not be read (rows skipped, nothing guessed)"
MISSING_KIND = "Missing values ('-'), skipped"
UNKNOWN_AREA = "LA numbers that are not a council, region or England (rows skipped)"
HISTORIC = "Former councils, stored as historic areas"

_NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
_SINGLE = re.compile(r"^(\d{4})(?: \((Rev|Final|prov|Prov|Provisional|revised|final)\))?$")
_SPLIT = re.compile(r"^(\d{4})[/-](\d{2})(?: \((OT|BE|Rev|Final|prov)\))?$")
_MULTI = re.compile(r"^(\d{4})/(\d{2})-(\d{2})/(\d{2})$")


@dataclass(frozen=True)
class ParsedLabel:
    start_year: int
    end_year: int
    multi_year: bool


def _century(start: int, two_digits: str) -> int:
    """The four-digit year ending in `two_digits` that follows `start` (within a century)."""
    year = start - start % 100 + int(two_digits)
    return year + 100 if year < start else year


def parse_year_label(label: str, *, calendar: bool = False) -> ParsedLabel | None:
    """Years covered by a LAIT `Years` label; None when it cannot be read honestly.

    `2019`, `2019 (Rev)` → 2019; `2015/16`, `2015-16`, `2018-19 (OT)` → one financial or academic
    year 2015–2016 (two calendar years, for calendar-year measures); `2014-16` → the three years
    2014–2016; `2013/14-15/16` → the three academic or financial years 2013/14 to 2015/16.
    """
    text = label.strip()
    if m := _SINGLE.match(text):
        year = int(m.group(1))
        if not 1900 <= year <= 2100:
            return None
        return ParsedLabel(year, year, False)
    if m := _SPLIT.match(text):
        start = int(m.group(1))
        end = _century(start, m.group(2))
        if end == start or end - start > MAX_SPAN:
            return None
        if end == start + 1 and not calendar:
            return ParsedLabel(start, end, False)
        if "/" in text or m.group(3):
            # "2015/16" or an outturn label always names one financial or academic year.
            return ParsedLabel(start, end, False) if end == start + 1 else None
        return ParsedLabel(start, end, True)
    if m := _MULTI.match(text):
        first, first_end = int(m.group(1)), _century(int(m.group(1)), m.group(2))
        last = _century(first, m.group(3))
        last_end = _century(last, m.group(4))
        if first_end != first + 1 or last_end != last + 1 or not 0 < last - first <= MAX_SPAN:
            return None
        return ParsedLabel(first, last_end, True)
    return None


_YEAR_TYPES = {
    "academic year": PeriodType.ACADEMIC_YEAR,
    "financial year": PeriodType.FINANCIAL_YEAR,
    "calendar year": PeriodType.CALENDAR_YEAR,
}


def time_identifier(year_type: str, parsed: ParsedLabel) -> str:
    """The period's time identifier: Multi-year for spans, else the dictionary's Year_Type."""
    if parsed.multi_year:
        return str(PeriodType.MULTI_YEAR)
    text = (year_type or "").strip()
    if text.lower() in _YEAR_TYPES:
        return str(_YEAR_TYPES[text.lower()])
    if not text or text.upper() in {"NA", "-"}:
        return str(PeriodType.REPORTING_YEAR)
    return text[:40]


def polarity_from(text: str) -> str:
    value = (text or "").strip().lower()
    if value == "high":
        return Polarity.HIGHER
    if value == "low":
        return Polarity.LOWER
    return Polarity.NEITHER


def unit_from(axis: str) -> str:
    """The unit, only where the dictionary's axis name says it plainly (else 'number')."""
    text = (axis or "").strip().lower()
    if text.startswith("%") or "percentage" in text:
        return Unit.PERCENTAGE
    if text == "rate per 10,000":
        return Unit.RATE_10K
    if text in {"spend", "unit cost"} or "£" in text:
        return Unit.CURRENCY
    if text == "days" or text.startswith("number of days"):
        return Unit.DAYS
    if text.startswith("number") or text in {"total cases", "entries"}:
        return Unit.COUNT
    return Unit.NUMBER


def read_dictionary(path: Path) -> dict[str, dict[str, str]]:
    """Measure_short → the dictionary's first row for it."""
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row.get("Measure_short") or "").strip()
            if key and key not in out:
                out[key] = row
    return out


def indicator_codes(measures: list[str], dictionary: dict[str, dict[str, str]]) -> dict[str, str]:
    """Measure_short → indicator code; measures whose slugs clash get the measure code too."""
    slugs = {m: slugify(m).replace("-", "_") for m in measures}
    clashes = {s for s, n in Counter(slugs.values()).items() if n > 1}
    codes = {}
    for measure, slug in slugs.items():
        if slug in clashes:
            number = (dictionary.get(measure, {}).get("Measure_code") or "").strip()
            slug = f"{slug}_{slugify(number) or len(codes)}"
        codes[measure] = f"lait_{slug}"[:120]
    return codes


def _dps(text: str) -> int:
    return int(text) if (text or "").strip().isdigit() else 1


def theme_from(topic: str) -> str:
    """A LAIT topic as a theme the catalogue's own themes sit beside: sentence case (so "Child
    Protection" is the catalogue's "Child protection", not a second theme), words for "&" and
    "\\" ("Contextual\\Other" is "Contextual and other"), acronyms kept ("Children with SEN")."""
    text = topic.replace("\\", " and ").replace("&", " and ")
    words = text.split()
    if not words:
        return "LAIT"
    words[1:] = [w if len(w) > 1 and w.isupper() else w.lower() for w in words[1:]]
    return " ".join(words)[:100]


def _indicators(measures: list[str], dictionary: dict[str, dict[str, str]]) -> dict[str, int]:
    """Measure_short → indicator id, creating missing indicators (existing ones are left as
    national staff may have edited them)."""
    codes = indicator_codes(measures, dictionary)
    existing = dict(Indicator.objects.filter(code__in=codes.values()).values_list("code", "pk"))
    new = []
    for measure, code in codes.items():
        if code in existing:
            continue
        row = dictionary.get(measure, {})
        year_type = (row.get("Year_Type") or "").strip().lower()
        new.append(
            Indicator(
                code=code,
                name=((row.get("Measure") or "").strip() or measure)[:300],
                theme=theme_from(row.get("Topic") or ""),
                unit=unit_from(row.get("y_axis_name", "")),
                polarity=polarity_from(row.get("Polarity", "")),
                source=Source.LAIT,
                definition=(row.get("Description") or "").strip(),
                period_type=_YEAR_TYPES.get(year_type, PeriodType.REPORTING_YEAR),
                decimals=_dps(row.get("dps", "")),
            )
        )
    Indicator.objects.bulk_create(new)
    existing = dict(Indicator.objects.filter(code__in=codes.values()).values_list("code", "pk"))
    return {measure: existing[code] for measure, code in codes.items()}


def read_la_names(path: Path | None) -> dict[int, str]:
    if path is None or not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            int(row["LA Number"]): row["LA Name"].strip()
            for row in csv.DictReader(handle)
            if row.get("LA Number", "").strip().isdigit()
        }


def _area_for(number: int, areas: Areas, la_names: dict[int, str]) -> tuple[int | None, str]:
    """(area id, outcome kind or '') for a LAIT LA number; None when it is not known."""
    if number == ENGLAND_NUMBER:
        return areas.by_code[ENGLAND_CODE], ""
    if number in REGION_NUMBERS:
        code = REGION_NUMBERS[number]
        return (areas.by_code.get(code), "")
    if number in SUBREGION_NUMBERS:
        code, name = SUBREGION_NUMBERS[number]
        return areas._historic(code, name, AreaLevel.SUBREGIONAL), ""
    if number in areas.council_codes:
        return areas.by_code.get(areas.council_codes[number]), ""
    key = str(number)
    if key in FORMER_COUNCILS:
        return areas._historic(f"LA:{key}", f"{FORMER_COUNCILS[key]} ({key})"), HISTORIC
    return None, UNKNOWN_AREA


def import_lait_file(
    path: Path | str,
    *,
    dictionary_path: Path | str,
    la_codes_path: Path | str | None = None,
    started_by=None,
    run: ImportRun | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportRun, ImportResult]:
    """Import a LAIT long parquet file (all or nothing). Raises ImportRejected (recorded on the
    run) with every problem found."""
    path = Path(path)
    run = run_begin(path=path, started_by=started_by, run=run)
    try:
        if not path.exists():
            raise ImportRejected([f"There is no file {path.name}."])
        result = _import(
            path,
            read_dictionary(Path(dictionary_path)),
            read_la_names(Path(la_codes_path) if la_codes_path else None),
            run,
        )
    except ImportRejected as exc:
        run_rejected(run=run, errors=exc.errors, path=path)
        raise
    run_succeeded(run=run, result=result, path=path)
    return run, result


def _read_table(path: Path):
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises several kinds for a file that is not parquet
        raise ImportRejected([f"{path.name} is not a readable parquet file ({exc})."]) from None
    missing = [c for c in COLUMNS if c not in schema.names]
    if missing:
        raise ImportRejected(
            [f"The file has no column {', '.join(repr(c) for c in missing)} (needed for LAIT)."]
        )
    return pq.read_table(path, columns=list(COLUMNS))


def _import(
    path: Path,
    dictionary: dict[str, dict[str, str]],
    la_names: dict[int, str],
    run: ImportRun,
) -> ImportResult:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = _read_table(path)
    result = ImportResult(rows_read=table.num_rows)
    if table.num_rows == 0:
        raise ImportRejected(["The file has no rows."])
    measure_col = pc.utf8_trim_whitespace(table.column("Short Desc").cast(pa.string()))
    years_col = pc.utf8_trim_whitespace(table.column("Years").cast(pa.string()))
    values_col = pc.utf8_trim_whitespace(table.column("Values").cast(pa.string()))
    numbers_col = table.column("LA Number")

    errors: list[str] = []
    for name, column in (("Short Desc", measure_col), ("Years", years_col)):
        if column.null_count:
            rows = pc.indices_nonzero(pc.is_null(column)).to_pylist()[:20]
            errors.append(f"Column {name}: empty in row(s) {', '.join(str(r + 1) for r in rows)}.")
    if numbers_col.null_count:
        rows = pc.indices_nonzero(pc.is_null(numbers_col)).to_pylist()[:20]
        errors.append(f"Column LA Number: empty in row(s) {', '.join(str(r + 1) for r in rows)}.")
    # Values: a number (scientific notation allowed), a suppression symbol, or '-'.
    values_col = values_col.fill_null(MISSING)
    is_missing = pc.equal(values_col, MISSING)
    is_number = pc.match_substring_regex(values_col, _NUMBER)
    lowered = pc.utf8_lower(values_col)
    is_symbol = pc.is_in(lowered, value_set=pa.array(sorted(SYMBOLS)))
    bad = pc.invert(pc.or_(pc.or_(is_missing, is_number), is_symbol))
    if pc.any(bad).as_py():
        bad_rows = pc.indices_nonzero(bad).to_pylist()
        bad_values = pc.take(values_col, pa.array(bad_rows[:MAX_ERRORS])).to_pylist()
        for row, value in zip(bad_rows[:MAX_ERRORS], bad_values, strict=True):
            errors.append(
                f"Row {row + 1}, column Values: {value!r} is not a number, '-' or a "
                "suppression symbol."
            )
        if len(bad_rows) > MAX_ERRORS:
            errors.append(f"Stopped after {MAX_ERRORS} problems ({len(bad_rows)} in all).")
    if errors:
        raise ImportRejected(errors)
    numbers_col = pc.cast(numbers_col, pa.int32())

    with transaction.atomic():
        # Indicators, one per measure.
        measures_enc = measure_col.combine_chunks().dictionary_encode()
        measures = measures_enc.dictionary.to_pylist()
        unknown = sorted(set(measures) - set(dictionary))
        if unknown:
            raise ImportRejected(
                [
                    f"Measure {m!r} (column Short Desc) is not in the data dictionary."
                    for m in unknown[:MAX_ERRORS]
                ]
            )
        indicator_by_measure = _indicators(measures, dictionary)
        indicator_ids = pc.take(
            pa.array([indicator_by_measure[m] for m in measures], pa.int32()),
            measures_enc.indices,
        )

        # Periods, per (measure's year type, label).
        pair = pc.binary_join_element_wise(measure_col, years_col, "\x1f").combine_chunks()
        pair_enc = pair.dictionary_encode()
        periods = {(p.label, p.time_identifier): p.pk for p in Period.objects.all()}
        pair_period: list[int | None] = []
        unparsed: Counter[str] = Counter()
        wanted: dict[tuple[str, str], tuple[int, int]] = {}
        pair_keys = []
        for text in pair_enc.dictionary.to_pylist():
            measure, label = text.split("\x1f", 1)
            year_type = dictionary.get(measure, {}).get("Year_Type", "")
            parsed = parse_year_label(label, calendar=year_type.strip().lower() == "calendar year")
            if parsed is None:
                pair_keys.append(None)
                continue
            key = (label, time_identifier(year_type, parsed))
            pair_keys.append(key)
            wanted[key] = (parsed.start_year, parsed.end_year)
        Period.objects.bulk_create(
            [
                Period(label=label, time_identifier=ident, start_year=s, end_year=e)
                for (label, ident), (s, e) in wanted.items()
                if (label, ident) not in periods
            ],
            ignore_conflicts=True,
        )
        periods = {(p.label, p.time_identifier): p.pk for p in Period.objects.all()}
        pair_period = [periods[k] if k else None for k in pair_keys]
        period_ids = pc.take(pa.array(pair_period, pa.int32()), pair_enc.indices)
        if period_ids.null_count:
            skipped = pc.filter(years_col, pc.is_null(period_ids))
            for item in pc.value_counts(skipped).to_pylist():
                unparsed[item["values"]] += item["counts"]
            result.outcomes[UNPARSED] = dict(sorted(unparsed.items()))

        # Areas, per LA number.
        numbers_enc = numbers_col.combine_chunks().dictionary_encode()
        areas = Areas(result)
        area_by_index: list[int | None] = []
        kinds: dict[int, str] = {}
        for number in numbers_enc.dictionary.to_pylist():
            area_id, kind = _area_for(number, areas, la_names)
            area_by_index.append(area_id)
            if kind:
                kinds[number] = kind
        area_ids = pc.take(pa.array(area_by_index, pa.int32()), numbers_enc.indices)

        # Outcomes by LA number, counting only rows that carry a figure.
        present = pc.and_(pc.invert(is_missing), pc.is_valid(period_ids))
        if kinds:
            counts = pc.value_counts(pc.filter(numbers_col, present)).to_pylist()
            for item in counts:
                number = item["values"]
                if number in kinds:
                    name = la_names.get(number) or FORMER_COUNCILS.get(str(number)) or "?"
                    result.outcomes.setdefault(kinds[number], {})[f"{name} ({number})"] = item[
                        "counts"
                    ]
        missing_count = pc.sum(is_missing.cast(pa.int32())).as_py() or 0
        if missing_count:
            result.outcomes[MISSING_KIND] = {"-": missing_count}

        keep = pc.and_(present, pc.is_valid(area_ids))
        symbol = pc.if_else(is_symbol, lowered, "")
        value = pc.if_else(is_number, values_col, pa.scalar(None, pa.string()))
        out = pa.table(
            {
                "indicator_id": indicator_ids,
                "area_id": area_ids,
                "period_id": period_ids,
                "value": value,
                "symbol": symbol,
                "line": pa.array(range(1, table.num_rows + 1), pa.int32()),
            }
        ).filter(keep)

        with connection.cursor() as cursor:
            create_staging(cursor)
            options = pacsv.WriteOptions(include_header=False)
            for batch in out.to_batches(max_chunksize=COPY_BATCH):
                buffer = io.BytesIO()
                pacsv.write_csv(pa.Table.from_batches([batch]), buffer, options)
                buffer.seek(0)
                cursor.copy_expert(
                    "COPY import_staging (indicator_id, area_id, period_id, value, symbol, line) "
                    "FROM STDIN WITH (FORMAT csv)",
                    io.TextIOWrapper(buffer, encoding="utf-8"),
                )
            _check_duplicates(cursor, noun="Rows")
            merge_staging(cursor, run, result)
    return result
