"""What makes a good pairing: the soft preferences, as scores per pair of councils.

Each term is worth between about -2 and 1 before its weight:
- `context` (preference "similar"): how close the two are as statistical neighbours, from
  the official DfE lists, both ways: (11 - rank) / 10 for each list the other is on, averaged;
- `context` (preference "mix"): the difference in standing between the two (Ofsted's latest
  overall judgement and the council's average national percentile over the key indicators),
  so strong councils meet struggling ones;
- `travel`: minus the distance between the councils' centroids in hundreds of kilometres.

Balance of DCS days is the solver's own term for panels (in a ring every council gives one
challenge, so days are equal by construction); it is shown in each explanation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from datasets import selectors as datasets_selectors
from regions.models import Council, Judgement, StatisticalNeighbour

from . import geography
from .models import Preference, Programme

JUDGEMENT_STANDING = {
    Judgement.OUTSTANDING: 1.0,
    Judgement.GOOD: 2 / 3,
    Judgement.REQUIRES_IMPROVEMENT: 1 / 3,
    Judgement.INADEQUATE: 0.0,
}


@dataclass(frozen=True)
class CouncilFacts:
    """What the scores are made from, read once for every council in a programme."""

    code: str
    name: str
    judgement: str  # latest Ofsted overall judgement (display), or ""
    judgement_standing: float | None
    indicator_standing: float | None  # mean national percentile over key indicators (1 best)
    neighbour_rank: dict[str, int]  # neighbour code -> rank 1..10

    @property
    def standing(self) -> float | None:
        parts = [p for p in (self.judgement_standing, self.indicator_standing) if p is not None]
        return sum(parts) / len(parts) if parts else None


def council_facts(
    councils: Iterable[Council], *, with_standing: bool = True
) -> dict[str, CouncilFacts]:
    """Facts for the councils, in a fixed number of queries. The standing over the key
    indicators (a read of every council's latest figures) is only worked out when asked for:
    only the "mix" preference uses it."""
    councils = list(councils)
    ids = [c.pk for c in councils]
    neighbours: dict[int, dict[str, int]] = {}
    for council_id, code, rank in StatisticalNeighbour.objects.filter(
        council_id__in=ids
    ).values_list("council_id", "neighbour__gss_code", "rank"):
        neighbours.setdefault(council_id, {})[code] = rank
    standing = key_indicator_standing() if with_standing else {}
    judgements = dict(
        Council.objects.filter(pk__in=ids).values_list("pk", "latest_inspection__overall")
    )
    out = {}
    for council in councils:
        judgement = judgements.get(council.pk) or ""
        out[council.gss_code] = CouncilFacts(
            code=council.gss_code,
            name=council.name,
            judgement=Judgement(judgement).label if judgement else "",
            judgement_standing=JUDGEMENT_STANDING.get(judgement),
            indicator_standing=standing.get(council.pk),
            neighbour_rank=neighbours.get(council.pk, {}),
        )
    return out


def key_indicator_standing() -> dict[int, float]:
    """Each council's mean national percentile over the key indicators at their latest
    period (1 = best in England, 0 = worst); suppressed figures are left out."""
    indicators = datasets_selectors.rankable_key_indicators()
    if not indicators:
        return {}
    windows = datasets_selectors.published_periods([i.pk for i in indicators], count=1)
    latest = {iid: ps[-1].pk for iid, ps in windows.items() if ps}
    area_to_council = datasets_selectors.council_areas()
    values: dict[int, dict[int, Decimal]] = {}
    for indicator_id, period_id, area_id, value, _symbol in datasets_selectors.council_figures(
        indicator_ids=set(latest),
        period_ids=set(latest.values()),
        area_ids=list(area_to_council),
    ):
        if value is not None and latest[indicator_id] == period_id:
            values.setdefault(indicator_id, {})[area_to_council[area_id]] = value
    sums: dict[int, list[float]] = {}
    for indicator in indicators:
        figures = values.get(indicator.pk, {})
        if len(figures) < 2:
            continue
        ranks = datasets_selectors.ranks(figures, indicator.polarity)
        n = len(figures)
        for council_id, rank in ranks.items():
            sums.setdefault(council_id, []).append(1 - (rank - 1) / (n - 1))
    return {cid: sum(p) / len(p) for cid, p in sums.items()}


def neighbour_score(a: CouncilFacts, b: CouncilFacts) -> float:
    ranks = [a.neighbour_rank.get(b.code), b.neighbour_rank.get(a.code)]
    return sum((11 - r) / 10 for r in ranks if r) / 2


def pair_terms(
    programme: Programme, a: CouncilFacts, b: CouncilFacts
) -> tuple[dict[str, float], list[str]]:
    """The weighted terms of one pair's score, and the same in words."""
    terms: dict[str, float] = {}
    words: list[str] = []
    if programme.preference == Preference.SIMILAR and programme.weight_context:
        raw = neighbour_score(a, b)
        terms["context"] = round(raw * programme.weight_context, 3)
        ra, rb = a.neighbour_rank.get(b.code), b.neighbour_rank.get(a.code)
        if ra or rb:
            parts = []
            if ra:
                parts.append(f"{b.name} is {a.name}'s statistical neighbour number {ra}")
            if rb:
                parts.append(f"{a.name} is {b.name}'s number {rb}")
            words.append("Similar context: " + "; ".join(parts) + f" ({terms['context']:+.2f}).")
        else:
            words.append(
                f"Similar context: {a.name} and {b.name} are not on each other's statistical "
                "neighbour lists (+0.00)."
            )
    elif (
        programme.preference == Preference.MIX
        and programme.weight_context
        and a.standing is not None
        and b.standing is not None
    ):
        raw = abs(a.standing - b.standing)
        terms["context"] = round(raw * programme.weight_context, 3)
        words.append(
            f"A mix of strengths: {a.name} ({a.judgement or 'not yet judged'}, standing "
            f"{a.standing:.2f}) with {b.name} ({b.judgement or 'not yet judged'}, standing "
            f"{b.standing:.2f}) ({terms['context']:+.2f})."
        )
    if programme.weight_travel:
        km = geography.distance_km(a.code, b.code)
        terms["travel"] = round(-km / 100 * programme.weight_travel, 3)
        words.append(f"Travel: {km:.0f} km between the two ({terms['travel']:+.2f}).")
    return terms, words


def all_pair_terms(
    programme: Programme, facts: dict[str, CouncilFacts]
) -> tuple[dict[frozenset[str], dict[str, float]], dict[frozenset[str], list[str]]]:
    terms, words = {}, {}
    for a, b in combinations(sorted(facts), 2):
        key = frozenset((a, b))
        terms[key], words[key] = pair_terms(programme, facts[a], facts[b])
    return terms, words
