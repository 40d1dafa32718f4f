"""The backtest: its counts on a small controlled case, reproducible and consistent with the
findings and judgements on the real data set, the command, the cache, and the advisers-only
page."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import BRADFORD, LEEDS, MANCHESTER

from .test_rules import _inspection, council, rule

DAY = dt.date(2090, 1, 1)


@pytest.fixture
def case(reference_data):
    """On 1 January 2090: Leeds, Manchester and Bradford's neighbours-free case. Leeds and
    Manchester under an improvement notice (flagged), Sheffield too but never inspected after;
    Leeds then judged Inadequate, Manchester Good (then Inadequate: only the first counts),
    Bradford (not flagged) Inadequate; Wakefield judged after the horizon (left out)."""
    from earlysupport.models import Intervention

    r = rule("es-int", "intervention", params={"kinds": ["improvement_notice"]}, severity="red")
    flagged = [LEEDS, MANCHESTER, "E08000019"]  # Sheffield
    for gss in flagged:
        Intervention.objects.create(
            council=council(gss), kind="improvement_notice", starts_on=dt.date(2089, 6, 1)
        )
    _inspection(council(LEEDS), "2090-05-01", "2090-06-01", "inadequate")
    _inspection(council(MANCHESTER), "2090-05-01", "2090-06-01", "good")
    _inspection(council(MANCHESTER), "2091-05-01", "2091-06-01", "inadequate")
    _inspection(council(BRADFORD), "2092-05-01", "2092-06-01", "inadequate")
    _inspection(council("E08000036"), "2093-01-01", "2093-01-02", "inadequate")  # Wakefield
    return r


def test_counts_on_a_controlled_case(case):
    from earlysupport.backtest import backtest
    from regions.models import Council

    result = backtest(dates=[DAY], horizon_months=36, rules=[case])
    (day,) = result.dates
    assert day.councils == Council.objects.count()
    assert (day.judged, day.inadequate, day.good_or_better) == (3, 2, 1)
    assert day.not_judged == day.councils - 3
    assert day.base_rate == pytest.approx(66.7)
    rows = {r["code"]: r for r in day.row_figures()}
    for code in ("es-int", "any-except-ofsted", "any"):
        row = rows[code]
        assert row["flagged"] == 3 and row["flagged_judged"] == 2
        assert row["then_inadequate"] == 1 and row["then_good_or_better"] == 1
        assert row["caught_pct"] == 50.0 and row["inadequate_pct"] == 50.0
    assert result.total.as_dict()["rows"] == day.as_dict()["rows"]
    assert any("cannot fire" in c for c in result.caveats)


def test_the_horizon_and_the_date_bound_what_follows(case):
    from earlysupport.backtest import backtest

    (day,) = backtest(dates=[DAY], horizon_months=12, rules=[case]).dates
    assert (day.judged, day.inadequate) == (2, 1)  # Bradford's is after 12 months
    # A day after the notices start and after Leeds' and Manchester's reports: nothing follows
    # for them, and the intervention is in force.
    (later,) = backtest(dates=[dt.date(2090, 7, 1)], horizon_months=36, rules=[case]).dates
    rows = {r.code: r for r in later.rows}
    assert rows["es-int"].flagged == 3 and rows["es-int"].flagged_judged == 1  # Manchester 2091
    assert later.inadequate == 3  # Manchester 2091, Bradford 2092, Wakefield 2093


def test_reproducible_and_consistent_with_findings_and_judgements(data_set, risk_rules):
    """One date on the real data set, recomputed by hand from findings and inspections."""
    from earlysupport.backtest import ANY, ANY_BUT_OFSTED, backtest
    from earlysupport.rules import add_months
    from earlysupport.services.evaluation import findings
    from regions.models import OfstedInspection

    day = dt.date(2021, 4, 1)
    first = backtest(dates=[day])
    assert backtest(dates=[day]).as_dict() == first.as_dict()
    (result,) = first.dates

    following: dict[int, str] = {}
    for insp in OfstedInspection.objects.order_by("publication_date", "inspection_date"):
        if day < insp.publication_date <= add_months(day, 36):
            following.setdefault(insp.council_id, insp.overall)
    inadequate = {c for c, j in following.items() if j == "inadequate"}
    good = {c for c, j in following.items() if j in ("good", "outstanding")}
    assert result.judged == len(following) > 0
    assert result.inadequate == len(inadequate) > 0
    assert result.good_or_better == len(good)

    flagged: dict[str, set[int]] = {}
    for f in findings(as_of=day):
        flagged.setdefault(f.rule.code, set()).add(f.council_id)
    others = set().union(*(v for k, v in flagged.items() if not k.startswith("ofsted")))
    flagged[ANY_BUT_OFSTED] = others
    flagged[ANY] = set().union(*flagged.values())
    assert flagged["workforce-pressure"], "the workforce rule finds something in 2021"
    for row in result.rows:
        mine = flagged.get(row.code, set())
        assert row.flagged == len(mine), row.code
        assert row.flagged_judged == len(mine & following.keys()), row.code
        assert row.then_inadequate == len(mine & inadequate), row.code
        assert row.then_good_or_better == len(mine & good), row.code
    rows = {r.code: r for r in result.rows}
    assert rows["in-intervention"].flagged == 0 and rows["leadership-instability"].flagged == 0


def test_the_command_prints_a_table_and_json(case):
    out = StringIO()
    call_command("backtest_risk_flags", "--dates", "2090-01-01", "--rules", "es-int", stdout=out)
    text = out.getvalue()
    assert "2090-01-01: " in text and "3 judged within the horizon" in text
    assert "es-int" in text and "Caveats:" in text
    out = StringIO()
    call_command(
        "backtest_risk_flags", "--dates", "2090-01-01", "--rules", "es-int", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["dates"][0]["inadequate"] == 2 and data["horizon_months"] == 36


def test_the_command_refuses_unknown_rules(case):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown rules: nope"):
        call_command("backtest_risk_flags", "--rules", "nope", stdout=StringIO())


def test_the_cache_key_follows_the_rules(case):
    from earlysupport.backtest import cache_key

    before = cache_key()
    assert cache_key() == before
    case.weight = 3
    case.save()
    assert cache_key() != before


# --- The page -------------------------------------------------------------------------------

URL = "/early-support/backtest/"


@pytest.mark.parametrize("who", ["adviser", "national_adviser"])
def test_advisers_see_the_page(case, request, client_for, who):
    from django.core.cache import cache

    from earlysupport.backtest import cache_key

    cache.delete(cache_key())
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "How the risk rules would have done" in text
    assert "not proof that they work" in text
    assert "not in the shipped data" in text
    assert 'data-rule="any-except-ofsted"' in text


def test_the_page_is_served_from_the_cache(case, adviser, client_for):
    """What is cached under the current key is what the page shows (other test sessions may
    clear the shared test cache at any time, so the value is put there just before)."""
    from django.core.cache import cache

    from earlysupport.backtest import backtest, cache_key

    data = backtest(dates=[DAY], rules=[case]).as_dict()
    data["caveats"] = ["A caveat only the cached copy has."]
    cache.set(cache_key(), data, 60)
    text = client_for(adviser).get(URL).content.decode()
    assert "A caveat only the cached copy has." in text


@pytest.mark.parametrize(
    "who",
    [
        "dcs",
        "lead_member",
        "regional_lead",
        "officer",
        "other_officer",
        "other_regional_lead",
        "cib_admin",
        "no_role_user",
    ],
)
def test_everyone_else_gets_404(case, request, client_for, who):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(case, client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
