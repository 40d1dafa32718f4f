"""What each kind of rule looks at, and the findings it makes for every council at once.

One function per `Rule.kind`; each takes the rule and a `Facts` (what was known on `as_of`,
read in bulk and shared by the rules of one evaluation) and returns a list of `Finding`s, one
per council that trips the rule. Params each kind reads:

- ofsted: {"judgements": ["inadequate", ...]}: the latest judgement published by as_of is one
  of these.
- intervention: {"kinds": ["improvement_notice", "statutory_direction"]}: such an
  intervention is in force on as_of (started on or before it, not ended before it).
- leadership: {"changes": 2, "months": 24}: at least `changes` new DCS tenures (other than the
  council's first known one) started within `months` months up to as_of.
- workforce: {"worst_quartile": true, "above_neighbours_by": 5}, with `indicators`: at the
  latest period published by as_of, the council is in the worst national quartile (by
  polarity; suppressed figures left out), or worse than its statistical neighbours' mean (over
  the neighbours with a figure) by more than `above_neighbours_by` (percentage points for
  percentages). One finding lists every indicator that tripped.
- deterioration: {"periods": 3}, with `indicators`: at the latest published period the council
  is worse than its statistical neighbours' mean, and it moved the wrong way at each of the
  last `periods` steps (so `periods` + 1 consecutive published values, none missing or
  suppressed).

Every kind reads what it needs for all councils in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from cib_portal.numbers import format_decimal
from datasets import selectors as data
from datasets.selectors import worse_by

from .publication import published_on

if TYPE_CHECKING:
    from datasets.selectors import Indicator, Period

    from .models import Rule

QUARTILE_WORDS = {
    "A": "the best quarter",
    "B": "the second-best quarter",
    "C": "the second-worst quarter",
    "D": "the worst quarter",
}
TREND = 5


@dataclass
class Finding:
    council_id: int
    rule: Rule
    severity: str
    summary: str
    evidence: dict = field(default_factory=dict)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` calendar months (the last day of the month when it is short)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def fmt(value: Decimal | float | None, indicator: Indicator) -> str:
    if value is None:
        return "no figure"
    text = format_decimal(value, indicator.decimals)
    return f"{text}%" if data.is_percentage(indicator.unit) else text


def gap_words(gap: Decimal, indicator: Indicator) -> str:
    unit = " points" if data.is_percentage(indicator.unit) else ""
    return f"{format_decimal(abs(gap), indicator.decimals)}{unit}"


class Facts:
    """What was known on `as_of`, read once per evaluation and shared by its rules."""

    def __init__(self, as_of: dt.date):
        self.as_of = as_of
        self._indicators: dict[str, Indicator] = {}
        self._windows: dict[int, list[Period]] = {}
        self._figures: dict[tuple[int, int], dict[int, tuple[Decimal | None, str]]] = {}
        self._loaded: set[tuple[int, int]] = set()

    @cached_property
    def councils(self) -> dict[int, str]:
        """Each council's name as it reads in a flag's summary (a sentence)."""
        from regions.models import Council, council_display_name

        return {
            pk: council_display_name(name) for pk, name in Council.objects.values_list("id", "name")
        }

    @cached_property
    def area_to_council(self) -> dict[int, int]:
        return data.council_areas()

    @cached_property
    def neighbours(self) -> dict[int, list[int]]:
        from regions.models import StatisticalNeighbour

        out: dict[int, list[int]] = defaultdict(list)
        for council_id, neighbour_id in StatisticalNeighbour.objects.order_by(
            "council_id", "rank"
        ).values_list("council_id", "neighbour_id"):
            out[council_id].append(neighbour_id)
        return out

    def load(self, codes: list[str], depth: int = TREND) -> None:
        """Bulk-read the indicators' published periods (up to as_of) and every council's
        figures for the last `depth` (at least five) of them: a fixed number of queries
        whatever the number of councils or indicators."""
        depth = max(depth, TREND)
        missing = [c for c in codes if c not in self._indicators]
        if missing:
            indicators = data.indicators_with_codes(missing)
            windows = data.published_periods([i.pk for i in indicators], count=1000)
            for indicator in indicators:
                self._indicators[indicator.code] = indicator
                self._windows[indicator.pk] = [
                    p
                    for p in windows.get(indicator.pk, [])
                    if published_on(p, indicator.source) <= self.as_of
                ]
        wanted: set[tuple[int, int]] = set()
        for code in codes:
            indicator = self._indicators.get(code)
            if indicator is None:
                continue
            for p in self._windows[indicator.pk][-depth:]:
                if (indicator.pk, p.pk) not in self._loaded:
                    wanted.add((indicator.pk, p.pk))
        if not wanted:
            return
        self._loaded |= wanted
        rows = data.council_figures(
            indicator_ids={i for i, _ in wanted},
            period_ids={p for _, p in wanted},
            area_ids=list(self.area_to_council),
        )
        for indicator_id, period_id, area_id, value, symbol in rows:
            if (indicator_id, period_id) not in wanted:
                continue
            council_id = self.area_to_council[area_id]
            self._figures.setdefault((indicator_id, period_id), {})[council_id] = (value, symbol)

    def indicator(self, code: str) -> Indicator | None:
        return self._indicators.get(code)

    def window(self, indicator: Indicator, depth: int = TREND) -> list[Period]:
        """The indicator's last `depth` periods published by as_of, oldest first."""
        return self._windows.get(indicator.pk, [])[-depth:]

    def figures(self, indicator: Indicator, period: Period) -> dict[int, tuple]:
        return self._figures.get((indicator.pk, period.pk), {})

    def values(self, indicator: Indicator, period: Period) -> dict[int, Decimal]:
        return {c: v for c, (v, _) in self.figures(indicator, period).items() if v is not None}

    def sn_mean(self, council_id: int, values: dict[int, Decimal]) -> tuple[Decimal | None, int]:
        members = [values[n] for n in self.neighbours.get(council_id, []) if n in values]
        return data.mean_of(members), len(members)

    @cached_property
    def latest_inspections(self) -> dict[int, object]:
        """Each council's latest inspection published by as_of."""
        from regions.models import OfstedInspection

        latest = (
            OfstedInspection.objects.filter(publication_date__lte=self.as_of)
            .order_by("council_id", "-publication_date", "-inspection_date")
            .distinct("council_id")
        )
        return {i.council_id: i for i in latest}


