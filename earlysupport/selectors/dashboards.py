"""Read-side queries of the early support dashboards.

Who sees what (`earlysupport.permissions.dashboard_audience`):
- advisers: national advisers every region, regional advisers their regions (plus any they
  lead); regional leads their regions (no England-wide cards);
- a council's senior leaders: their own council's flags and nothing about other councils;
- anyone else: nothing (the view answers 404).

The adviser picture is built from a fixed number of aggregate queries, whatever the number of
councils and flags: councils (with their latest Ofsted judgement), open flags, interventions in
force, the review pipeline, peer challenge participants, and devolved funds allocations. The
rows are put together in Python (at most 153 councils).

A council's risk level is the highest severity of its open flags (any status but closed): red,
amber or none; its score is the sum of the weights of its open flags' rules (a flag raised by a
person, with no rule, counts 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cib_portal.years import year_label, year_of
from regions.models import (
    Council,
    Judgement,
    Region,
)

from ..models import Flag, FlagStatus, Intervention, InterventionKind, Severity
from ..permissions import Audience
from ..sources import ALL as ALL_SOURCES
from ..sources import INTERVENTIONS, Source, not_loaded, sources_loaded

if TYPE_CHECKING:
    from cib_portal.access import UserOrAnonymous

LEVELS = (("red", "Red"), ("amber", "Amber"), ("none", "No open flags"))
LEVEL_RANK = {"red": 2, "amber": 1, "none": 0}
JUDGEMENTS = (*Judgement.choices, ("none", "Not inspected"))
PIPELINE_STAGES = (
    ("requested", "Requested or scoping"),
    ("scheduled", "Team assembled or scheduled"),
    ("on_site", "On site"),
    ("reporting", "Report drafted or published"),
)
CHALLENGE_CHOICES = (("covered", "In a published programme"), ("none", "Not in a programme"))
PERSON_FLAG_WEIGHT = 1


def current_financial_year(today: date | None = None) -> int:
    """The year the financial (and peer challenge programme) year today falls in starts in."""
    return year_of(today)


def pounds(pence: int) -> str:
    """Whole pounds, rounded half up in integers (money is never a float): "£10,000"."""
    return f"£{(int(pence) + 50) // 100:,}"


# --- Who sees what (earlysupport.permissions.dashboard_audience) -------------------------


def audience_for_pdf(region_id: int | None) -> Audience:
    """The picture a PDF job shows: England, or one region (access is checked elsewhere)."""
    if region_id is None:
        return Audience(kind="adviser")
    return Audience(kind="regional", region_ids=frozenset({region_id}))


# --- Links to flags -------------------------------------------------------------------------


def flag_url_pattern() -> str:
    """A URL for a flag with "{id}" in place of its id, reversed once per page."""
    return reverse("earlysupport:flag_detail", args=[987654321]).replace("987654321", "{id}")


# --- The adviser and regional picture -------------------------------------------------------


@dataclass
class Reason:
    flag_id: int
    severity: str
    status: str
    status_label: str
    summary: str
    url: str


@dataclass
class CouncilRow:
    id: int
    name: str
    gss_code: str
    region_id: int
    region: str
    region_code: str
    judgement: str  # a Judgement value, or "none"
    judgement_label: str
    inspection_date: date | None
    level: str = "none"
    open_flags: int = 0
    red_flags: int = 0
    amber_flags: int = 0
    score: int = 0
    reasons: list[Reason] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    stages: dict[str, int] = field(default_factory=dict)
    in_challenge: bool = False

    @property
    def level_label(self) -> str:
        return dict(LEVELS)[self.level]

    @property
    def in_intervention(self) -> bool:
        return bool(self.interventions)

    @property
    def pipeline_label(self) -> str:
        labels = dict(PIPELINE_STAGES)
        # Each count says what it counts: "On site: 1 booking", not "On site: 1".
        return "; ".join(
            f"{labels[s]}: {n} booking{'' if n == 1 else 's'}" for s, n in self.stages.items() if n
        )


@dataclass
class RegionSummary:
    region: Region
    councils: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    judgements: dict[str, int] = field(default_factory=dict)
    in_intervention: int = 0
    stages: dict[str, int] = field(default_factory=dict)
    stage_councils: dict[str, int] = field(default_factory=dict)
    challenge_covered: int = 0
    challenge_none: int = 0
    allocated_pence: int = 0
    approved_pence: int = 0
    paid_pence: int = 0

    @property
    def percent_used(self) -> int | None:
        if not self.allocated_pence:
            return None
        return round(100 * self.approved_pence / self.allocated_pence)

    @property
    def code(self) -> str:
        return self.region.gss_code if self.region is not None else ""

    @property
    def level_cells(self) -> list[tuple[str, str, int]]:
        return [(k, label, self.levels[k]) for k, label in LEVELS]

    @property
    def judgement_cells(self) -> list[tuple[str, str, int]]:
        return [(k, label, self.judgements.get(k, 0)) for k, label in JUDGEMENTS]

    @property
    def stage_cells(self) -> list[tuple[str, str, int, int]]:
        return [(k, label, self.stages[k], self.stage_councils[k]) for k, label in PIPELINE_STAGES]

    @property
    def allocated(self) -> str:
        return pounds(self.allocated_pence)

    @property
    def approved(self) -> str:
        return pounds(self.approved_pence)

    @property
    def paid(self) -> str:
        return pounds(self.paid_pence)


@dataclass
class Picture:
    audience: Audience
    regions: list[Region]
    rows: list[CouncilRow]
    by_region: list[RegionSummary]
    total: RegionSummary
    interventions: list[dict[str, Any]]
    programme_year: int
    financial_year: int
    # False while intervention data has never been loaded: "none in intervention" is not known.
    interventions_loaded: bool = True
    # The sources of facts never loaded (interventions, DCS history): what they would show is
    # not known, and the rules that read them raise no flags.
    sources_not_loaded: list[Source] = field(default_factory=list)

    @property
    def programme_year_label(self) -> str:
        return year_label(self.programme_year)

    @property
    def financial_year_label(self) -> str:
        return year_label(self.financial_year)


def dashboard_picture(audience: Audience, *, today: date | None = None) -> Picture:
    """Everything the adviser and regional dashboards show, for the audience's regions."""
    from funds.selectors import allocation_totals_by_region
    from peerchallenge.selectors import councils_in_published_programme
    from reviews.selectors import pipeline_stage_counts

    today = today or timezone.localdate()
    year = current_financial_year(today)
    regions_qs = Region.objects.order_by("name")
    councils_qs = Council.objects.order_by("name")
    if audience.region_ids is not None:
        regions_qs = regions_qs.filter(pk__in=audience.region_ids)
        councils_qs = councils_qs.filter(region_id__in=audience.region_ids)
    regions = list(regions_qs)
    region_by_id = {r.pk: r for r in regions}

    judgement_labels = dict(JUDGEMENTS)
    rows: dict[int, CouncilRow] = {}
    for c in councils_qs.values(
        "id",
        "name",
        "gss_code",
        "region_id",
        "latest_inspection__overall",
        "latest_inspection__inspection_date",
    ):
        region = region_by_id[c["region_id"]]
        judgement = c["latest_inspection__overall"] or "none"
        rows[c["id"]] = CouncilRow(
            id=c["id"],
            name=c["name"],
            gss_code=c["gss_code"],
            region_id=region.pk,
            region=region.name,
            region_code=region.gss_code,
            judgement=judgement,
            judgement_label=judgement_labels.get(judgement, judgement),
            inspection_date=c["latest_inspection__inspection_date"],
        )
    in_scope = Q(council_id__in=list(rows)) if audience.region_ids is not None else Q()

    # Open flags (every status but closed): the level, counts, score and reasons.
    flag_url = flag_url_pattern()
    status_labels = dict(FlagStatus.choices)
    flags = (
        Flag.objects.filter(in_scope)
        .exclude(status=FlagStatus.CLOSED)
        .order_by("council_id", "-severity", "-raised_at")
        .values_list("id", "council_id", "severity", "status", "summary", "rule__weight")
    )
    # "red" sorts after "amber", so -severity puts red first.
    for flag_id, council_id, severity, status, summary, weight in flags:
        row = rows.get(council_id)
        if row is None:
            continue
        row.open_flags += 1
        row.score += weight or PERSON_FLAG_WEIGHT
        if severity == Severity.RED:
            row.red_flags += 1
        else:
            row.amber_flags += 1
        if LEVEL_RANK[severity] > LEVEL_RANK[row.level]:
            row.level = severity
        row.reasons.append(
            Reason(
                flag_id=flag_id,
                severity=severity,
                status=status,
                status_label=status_labels.get(status, status),
                summary=summary,
                url=flag_url.replace("{id}", str(flag_id)),
            )
        )

    # Interventions in force today.
    intervention_list = []
    for i in (
        Intervention.objects.filter(in_scope, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("council__name", "-starts_on")
        .values("council_id", "kind", "starts_on")
    ):
        row = rows.get(i["council_id"])
        if row is None:
            continue
        label = dict(InterventionKind.choices).get(i["kind"], i["kind"])
        row.interventions.append(label)
        intervention_list.append({"row": row, "kind": label, "starts_on": i["starts_on"]})

    # The review and diagnostic pipeline: bookings under each heading.
    scope_ids = list(rows) if audience.region_ids is not None else None
    for council_id, stages in pipeline_stage_counts(council_ids=scope_ids).items():
        row = rows.get(council_id)
        if row is None:
            continue
        for stage, n in stages.items():
            row.stages[stage] = row.stages.get(stage, 0) + n

    # Peer challenge coverage: councils in a published programme of the current year.
    covered = councils_in_published_programme(year=year, council_ids=scope_ids)
    for council_id in covered:
        if council_id in rows:
            rows[council_id].in_challenge = True

    # Devolved funds: allocations of the current financial year, per region.
    funds = allocation_totals_by_region(financial_year=year, region_ids=audience.region_ids)

    def blank(region: Region | None) -> RegionSummary:
        return RegionSummary(
            region=region,  # type: ignore[arg-type]
            levels={k: 0 for k, _ in LEVELS},
            judgements={k: 0 for k, _ in JUDGEMENTS},
            stages={k: 0 for k, _ in PIPELINE_STAGES},
            stage_councils={k: 0 for k, _ in PIPELINE_STAGES},
        )

    summaries = {r.pk: blank(r) for r in regions}
    total = blank(None)
    for row in rows.values():
        for s in (summaries[row.region_id], total):
            s.councils += 1
            s.levels[row.level] += 1
            s.judgements[row.judgement] = s.judgements.get(row.judgement, 0) + 1
            s.in_intervention += row.in_intervention
            for stage, n in row.stages.items():
                s.stages[stage] += n
                s.stage_councils[stage] += 1
            if row.in_challenge:
                s.challenge_covered += 1
            else:
                s.challenge_none += 1
    for region_id, f in funds.items():
        if region_id not in summaries:
            continue
        for s in (summaries[region_id], total):
            s.allocated_pence += f["allocated"] or 0
            s.approved_pence += f["approved"] or 0
            s.paid_pence += f["paid"] or 0

    ordered = sorted(rows.values(), key=lambda r: (-LEVEL_RANK[r.level], -r.score, r.name))
    loaded = sources_loaded(*ALL_SOURCES)
    return Picture(
        audience=audience,
        regions=regions,
        rows=ordered,
        by_region=[summaries[r.pk] for r in regions],
        total=total,
        interventions=intervention_list,
        programme_year=year,
        financial_year=year,
        interventions_loaded=loaded[INTERVENTIONS.key],
        sources_not_loaded=not_loaded(loaded),
    )


def council_flags(council_ids: frozenset[int]) -> list[dict[str, Any]]:
    """Each of the councils with its flags (open ones first, then closed), for its leaders."""
    councils: dict[int, dict[str, Any]] = {
        c.pk: {"council": c, "open": [], "closed": []}
        for c in Council.objects.filter(pk__in=council_ids).order_by("name")
    }
    flag_url = flag_url_pattern()
    for flag in (
        Flag.objects.filter(council_id__in=council_ids)
        .select_related("rule")
        .order_by("-severity", "-raised_at")
    ):
        flag.url = flag_url.replace("{id}", str(flag.pk))  # type: ignore[attr-defined]
        entry = councils[flag.council_id]
        entry["closed" if flag.status == FlagStatus.CLOSED else "open"].append(flag)
    for entry in councils.values():
        open_flags = entry["open"]
        entry["level"] = (
            "red"
            if any(f.severity == Severity.RED for f in open_flags)
            else ("amber" if open_flags else "none")
        )
        entry["level_label"] = dict(LEVELS)[entry["level"]]
    return list(councils.values())


def dashboard_picture_regions(audience: Audience) -> list[Region]:
    """The regions an adviser or regional audience covers."""
    regions = Region.objects.order_by("name")
    if audience.region_ids is not None:
        regions = regions.filter(pk__in=audience.region_ids)
    return list(regions)


def council_flags_for(
    *, user: UserOrAnonymous, councils: Iterable[Council]
) -> list[dict[str, Any]]:
    """Of the councils given, those whose flags the user may see, each with its flags (as
    council_flags)."""
    from ..permissions import can_view_flags

    visible = frozenset(c.pk for c in councils if can_view_flags(user, c))
    return council_flags(visible) if visible else []
