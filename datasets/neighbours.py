"""The portal's own statistical neighbours, to explain *why* two councils are neighbours.

DfE's children's services statistical neighbour model uses context variables the portal does
not hold (deprivation, income, housing and others), so the official list stays the default
comparison group. Here the portal takes the context variables it does hold, standardises each
across England's councils (z-scores: how many standard deviations from the mean) for the
latest period they all share, and measures how far apart two councils are as the Euclidean
distance between their z-scores. A council with no figure on a variable is given the mean
(z = 0) for it, which the page says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from regions.models import Council, StatisticalNeighbour

from .models import Indicator, Observation

VARIABLES = [
    "population_0_17",
    "cin_rate_per_10k",
    "cla_rate_per_10k",
    "referrals_rate_per_10k",
    "cpp_rate_per_10k",
]


@dataclass
class Variable:
    code: str
    name: str
    period: str
    mean: float
    sd: float
    missing: list[str] = field(default_factory=list)
    own: float = 0.0  # the council's own z-score


@dataclass
class Neighbour:
    council: Council
    distance: float
    portal_rank: int
    differences: list[float | None]  # neighbour's z minus the council's, per variable
    official_rank: int | None = None
    band: str = ""


@dataclass
class NeighbourExplanation:
    council: Council
    variables: list[Variable]
    own_z: list[float]
    official: list[Neighbour]
    portal_top: list[Neighbour]
    overlap: int


def z_scores(values: dict[int, float], ids: list[int]) -> tuple[dict[int, float], float, float]:
    """Standardise values across councils (population standard deviation); missing → 0."""
    numbers = list(values.values())
    avg = sum(numbers) / len(numbers) if numbers else 0.0
    sd = math.sqrt(sum((v - avg) ** 2 for v in numbers) / len(numbers)) if numbers else 0.0
    return (
        {cid: ((values[cid] - avg) / sd if sd and cid in values else 0.0) for cid in ids},
        avg,
        sd,
    )


def distances(zs: dict[int, list[float]], council_id: int) -> dict[int, float]:
    own = zs[council_id]
    return {
        cid: math.sqrt(sum((a - b) ** 2 for a, b in zip(z, own, strict=True)))
        for cid, z in zs.items()
        if cid != council_id
    }


def latest_common_end_year(indicator_ids: list[int]) -> int | None:
    years: dict[int, set[int]] = {}
    for iid, end_year in (
        Observation.objects.filter(indicator_id__in=indicator_ids, area__council__isnull=False)
        .values_list("indicator_id", "period__end_year")
        .distinct()
    ):
        years.setdefault(iid, set()).add(end_year)
    if len(years) < len(indicator_ids):
        return None
    common = set.intersection(*years.values())
    return max(common) if common else None


def explain(council: Council) -> NeighbourExplanation:
    """The official neighbours of a council next to the portal's own nearest ten."""
    councils = {c.pk: c for c in Council.objects.select_related("region")}
    ids = sorted(councils)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=VARIABLES)}
    codes = [c for c in VARIABLES if c in indicators]
    end_year = latest_common_end_year([indicators[c].pk for c in codes])
    raw: dict[str, dict[int, float]] = {c: {} for c in codes}
    period_labels: dict[str, str] = {}
    if end_year is not None:
        for code, council_id, value, label in Observation.objects.filter(
            indicator__code__in=codes,
            period__end_year=end_year,
            area__council__isnull=False,
            value__isnull=False,
        ).values_list("indicator__code", "area__council_id", "value", "period__label"):
            raw[code][council_id] = float(value)
            period_labels[code] = label
    variables = []
    per_variable: list[dict[int, float]] = []
    for code in codes:
        z, avg, sd = z_scores(raw[code], ids)
        per_variable.append(z)
        variables.append(
            Variable(
                code=code,
                name=indicators[code].name,
                period=period_labels.get(code, ""),
                mean=avg,
                sd=sd,
                missing=sorted(councils[cid].name for cid in ids if cid not in raw[code]),
            )
        )
    zs = {cid: [z[cid] for z in per_variable] for cid in ids}
    for i, v in enumerate(variables):
        v.own = zs[council.pk][i]
    dist = distances(zs, council.pk)
    ordered = sorted(dist, key=lambda cid: (dist[cid], councils[cid].name))
    portal_rank = {cid: i for i, cid in enumerate(ordered, start=1)}

    def neighbour(cid: int) -> Neighbour:
        return Neighbour(
            council=councils[cid],
            distance=dist[cid],
            portal_rank=portal_rank[cid],
            differences=[a - b for a, b in zip(zs[cid], zs[council.pk], strict=True)],
        )

    official = []
    for link in StatisticalNeighbour.objects.filter(council=council).order_by("rank"):
        n = neighbour(link.neighbour_id)
        n.official_rank, n.band = link.rank, link.get_band_display()
        official.append(n)
    official_ids = {n.council.pk: n.official_rank for n in official}
    top = []
    for cid in ordered[:10]:
        n = neighbour(cid)
        n.official_rank = official_ids.get(cid)
        top.append(n)
    return NeighbourExplanation(
        council=council,
        variables=variables,
        own_z=zs[council.pk],
        official=official,
        portal_top=top,
        overlap=sum(1 for n in top if n.official_rank),
    )
