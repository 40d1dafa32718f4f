"""Dates read as GOV.UK writes them: "15 March 2027", never "15 Mar 2027" or "15/03/2027"."""

import datetime as dt
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
ABBREVIATED = re.compile(r"""\|date:["'][^"']*\b[Mb]\b""")


def test_a_date_with_no_format_reads_in_full():
    text = Template("{{ d|date }} · {{ t|date:'DATETIME_FORMAT' }}").render(
        Context(
            {
                "d": dt.date(2027, 3, 15),
                "t": timezone.make_aware(dt.datetime(2027, 3, 15, 14, 30)),
            }
        )
    )
    assert text == "15 March 2027 · 15 March 2027, 14:30"


def test_no_template_abbreviates_the_month():
    templates = [
        p
        for p in ROOT.rglob("*.html")
        if ".venv" not in p.parts and "node_modules" not in p.parts and "var" not in p.parts
    ]
    assert len(templates) > 100
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in templates
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if ABBREVIATED.search(line)
    ]
    assert found == []
