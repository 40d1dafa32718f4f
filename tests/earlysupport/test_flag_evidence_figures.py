"""A flag's figures table shares units and precision (issue 12, item 7): the council's figure
and its neighbours' mean are written with the indicator's decimals and unit, not as the floats
the evaluator stores ("22.1%" and "15.2%", not "22.1" beside "15.23333")."""

from __future__ import annotations

import re

import pytest

from datasets.models import Indicator
from tests.earlysupport.test_triage import make_flag

pytestmark = pytest.mark.django_db


def _evidence(code: str, value, sn_mean) -> dict:
    return {
        "words": ["Turnover is high."],
        "figures": [
            {
                "indicator": code,
                "name": "Social worker turnover rate (FTE)",
                "period": "2024",
                "value": value,
                "sn_mean": sn_mean,
                "sn_count": 9,
                "national_rank": 140,
                "national_count": 153,
                "quartile": "D",
            }
        ],
    }


def _indicator(code: str, unit: str, decimals: int) -> Indicator:
    return Indicator.objects.create(
        code=code, name=code, theme="Workforce", unit=unit, source="csww", decimals=decimals
    )


def _cells(text: str) -> list[str]:
    # The caption may sit in the table or above its scrolling region.
    table = text[text.index(">The figures<") :]
    table = table[table.index("<tbody") : table.index("</tbody>")]
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table)
    ]


def test_a_percentage_and_its_neighbours_mean_share_unit_and_decimals(
    risk_rules, client_for, adviser
):
    indicator = _indicator("test_turnover_pct", "percentage", 1)
    flag = make_flag(
        risk_rules["workforce-pressure"], evidence=_evidence(indicator.code, 22.1, 15.23333)
    )
    text = client_for(adviser).get(f"/early-support/flags/{flag.pk}/").content.decode()
    cells = _cells(text)
    assert cells[2] == "22.1%"
    assert cells[3] == "15.2% (9)"
    assert "15.23333" not in text


def test_a_count_keeps_its_whole_numbers(risk_rules, client_for, adviser):
    indicator = _indicator("test_referrals", "count", 0)
    flag = make_flag(
        risk_rules["deterioration"], evidence=_evidence(indicator.code, 1234.0, 1180.5)
    )
    cells = _cells(client_for(adviser).get(f"/early-support/flags/{flag.pk}/").content.decode())
    assert cells[2] == "1,234" and cells[3] == "1,181 (9)"


def test_an_unknown_indicator_is_shown_as_stored(risk_rules, client_for, adviser):
    flag = make_flag(risk_rules["deterioration"], evidence=_evidence("gone", "7.25", "7.5"))
    cells = _cells(client_for(adviser).get(f"/early-support/flags/{flag.pk}/").content.decode())
    assert cells[2] == "7.25"


def test_an_outsider_gets_404(risk_rules, client_for, other_officer):
    flag = make_flag(risk_rules["deterioration"], evidence=_evidence("sw_turnover_pct", 1, 2))
    assert client_for(other_officer).get(f"/early-support/flags/{flag.pk}/").status_code == 404


def test_the_council_and_each_indicator_link_to_their_pages(risk_rules, client_for, adviser):
    indicator = _indicator("test_turnover_pct", "percentage", 1)
    evidence = _evidence(indicator.code, 22.1, 15.2)
    evidence["figures"].append({**evidence["figures"][0], "indicator": "gone_from_catalogue"})
    flag = make_flag(risk_rules["workforce-pressure"], evidence=evidence)
    text = client_for(adviser).get(f"/early-support/flags/{flag.pk}/").content.decode()
    code = flag.council.gss_code
    assert f"({code})" not in text  # no raw GSS code beside the name
    assert f'href="/councils/{code}/">{flag.council.name}</a>' in text
    profile = f"{flag.council.display_name}'s data profile"
    assert f'href="/data/councils/{code}/">{profile}</a>' in text
    assert (
        f'href="/data/indicators/{indicator.code}/">Social worker turnover rate (FTE)</a>' in text
    )
    # An indicator no longer in the catalogue has no page: its name is not a link.
    assert text.count("Social worker turnover rate (FTE)</a>") == 1
