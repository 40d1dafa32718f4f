"""What advisers come for comes first, and only what the data supports is said: the flags list
most serious first, the dashboard's councils table before its summaries, the backtest led by
its all-dates summary with rules that had no data set aside, and "not loaded" rather than "none"
while the interventions were never imported."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from earlysupport.models import FactImportRun, Intervention
from earlysupport.sources import NATIONAL_TEAM
from tests.conftest import BRADFORD, LEEDS, MANCHESTER
from tests.earlysupport.test_triage import make_flag

pytestmark = pytest.mark.django_db

FLAGS = "/early-support/flags/"
DASHBOARD = "/early-support/"
BACKTEST = "/early-support/backtest/"


def _positions(text: str, needles: list[str]) -> list[int]:
    found = [text.index(n) for n in needles]
    return found


def test_flags_list_is_red_first_then_heavier_rules_then_newest(risk_rules, client_for, adviser):
    now = timezone.now()
    amber_new = make_flag(risk_rules["deterioration"], code=LEEDS, raised_at=now)
    # Red, weight 5 (intervention) beats red, weight 2 only given the same severity.
    red_light = make_flag(risk_rules["deterioration"], code=BRADFORD, severity="red", raised_at=now)
    red_heavy_old = make_flag(
        risk_rules["in-intervention"],
        code="E08000036",  # Wakefield
        severity="red",
        raised_at=now - timedelta(days=30),
    )
    amber_heavy = make_flag(
        risk_rules["workforce-pressure"], code="E08000019", raised_at=now - timedelta(days=9)
    )
    text = client_for(adviser).get(FLAGS).content.decode()
    order = sorted(
        (amber_new, red_light, red_heavy_old, amber_heavy),
        key=lambda f: text.index(f"/early-support/flags/{f.pk}/"),
    )
    assert order == [red_heavy_old, red_light, amber_heavy, amber_new]
    assert "most serious first" in text
    assert 'aria-sort="descending"' in text


def test_dashboard_puts_the_councils_table_before_the_summaries(
    risk_rules, client_for, national_adviser
):
    make_flag(risk_rules["in-intervention"], code=LEEDS, severity="red")
    text = client_for(national_adviser).get(DASHBOARD).content.decode()
    councils, summaries, levels, england = _positions(
        text, ['id="councils-table"', 'id="summaries"', 'id="risk-levels"', 'id="england-summary"']
    )
    assert councils < summaries < england < levels


def test_pipeline_cells_say_what_they_count(risk_rules, client_for, national_adviser):
    text = client_for(national_adviser).get(DASHBOARD).content.decode()
    assert "0 bookings, 0 councils" in text
    assert "(0)" not in text


def test_dashboard_says_interventions_were_never_loaded(risk_rules, client_for, national_adviser):
    assert not Intervention.objects.exists()
    response = client_for(national_adviser).get(DASHBOARD)
    text = response.content.decode()
    assert "No council is in intervention today" not in text
    assert "DfE intervention data has not been loaded" in text
    assert f"{NATIONAL_TEAM[:1].upper()}{NATIONAL_TEAM[1:]} can load it" in text
    # National staff may load it: they are shown where.
    assert 'href="/early-support/interventions/"' in text
    assert "Not known: intervention data has not been loaded" in text


def test_regional_lead_is_told_who_can_load_interventions(risk_rules, client_for, regional_lead):
    text = client_for(regional_lead).get(DASHBOARD).content.decode()
    assert "DfE intervention data has not been loaded" in text
    assert 'href="/early-support/interventions/"' not in text


def test_after_an_import_an_empty_table_means_none(risk_rules, client_for, national_adviser):
    FactImportRun.objects.create(kind="intervention", filename="x.csv", status="succeeded")
    text = client_for(national_adviser).get(DASHBOARD).content.decode()
    assert "No council is in intervention today" in text
    assert "DfE intervention data has not been loaded" not in text
    assert "Not known" not in text


def test_an_intervention_in_force_is_shown(risk_rules, client_for, adviser):
    from regions.models import Council

    Intervention.objects.create(
        council=Council.objects.get(gss_code=LEEDS),
        kind="improvement_notice",
        starts_on=timezone.localdate() - timedelta(days=3),
    )
    text = client_for(adviser).get(DASHBOARD).content.decode()
    assert "1 council in intervention" in text
    assert "DfE intervention data has not been loaded" not in text
    assert "Not known" not in text


@pytest.fixture
def backtest_case(reference_data):
    from django.core.cache import cache

    from earlysupport.backtest import cache_key

    from .test_rules import _inspection, council, rule

    rule("es-ofsted", "ofsted", params={"judgements": ["requires_improvement"]}, severity="amber")
    rule("es-int", "intervention", params={"kinds": ["improvement_notice"]}, severity="red")
    _inspection(council(LEEDS), "2018-01-01", "2018-02-01", "requires_improvement")
    _inspection(council(LEEDS), "2019-05-01", "2019-06-01", "inadequate")
    _inspection(council(MANCHESTER), "2019-05-01", "2019-06-01", "good")
    cache.delete(cache_key())


def test_backtest_leads_with_all_dates_and_sets_aside_rules_without_data(
    backtest_case, client_for, adviser
):
    text = client_for(adviser).get(BACKTEST).content.decode()
    summary, all_table, caveats, first_date = _positions(
        text,
        [
            'id="backtest-summary"',
            'id="backtest-all"',
            'id="backtest-caveats"',
            'id="date-by-date"',
        ],
    )
    assert summary < all_table < caveats < first_date
    # The intervention rule read nothing: no interventions were ever loaded.
    assert 'data-rule="es-int"' not in text
    assert 'data-rule="es-ofsted"' in text
    assert "DfE intervention data has not been loaded" in text
    # Plain labels, not "Caught" and "Then Inadequate".
    assert ">Caught<" not in text and ">Then Inadequate<" not in text
    assert "Share of the councils later judged Inadequate that it flagged" in text
