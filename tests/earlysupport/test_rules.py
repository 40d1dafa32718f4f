"""Each kind of risk rule at its thresholds (just below, at, above), on synthetic figures in
years 2080 to 2095 (far from the shipped data, so every value the rules see is the test's own),
and `as_of` reading nothing published later."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import BRADFORD, LEEDS, MANCHESTER


def areas():
    from datasets.models import Area
    from datasets.services import areas_sync

    areas_sync()
    return {a.council_id: a for a in Area.objects.filter(council__isnull=False)}


def indicator(code: str, *, polarity="lower", source="csww", unit="percentage"):
    from datasets.models import Indicator

    return Indicator.objects.create(
        code=code,
        name=f"Test {code}",
        theme="Test",
        unit=unit,
        polarity=polarity,
        source=source,
        decimals=1,
    )


def period(year: int):
    from datasets.models import Period

    return Period.objects.get_or_create(
        label=str(year), time_identifier="Reporting year", start_year=year, end_year=year
    )[0]


def figures(ind, per, values: dict) -> None:
    """values: {council: number or a suppression symbol}."""
    from datasets.models import SYMBOLS, Observation

    by_council = areas()
    Observation.objects.bulk_create(
        Observation(
            indicator=ind,
            area=by_council[c.pk],
            period=per,
            value=None if v in SYMBOLS else Decimal(str(v)),
            symbol=v if v in SYMBOLS else "",
        )
        for c, v in values.items()
    )


def rule(code: str, kind: str, *, params=None, indicators=(), severity="amber"):
    from earlysupport.models import Rule

    return Rule.objects.create(
        code=code,
        name=f"Test {code}",
        kind=kind,
        severity=severity,
        params=params or {},
        indicators=list(indicators),
        rationale="Test rule.",
    )


def council(gss: str):
    from regions.models import Council

    return Council.objects.get(gss_code=gss)


def neighbours(c) -> list:
    from regions.models import Council, StatisticalNeighbour

    ids = list(
        StatisticalNeighbour.objects.filter(council=c)
        .order_by("rank")
        .values_list("neighbour_id", flat=True)
    )
    by_id = Council.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def found(rule, as_of, gss=LEEDS):
    from earlysupport.services.evaluation import findings

    c = council(gss)
    return findings(as_of=as_of, rules=[rule], council_ids=[c.pk])


PUBLISHED_2090 = dt.date(2091, 3, 1)  # a workforce census "2090" is public from 1 March 2091


# --- workforce ------------------------------------------------------------------------------


@pytest.fixture
def leeds_and_neighbours(reference_data):
    leeds = council(LEEDS)
    return leeds, neighbours(leeds)


@pytest.mark.parametrize(
    ("leeds_value", "flagged"), [("15.9", False), ("16.0", False), ("16.1", True)]
)
def test_workforce_above_neighbours_threshold(leeds_and_neighbours, leeds_value, flagged):
    leeds, sns = leeds_and_neighbours
    ind = indicator("es_turnover")
    # Two neighbours with a figure (mean 11.0), one suppressed (left out), the rest missing.
    figures(ind, period(2090), {leeds: leeds_value, sns[0]: 10, sns[1]: 12, sns[2]: "c"})
    r = rule("es-wf", "workforce", params={"above_neighbours_by": 5}, indicators=["es_turnover"])
    result = found(r, PUBLISHED_2090)
    assert bool(result) is flagged
    if flagged:
        (f,) = result
        fig = f.evidence["figures"][0]
        assert fig["sn_mean"] == 11.0 and fig["sn_count"] == 2 and fig["sn_size"] == 10
        assert fig["tripped"] == ["neighbours"]
        assert "5.1 points above its statistical neighbours' average (11.0%, 2 of 10" in f.summary
        assert f.summary.startswith("Test es_turnover was 16.1% in 2090")
        assert f.evidence["periods"] == ["2090"] and f.evidence["as_of"] == "2091-03-01"
        # Only what this rule compares with, in plain words.
        assert f.evidence["comparison"] == (
            "the statistical neighbours' average: more than 5 points worse than it"
        )


def test_workforce_respects_higher_is_better(leeds_and_neighbours):
    leeds, sns = leeds_and_neighbours
    ind = indicator("es_stability", polarity="higher")
    figures(ind, period(2090), {leeds: "4.9", sns[0]: 10, sns[1]: 10})
    r = rule("es-wf", "workforce", params={"above_neighbours_by": 5}, indicators=["es_stability"])
    (f,) = found(r, PUBLISHED_2090)
    assert "5.1 points below" in f.summary
    ind2 = indicator("es_stability_ok", polarity="higher")
    figures(ind2, period(2090), {leeds: "15.1", sns[0]: 10, sns[1]: 10})
    r.indicators = ["es_stability_ok"]
    assert found(r, PUBLISHED_2090) == []


@pytest.mark.parametrize(("leeds_value", "flagged"), [(6, False), (7, True), (8, True)])
def test_workforce_worst_quartile(leeds_and_neighbours, leeds_value, flagged):
    """Eight councils with figures 1..8 (lower is better): ranks 7 and 8 are the worst quarter."""
    from regions.models import Council

    leeds, _ = leeds_and_neighbours
    others = list(Council.objects.exclude(pk=leeds.pk).order_by("name")[:8])
    values = [v for v in range(1, 9) if v != leeds_value]
    data = {leeds: leeds_value, **dict(zip(others, values))}
    data[others[7]] = "x"  # a suppressed figure is left out of the ranking
    figures(indicator("es_vacancy"), period(2090), data)
    r = rule("es-wf", "workforce", params={"worst_quartile": True}, indicators=["es_vacancy"])
    result = found(r, PUBLISHED_2090)
    assert bool(result) is flagged
    if flagged:
        fig = result[0].evidence["figures"][0]
        assert fig["quartile"] == "D" and fig["national_count"] == 8
        assert f"in the worst quarter of councils in England (rank {leeds_value} of 8)" in (
            result[0].summary
        )
        comparison = result[0].evidence["comparison"]
        assert comparison.startswith("England's councils: the worst quarter for this indicator")
        assert "polarity" not in comparison and "neighbours" not in comparison


def test_workforce_lists_every_indicator_that_tripped_in_one_finding(leeds_and_neighbours):
    leeds, sns = leeds_and_neighbours
    for code in ("es_a", "es_b", "es_c"):
        indicator(code)
    figures(indicator_by("es_a"), period(2090), {leeds: 30, sns[0]: 10})
    figures(indicator_by("es_b"), period(2090), {leeds: 30, sns[0]: 10})
    figures(indicator_by("es_c"), period(2090), {leeds: 10, sns[0]: 10})
    r = rule(
        "es-wf", "workforce", params={"above_neighbours_by": 5}, indicators=["es_a", "es_b", "es_c"]
    )
    (f,) = found(r, PUBLISHED_2090)
    assert [x["indicator"] for x in f.evidence["figures"]] == ["es_a", "es_b"]


def indicator_by(code):
    from datasets.models import Indicator

    return Indicator.objects.get(code=code)


def test_workforce_uses_the_latest_period_published_by_as_of(leeds_and_neighbours):
    leeds, sns = leeds_and_neighbours
    ind = indicator("es_turnover")
    figures(ind, period(2089), {leeds: 10, sns[0]: 10})
    figures(ind, period(2090), {leeds: 30, sns[0]: 10})  # public from 1 March 2091
    r = rule("es-wf", "workforce", params={"above_neighbours_by": 5}, indicators=["es_turnover"])
    assert found(r, dt.date(2091, 2, 28)) == []
    (f,) = found(r, dt.date(2091, 3, 1))
    assert f.evidence["figures"][0]["period"] == "2090"
    assert [t["value"] for t in f.evidence["figures"][0]["trend"]] == [10.0, 30.0]


# --- deterioration --------------------------------------------------------------------------


def _deterioration(leeds, sns, series: dict, neighbour_latest=12):
    ind = indicator("es_rereferral", source="cin")
    for year, value in series.items():
        data = {leeds: value}
        if year == max(series):
            data[sns[0]] = neighbour_latest
        figures(ind, period(year), data)
    return rule("es-det", "deterioration", params={"periods": 3}, indicators=["es_rereferral"])


DEC_2090 = dt.date(2090, 12, 1)  # a CIN year ending March 2090 is public from 1 December 2090


def test_deterioration_three_worse_steps_and_worse_than_neighbours(leeds_and_neighbours):
    leeds, sns = leeds_and_neighbours
    r = _deterioration(leeds, sns, {2086: 14, 2087: 10, 2088: 11, 2089: 12, 2090: 13})
    (f,) = found(r, DEC_2090)
    assert "got worse in each of the last 3 periods (2087 to 2090: 10.0%, 11.0%, 12.0%, 13.0%)" in (
        f.summary
    )
    assert "1.0 points worse than its statistical neighbours' average (12.0%" in f.summary
    # The day before 2090's figures were public: 2086 to 2089 starts with an improvement.
    assert found(r, DEC_2090 - dt.timedelta(days=1)) == []


def test_deterioration_two_worse_steps_are_not_enough(leeds_and_neighbours):
    leeds, sns = leeds_and_neighbours
    r = _deterioration(leeds, sns, {2087: 10, 2088: 10, 2089: 12, 2090: 13})
    assert found(r, DEC_2090) == []
    r.params = {"periods": 2}
    assert len(found(r, DEC_2090)) == 1


def test_deterioration_needs_to_be_worse_than_neighbours(leeds_and_neighbours):
    leeds, sns = leeds_and_neighbours
    r = _deterioration(leeds, sns, {2087: 10, 2088: 11, 2089: 12, 2090: 13}, neighbour_latest=13)
    assert found(r, DEC_2090) == []  # level with the neighbours is not worse


def test_deterioration_with_a_suppressed_or_missing_value_is_not_raised(leeds_and_neighbours):
    leeds, sns = leeds_and_neighbours
    r = _deterioration(leeds, sns, {2087: 10, 2088: "c", 2089: 12, 2090: 13})
    assert found(r, DEC_2090) == []


# --- Ofsted ---------------------------------------------------------------------------------


def _inspection(c, inspected: str, published: str, overall: str):
    from regions.models import OfstedInspection

    return OfstedInspection.objects.create(
        council=c,
        inspection_date=dt.date.fromisoformat(inspected),
        publication_date=dt.date.fromisoformat(published),
        inspection_type="ILACS",
        overall=overall,
        leadership=overall,
        help_and_protection=overall,
        children_in_care=overall,
    )


def test_ofsted_latest_published_judgement(reference_data):
    leeds = council(LEEDS)
    _inspection(leeds, "2089-05-01", "2089-06-01", "good")
    _inspection(leeds, "2090-01-10", "2090-03-01", "inadequate")
    r = rule("es-of", "ofsted", params={"judgements": ["inadequate"]}, severity="red")
    assert found(r, dt.date(2090, 2, 28)) == []  # the inspection was not yet published
    (f,) = found(r, dt.date(2090, 3, 1))
    assert f.severity == "red"
    assert f.evidence["inspection"]["publication_date"] == "2090-03-01"
    assert "Inadequate overall after the inspection of 10 January 2090" in f.summary
    _inspection(leeds, "2091-01-10", "2091-02-01", "requires_improvement")
    assert found(r, dt.date(2091, 2, 1)) == []  # a later, better judgement replaces it


def test_a_summary_names_the_council_as_it_reads_in_a_sentence(reference_data):
    from regions.models import Council

    hull = Council.objects.get(name="Kingston upon Hull, City of")
    _inspection(hull, "2090-01-10", "2090-03-01", "inadequate")
    r = rule("es-of", "ofsted", params={"judgements": ["inadequate"]}, severity="red")
    (f,) = found(r, dt.date(2090, 3, 1), gss=hull.gss_code)
    assert f.summary.startswith("Ofsted judged City of Kingston upon Hull's children's services")
    assert ", City of" not in f.summary


def test_council_display_name_turns_only_onss_sortable_names_round():
    from regions.models import council_display_name

    assert council_display_name("Kingston upon Hull, City of") == "City of Kingston upon Hull"
    assert council_display_name("Herefordshire, County of") == "County of Herefordshire"
    assert council_display_name("Leeds") == "Leeds"
    assert council_display_name("Bath and North East Somerset") == "Bath and North East Somerset"


# --- intervention ---------------------------------------------------------------------------


def test_intervention_in_force_on_as_of(reference_data):
    from earlysupport.models import Intervention

    leeds = council(LEEDS)
    Intervention.objects.create(
        council=leeds,
        kind="improvement_notice",
        starts_on=dt.date(2090, 1, 1),
        ends_on=dt.date(2090, 6, 30),
    )
    Intervention.objects.create(
        council=council(BRADFORD), kind="statutory_direction", starts_on=dt.date(2090, 1, 1)
    )
    r = rule("es-int", "intervention", params={"kinds": ["improvement_notice"]}, severity="red")
    assert found(r, dt.date(2089, 12, 31)) == []
    assert len(found(r, dt.date(2090, 1, 1))) == 1
    (f,) = found(r, dt.date(2090, 6, 30))
    assert "improvement notice since 1 January 2090" in f.summary
    assert found(r, dt.date(2090, 7, 1)) == []
    assert found(r, dt.date(2090, 3, 1), gss=BRADFORD) == []  # not a kind the rule watches
    r.params = {"kinds": ["statutory_direction"]}
    assert len(found(r, dt.date(2099, 1, 1), gss=BRADFORD)) == 1  # no end date


# --- leadership -----------------------------------------------------------------------------


def test_leadership_changes_within_the_window(reference_data):
    from earlysupport.models import DcsTenure

    leeds = council(LEEDS)
    for name, start, end in [
        ("A", "2080-01-01", "2088-05-31"),
        ("B", "2088-06-01", "2089-08-31"),
        ("C", "2089-09-01", None),
    ]:
        DcsTenure.objects.create(
            council=leeds,
            name=name,
            starts_on=dt.date.fromisoformat(start),
            ends_on=dt.date.fromisoformat(end) if end else None,
        )
    r = rule("es-lead", "leadership", params={"changes": 2, "months": 24})
    assert found(r, dt.date(2089, 8, 31)) == []  # one change so far
    (f,) = found(r, dt.date(2090, 5, 31))  # both changes within 24 months
    assert "2 changes of director of children's services in the 24 months" in f.summary
    assert [c["name"] for c in f.evidence["changes"]] == ["B", "C"]
    assert found(r, dt.date(2090, 6, 1)) == []  # B started exactly 24 months before


def test_leadership_first_known_tenure_is_not_a_change(reference_data):
    from earlysupport.models import DcsTenure

    manchester = council(MANCHESTER)
    for name, start, end in [("A", "2089-01-01", "2089-05-31"), ("B", "2089-06-01", None)]:
        DcsTenure.objects.create(
            council=manchester,
            name=name,
            starts_on=dt.date.fromisoformat(start),
            ends_on=dt.date.fromisoformat(end) if end else None,
        )
    r = rule("es-lead", "leadership", params={"changes": 2, "months": 24})
    assert found(r, dt.date(2090, 1, 1), gss=MANCHESTER) == []
    r.params = {"changes": 1, "months": 24}
    assert len(found(r, dt.date(2090, 1, 1), gss=MANCHESTER)) == 1


def test_every_kind_runs_in_a_fixed_number_of_queries(risk_rules, django_assert_max_num_queries):
    from earlysupport.services.evaluation import findings

    with django_assert_max_num_queries(15):
        findings(as_of=dt.date(2025, 4, 1))


def test_deterioration_over_more_periods_than_the_trend_shows(leeds_and_neighbours):
    leeds, sns = leeds_and_neighbours
    series = {2084: 8, 2085: 9, 2086: 10, 2087: 11, 2088: 12, 2089: 13, 2090: 14}
    r = _deterioration(leeds, sns, series, neighbour_latest=12)
    r.params = {"periods": 6}
    (f,) = found(r, DEC_2090)
    assert len(f.evidence["figures"][0]["series"]) == 7
    assert len(f.evidence["figures"][0]["trend"]) == 5
    r.params = {"periods": 7}  # would need 8 published values
    assert found(r, DEC_2090) == []