def figure_evidence(
    facts: Facts, indicator: Indicator, period: Period, council_id: int
) -> dict | None:
    """The figure of a council at a period, with its comparison and trend, for the evidence."""
    values = facts.values(indicator, period)
    value = values.get(council_id)
    if value is None:
        return None
    sn_mean, sn_count = facts.sn_mean(council_id, values)
    rank = count = band = None
    if data.has_polarity(indicator):
        ranks = data.ranks(values, indicator.polarity)
        rank, count = ranks[council_id], len(values)
        band = data.quartile(rank, count)
    trend = []
    for p in facts.window(indicator):
        v, symbol = facts.figures(indicator, p).get(council_id, (None, ""))
        trend.append({"period": p.label, "value": _num(v), "symbol": symbol})
    return {
        "indicator": indicator.code,
        "name": indicator.name,
        "period": period.label,
        "published_on": published_on(period, indicator.source).isoformat(),
        "value": _num(value),
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "sn_mean": _num(round(sn_mean, 4)) if sn_mean is not None else None,
        "sn_count": sn_count,
        "sn_size": len(facts.neighbours.get(council_id, [])),
        "national_rank": rank,
        "national_count": count,
        "quartile": band,
        "trend": trend,
    }


def sn_words(fig: dict, indicator: Indicator) -> str:
    return (
        f"its statistical neighbours' average ({fmt(fig['sn_mean'], indicator)}, "
        f"{fig['sn_count']} of {fig['sn_size']} with a figure)"
    )


def _evidence(facts: Facts, figures: list[dict], comparison: str, words: list[str]) -> dict:
    return {
        "figures": figures,
        "periods": sorted({f["period"] for f in figures}),
        "comparison": comparison,
        "words": words,
        "as_of": facts.as_of.isoformat(),
    }


# --- The kinds ------------------------------------------------------------------------------


