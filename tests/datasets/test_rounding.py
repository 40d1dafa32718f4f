"""Figures are rounded as DfE rounds them: half up, on the Decimal, never through float.

DfE's statistics round halves up (124.5 -> 125, 16.25 -> 16.3); Python's float formatting and
`round` do not (124.5 -> "124", 16.25 -> "16.2"). The issue found 387 figures wrong only by this,
among them Blackpool's children-looked-after neighbour mean and Hartlepool's caseload.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from cib_portal.numbers import format_decimal, round_half_up
from datasets.charts import format_number
from datasets.models import Indicator
from datasets.templatetags.data_figures import signed

pytestmark = pytest.mark.django_db

BLACKPOOL = "E06000009"
HARTLEPOOL = "E06000001"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("124.5"), 0, "125"),
        (Decimal("16.25"), 1, "16.3"),
        (Decimal("2.675"), 2, "2.68"),
        (2.675, 2, "2.68"),  # the float 2.675 is 2.67499..., but it means 2.675
        (Decimal("-0.05"), 1, "-0.1"),
        (Decimal("-0.04"), 1, "0.0"),
        (Decimal("1234567.45"), 1, "1,234,567.5"),
        (Decimal("0.5"), 0, "1"),
    ],
)
def test_format_decimal_rounds_half_up(value, decimals, expected):
    assert format_decimal(value, decimals) == expected


def test_the_figure_filters_round_half_up():
    assert format_number(Decimal("124.5"), 0, "rate") == "125"
    assert format_number(Decimal("16.25"), 1, "percentage") == "16.3%"
    assert signed(Decimal("0.125"), 2) == "+0.13"
    assert signed(Decimal("-0.125"), 2) == "−0.13"
    assert round_half_up(Decimal("21.45"), 1) == Decimal("21.5")


def _half_way_means(client, gss):
    """The profile's (indicator, neighbour mean) pairs whose mean lies exactly half way at the
    indicator's decimals, with the page's HTML."""
    response = client.get(f"/data/councils/{gss}/")
    assert response.status_code == 200
    halves = []
    for block in response.context["themes"]:
        for item in block["items"]:
            c = item["c"]
            mean = c.group_mean
            if mean is None:
                continue
            step = Decimal(1).scaleb(-c.indicator.decimals)
            if (mean / step) % 1 == Decimal("0.5"):
                halves.append((c.indicator, mean))
    return halves, response.content.decode()


@pytest.mark.parametrize("gss", [BLACKPOOL, HARTLEPOOL])
def test_profiles_show_half_way_neighbour_means_rounded_up(gss, data_set, officer, client_for):
    halves, page = _half_way_means(client_for(officer), gss)
    assert halves, "the published figures give this council a half-way neighbour mean"
    shown = re.findall(r"Statistical neighbours' mean</th><td[^>]*>([^<]*?) <span", page)
    for indicator, mean in halves:
        up = mean.quantize(Decimal(1).scaleb(-indicator.decimals), rounding=ROUND_HALF_UP)
        text = f"{up:,.{indicator.decimals}f}" + ("%" if indicator.unit == "percentage" else "")
        assert text in shown, f"{indicator.code}: mean {mean} should read {text}"


def test_compare_page_rounds_half_up(data_set, officer, client_for):
    halves, _ = _half_way_means(client_for(officer), BLACKPOOL)
    page = client_for(officer).get(f"/data/councils/{BLACKPOOL}/compare/").content.decode()
    for indicator, mean in halves:
        up = mean.quantize(Decimal(1).scaleb(-indicator.decimals), rounding=ROUND_HALF_UP)
        assert f"{up:,.{indicator.decimals}f}" in page, indicator.code
    assert Indicator.objects.filter(code__in=[i.code for i, _ in halves]).exists()
