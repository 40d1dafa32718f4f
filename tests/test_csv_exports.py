"""Every CSV export passes every cell through the one formula guard, and every download's
file name goes into Content-Disposition safely (issue 11, item 11).

The exports: an indicator's figures, the national devolved funds view, an agreement's budget,
the risk flags, the early support dashboard's councils and the reciprocity ledger. Each is
filled with text a spreadsheet would run (council and region names, a flag's summary, a local
period label and its time identifier) and read back: no cell may start a formula.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from cib_portal.csv_export import csv_response, safe_cell
from cib_portal.downloads import content_disposition
from regions.models import Council, Region
from tests.conftest import LEEDS, YORKSHIRE
from tests.factories import make_member

FORMULA = '=HYPERLINK("http://evil.example","x")'
PERIOD = '=HYPERLINK("http://x","2024-25")'  # a local period label: it has a year
NUMBER = re.compile(r"-?\d[\d,]*(\.\d+)?")


def live_formulas(response, *, typed: bool = True) -> list[str]:
    """Cells a spreadsheet would run as a formula (where the export shows typed text, the
    test's own must be there, guarded)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    if typed:
        assert any(c.startswith("'=HYPERLINK") for c in cells), "the test's text is not in it"
    return [c for c in cells if c and c[0] in "=+-@\t\r" and not NUMBER.fullmatch(c)]


def parse_disposition(header: str) -> str:
    """The file name a browser takes from the header (filename* first, as RFC 6266 says),
    checking that the header is well formed."""
    match = re.fullmatch(
        r"attachment; filename=\"(?P<plain>[^\"\\\r\n]*)\""
        r"(; filename\*=UTF-8''(?P<encoded>[A-Za-z0-9%._~-]+))?",
        header,
    )
    assert match, header
    return unquote(match["encoded"]) if match["encoded"] else match["plain"]


@pytest.fixture
def formulas_everywhere(reference_data):
    """Leeds and Yorkshire named as formulas (inside the test's transaction only)."""
    Council.objects.filter(gss_code=LEEDS).update(name=f"{FORMULA} Leeds")
    Region.objects.filter(gss_code=YORKSHIRE).update(name=f"{FORMULA} Yorkshire")


# --- The guard itself --------------------------------------------------------------------


def test_the_writer_guards_every_cell_and_leaves_numbers_alone():
    response, writer = csv_response("x.csv")
    writer.writerow(["=1+2", "+1", "-cmd|x", "@SUM(A1)", "\tx", "-12.50", -3, 4.5, "plain"])
    (row,) = list(csv.reader(io.StringIO(response.content.decode())))
    assert row == ["'=1+2", "'+1", "'-cmd|x", "'@SUM(A1)", "'\tx", "-12.50", "-3", "4.5", "plain"]
    assert safe_cell(safe_cell("=1")) == "'=1"  # guarding twice changes nothing


# --- Every export ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_indicator_csv(client_for, formulas_everywhere):
    from datasets import services
    from datasets.models import Period

    services.areas_sync()
    officer = make_member(LEEDS, "council_officer", email="o@leeds.example")
    indicator = services.local_indicator_create(
        actor=officer,
        council=Council.objects.get(gss_code=LEEDS),
        name="Visits",
        unit="count",
        polarity="higher",
    )
    services.local_value_set(actor=officer, indicator=indicator, period=PERIOD, value="-4")
    Period.objects.filter(label=PERIOD).update(time_identifier="@SUM(1+1)")
    response = client_for(officer).get(reverse("datasets:indicator_csv", args=[indicator.code]))
    assert live_formulas(response) == []
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][4:7] == [f"'{PERIOD}", "'@SUM(1+1)", "-4"]
    # The label's quotes do not break the header; the browser gets the whole name.
    name = parse_disposition(response["Content-Disposition"])
    assert name == f"{indicator.code}-{PERIOD.replace('/', '-')}.csv"


@pytest.fixture
def agreement(reference_data, cib_admin):
    from funds.services import agreement_create

    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=2027,
        allocations={"project_management": 1_000_000, "early_support": 5_000},
    )


@pytest.mark.django_db
def test_the_funds_exports(client_for, cib_admin, agreement, formulas_everywhere):
    client = client_for(cib_admin)
    assert live_formulas(client.get("/funds/export/", {"year": 2027})) == []
    budget = client.get(f"/funds/agreements/{agreement.pk}/export/")
    assert live_formulas(budget, typed=False) == []  # purposes and sums: nothing typed


@pytest.mark.django_db
def test_the_early_support_exports(client_for, national_adviser, formulas_everywhere):
    from earlysupport.defaults import rules_sync
    from earlysupport.models import Flag, Rule

    rules_sync()
    rule = Rule.objects.get(code="deterioration")
    Flag.objects.create(
        council=Council.objects.get(gss_code=LEEDS),
        rule=rule,
        severity=rule.severity,
        summary=FORMULA,
        raised_at=timezone.now(),
    )
    client = client_for(national_adviser)
    assert live_formulas(client.get("/early-support/flags/", {"format": "csv"})) == []
    assert live_formulas(client.get("/early-support/councils.csv", {"flags": 1})) == []


@pytest.mark.django_db
def test_the_ledger_export(client_for, regional_lead, formulas_everywhere):
    response = client_for(regional_lead).get(
        "/peer-challenge/ledger/export.csv", {"region": YORKSHIRE, "year": 2026}
    )
    assert live_formulas(response) == []


# --- The header ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        'Leeds "City" Council.csv',
        'report"; filename="evil.exe',
        "Bristol, City of.csv",
        "Ynys Môn – plan.pdf",
        "line\r\nSet-Cookie: x=1.csv",
        "back\\slash.csv",
    ],
)
def test_the_header_is_well_formed_for_any_name(name):
    header = content_disposition(name)
    assert "\r" not in header and "\n" not in header
    assert parse_disposition(header) == " ".join(name.split())


def test_a_plain_name_keeps_the_plain_header():
    assert content_disposition("risk-flags.csv") == 'attachment; filename="risk-flags.csv"'


def test_a_csv_named_after_a_council_with_a_quote_keeps_its_whole_name():
    response, _ = csv_response('Leeds "City" Council.csv')
    assert parse_disposition(response["Content-Disposition"]) == 'Leeds "City" Council.csv'