def ofsted(rule, facts: Facts) -> list:
    from regions.models import Judgement

    wanted = set(rule.params.get("judgements", []))
    labels = dict(Judgement.choices)
    out = []
    for council_id, insp in facts.latest_inspections.items():
        if insp.overall not in wanted:
            continue
        judgement = labels.get(insp.overall, insp.overall)
        summary = (
            f"Ofsted judged {facts.councils[council_id]}'s children's services "
            f"{judgement} overall after the inspection of {insp.inspection_date:%-d %B %Y} "
            f"(report published {insp.publication_date:%-d %B %Y})."
        )
        evidence = {
            "figures": [],
            "periods": [],
            "inspection": {
                "judgement": insp.overall,
                "judgement_label": judgement,
                "inspection_date": insp.inspection_date.isoformat(),
                "publication_date": insp.publication_date.isoformat(),
                "inspection_type": insp.inspection_type,
            },
            "comparison": "The latest published Ofsted judgement of children's services.",
            "words": [summary],
            "as_of": facts.as_of.isoformat(),
        }
        out.append(Finding(council_id, rule, rule.severity, summary, evidence))
    return out


def intervention(rule, facts: Facts) -> list:
    from django.db.models import Q

    from .models import Intervention

    kinds = rule.params.get("kinds", [])
    rows = Intervention.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=facts.as_of),
        kind__in=kinds,
        starts_on__lte=facts.as_of,
    ).order_by("council_id", "starts_on")
    by_council: dict[int, list] = defaultdict(list)
    for row in rows:
        by_council[row.council_id].append(row)
    out = []
    for council_id, items in by_council.items():
        words = [
            f"{facts.councils[council_id]} has been under a {i.get_kind_display().lower()} "
            f"since {i.starts_on:%-d %B %Y}"
            + (f" (due to end {i.ends_on:%-d %B %Y})." if i.ends_on else ".")
            for i in items
        ]
        evidence = {
            "figures": [],
            "periods": [],
            "interventions": [
                {
                    "kind": i.kind,
                    "starts_on": i.starts_on.isoformat(),
                    "ends_on": i.ends_on.isoformat() if i.ends_on else None,
                }
                for i in items
            ],
            "comparison": "DfE interventions in force on the date of evaluation.",
            "words": words,
            "as_of": facts.as_of.isoformat(),
        }
        out.append(Finding(council_id, rule, rule.severity, " ".join(words), evidence))
    return out


def leadership(rule, facts: Facts) -> list:
    from .models import DcsTenure

    needed = int(rule.params.get("changes", 2))
    months = int(rule.params.get("months", 24))
    since = add_months(facts.as_of, -months)
    by_council: dict[int, list] = defaultdict(list)
    for tenure in DcsTenure.objects.filter(starts_on__lte=facts.as_of).order_by(
        "council_id", "starts_on"
    ):
        by_council[tenure.council_id].append(tenure)
    out = []
    for council_id, tenures in by_council.items():
        changes = [t for t in tenures[1:] if since < t.starts_on <= facts.as_of]
        if len(changes) < needed:
            continue
        summary = (
            f"{facts.councils[council_id]} has had {len(changes)} changes of director of "
            f"children's services in the {months} months to {facts.as_of:%-d %B %Y}."
        )
        words = [summary] + [
            f"{t.name} became {'interim ' if t.interim else ''}director on {t.starts_on:%-d %B %Y}."
            for t in changes
        ]
        evidence = {
            "figures": [],
            "periods": [],
            "changes": [
                {"name": t.name, "starts_on": t.starts_on.isoformat(), "interim": t.interim}
                for t in changes
            ],
            "comparison": f"Changes of DCS within {months} months; {needed} or more raise it.",
            "words": words,
            "as_of": facts.as_of.isoformat(),
        }
        out.append(Finding(council_id, rule, rule.severity, summary, evidence))
    return out


def workforce(rule, facts: Facts) -> list:
    worst_quartile = bool(rule.params.get("worst_quartile", False))
    by = rule.params.get("above_neighbours_by")
    threshold = Decimal(str(by)) if by is not None else None
    facts.load(list(rule.indicators))
    tripped: dict[int, list[tuple[dict, str]]] = defaultdict(list)
    for code in rule.indicators:
        indicator = facts.indicator(code)
        if indicator is None or not data.has_polarity(indicator):
            continue
        window = facts.window(indicator)
        if not window:
            continue
        period = window[-1]
        values = facts.values(indicator, period)
        ranks = data.ranks(values, indicator.polarity)
        for council_id, value in values.items():
            band = data.quartile(ranks[council_id], len(values))
            sn_mean, _ = facts.sn_mean(council_id, values)
            gap = worse_by(value, sn_mean, indicator.polarity) if sn_mean is not None else None
            in_d = worst_quartile and band == "D"
            above = threshold is not None and gap is not None and gap > threshold
            if not (in_d or above):
                continue
            fig = figure_evidence(facts, indicator, period, council_id)
            parts = []
            if in_d:
                parts.append(
                    f"in {QUARTILE_WORDS['D']} of councils in England "
                    f"(rank {fig['national_rank']} of {fig['national_count']})"
                )
            if gap is not None:
                side = "above" if value > sn_mean else "below"
                if gap == 0:
                    parts.append(f"level with {sn_words(fig, indicator)}")
                else:
                    parts.append(
                        f"{gap_words(value - sn_mean, indicator)} {side} {sn_words(fig, indicator)}"
                    )
            sentence = (
                f"{indicator.name} was {fmt(value, indicator)} in {period.label}, "
                + " and ".join(parts)
                + "."
            )
            fig["tripped"] = [
                w for w, on in (("worst_quartile", in_d), ("neighbours", above)) if on
            ]
            tripped[council_id].append((fig, sentence))
    out = []
    # Plain words for what the figures were held against (shown as "Compared with: ...").
    against = []
    if worst_quartile:
        against.append(
            f"England's councils: {QUARTILE_WORDS['D']} for this indicator "
            "(councils with a suppressed figure left out)"
        )
    if threshold is not None:
        against.append(
            f"the statistical neighbours' average: more than {threshold} points worse than it"
        )
    comparison = "; ".join(against)
    for council_id, items in tripped.items():
        words = [s for _, s in items]
        evidence = _evidence(facts, [f for f, _ in items], comparison, words)
        out.append(Finding(council_id, rule, rule.severity, " ".join(words), evidence))
    return out


def deterioration(rule, facts: Facts) -> list:
    steps = int(rule.params.get("periods", 3))
    facts.load(list(rule.indicators), depth=steps + 1)
    tripped: dict[int, list[tuple[dict, str]]] = defaultdict(list)
    for code in rule.indicators:
        indicator = facts.indicator(code)
        if indicator is None or not data.has_polarity(indicator):
            continue
        window = facts.window(indicator, depth=steps + 1)
        if len(window) < steps + 1 or steps < 1:
            continue
        per_period = [facts.values(indicator, p) for p in window]
        latest = per_period[-1]
        for council_id, value in latest.items():
            series = [vals.get(council_id) for vals in per_period]
            if any(v is None for v in series):
                continue
            sn_mean, _ = facts.sn_mean(council_id, latest)
            if sn_mean is None or worse_by(value, sn_mean, indicator.polarity) <= 0:
                continue
            if not all(
                worse_by(b, a, indicator.polarity) > 0
                for a, b in zip(series, series[1:], strict=False)
            ):
                continue
            fig = figure_evidence(facts, indicator, window[-1], council_id)
            fig["series"] = [
                {"period": p.label, "value": _num(v)} for p, v in zip(window, series, strict=True)
            ]
            run = ", ".join(fmt(v, indicator) for v in series)
            sentence = (
                f"{indicator.name} was {fmt(value, indicator)} in {window[-1].label}, "
                f"{gap_words(value - sn_mean, indicator)} worse than {sn_words(fig, indicator)}, "
                f"and got worse in each of the last {steps} periods "
                f"({window[0].label} to {window[-1].label}: {run})."
            )
            tripped[council_id].append((fig, sentence))
    comparison = (
        f"the statistical neighbours' average: worse than it and moving the wrong way for "
        f"{steps} periods in a row"
    )
    out = []
    for council_id, items in tripped.items():
        words = [s for _, s in items]
        evidence = _evidence(facts, [f for f, _ in items], comparison, words)
        out.append(Finding(council_id, rule, rule.severity, " ".join(words), evidence))
    return out


KINDS = {
    "ofsted": ofsted,
    "intervention": intervention,
    "leadership": leadership,
    "workforce": workforce,
    "deterioration": deterioration,
}


def evaluate_rule(rule, facts: Facts) -> list:
    return KINDS[rule.kind](rule, facts)
