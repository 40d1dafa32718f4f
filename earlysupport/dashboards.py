"""Read-side queries of the early support dashboards.

Who sees what (`dashboard_audience`):
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

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from cib_portal.years import year_label, year_of
from regions.models import (
    ADVISER_ROLES,
    COUNCIL_SENIOR_ROLES,
    REGIONAL_LEAD_ROLES,
    Council,
    Judgement,
    Region,
)

from .models import Flag, FlagStatus, Intervention, InterventionKind, Severity
from .sources import ALL as ALL_SOURCES
from .sources import INTERVENTIONS, Source, not_loaded, sources_loaded

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


# --- Who sees what --------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """kind: "adviser" (national or regional), "regional" (a regional lead) or "council"."""

    kind: str
    # None = every region (national advisers).
    region_ids: frozenset[int] | None = None
    council_ids: frozenset[int] = frozenset()

    @property
    def is_national(self) -> bool:
        return self.region_ids is None


def dashboard_audience(user: Any) -> Audience | None:
    """Which dashboard the user gets, or None (404)."""
    from cib_portal.access import grants_for

    grants = grants_for(user)
    if not grants.any:
        return None
    if grants.is_superuser or grants.national_roles & ADVISER_ROLES:
        return Audience(kind="adviser")
    advised = grants.regions_with(ADVISER_ROLES)
    led = grants.regions_with(REGIONAL_LEAD_ROLES)
    if advised:
        return Audience(kind="adviser", region_ids=frozenset(advised | led))
    if led:
        return Audience(kind="regional", region_ids=frozenset(led))
    senior = grants.councils_with(COUNCIL_SENIOR_ROLES)
    if senior:
        return Audience(kind="council", council_ids=frozenset(senior))
    return None


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


def _stage_of() -> dict[str, str]:
    from reviews.pipeline import STAGES

    return {str(status): stage for stage, statuses in STAGES.items() for status in statuses}


def dashboard_picture(audience: Audience, *, today: date | None = None) -> Picture:
    """Everything the adviser and regional dashboards show, for the audience's regions."""
    from funds.models import Allocation
    from peerchallenge.models import Participant, ProgrammeStatus
    from reviews.models import Booking

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
    stage_of = _stage_of()
    for b in (
        Booking.objects.filter(in_scope, status__in=list(stage_of))
        .values("council_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row = rows.get(b["council_id"])
        if row is None:
            continue
        stage = stage_of[b["status"]]
        row.stages[stage] = row.stages.get(stage, 0) + b["n"]

    # Peer challenge coverage: councils in a published programme of the current year.
    covered = set(
        Participant.objects.filter(
            in_scope, programme__year=year, programme__status=ProgrammeStatus.PUBLISHED
        ).values_list("council_id", flat=True)
    )
    for council_id in covered:
        if council_id in rows:
            rows[council_id].in_challenge = True

    # Devolved funds: allocations of the current financial year, per region.
    funds_filter = Q(agreement__financial_year=year)
    if audience.region_ids is not None:
        funds_filter &= Q(agreement__region_id__in=audience.region_ids)
    funds = {
        f["agreement__region_id"]: f
        for f in Allocation.objects.filter(funds_filter)
        .values("agreement__region_id")
        .annotate(
            allocated=Sum("amount_pence"), approved=Sum("approved_pence"), paid=Sum("paid_pence")
        )
        .order_by()
    }

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


# --- Filtering the councils table -----------------------------------------------------------

FILTER_KEYS = ("region", "level", "judgement", "intervention", "flags", "pipeline", "challenge")


@dataclass
class Filters:
    region: str = ""
    level: str = ""
    judgement: str = ""
    intervention: bool = False
    flags: bool = False
    pipeline: str = ""
    challenge: str = ""

    @classmethod
    def from_query(cls, params: Any, regions: list[Region]) -> Filters:
        """Read the GET filters, ignoring values that are not offered."""
        codes = {r.gss_code for r in regions}
        region = params.get("region", "")
        level = params.get("level", "")
        judgement = params.get("judgement", "")
        pipeline = params.get("pipeline", "")
        challenge = params.get("challenge", "")
        return cls(
            region=region if region in codes else "",
            level=level if level in dict(LEVELS) else "",
            judgement=judgement if judgement in dict(JUDGEMENTS) else "",
            intervention=params.get("intervention") == "1",
            flags=params.get("flags") == "1",
            pipeline=pipeline if pipeline in dict(PIPELINE_STAGES) else "",
            challenge=challenge if challenge in dict(CHALLENGE_CHOICES) else "",
        )

    @property
    def active(self) -> bool:
        return any(getattr(self, k) for k in FILTER_KEYS)

    def querystring(self) -> str:
        from urllib.parse import urlencode

        pairs = []
        for key in FILTER_KEYS:
            value = getattr(self, key)
            if value is True:
                pairs.append((key, "1"))
            elif value:
                pairs.append((key, value))
        return urlencode(pairs)

    def describe(self, regions: list[Region]) -> list[str]:
        """The filters in words, for the table's caption."""
        words = []
        if self.region:
            words.extend(r.name for r in regions if r.gss_code == self.region)
        if self.level:
            words.append(f"risk level {dict(LEVELS)[self.level].lower()}")
        if self.judgement:
            words.append(f"Ofsted: {dict(JUDGEMENTS)[self.judgement].lower()}")
        if self.intervention:
            words.append("in intervention")
        if self.flags:
            words.append("with open flags")
        if self.pipeline:
            words.append(f"reviews {dict(PIPELINE_STAGES)[self.pipeline].lower()}")
        if self.challenge:
            words.append(dict(CHALLENGE_CHOICES)[self.challenge].lower())
        return words

    def apply(self, rows: list[CouncilRow]) -> list[CouncilRow]:
        out = []
        for r in rows:
            if self.region and r.region_code != self.region:
                continue
            if self.level and r.level != self.level:
                continue
            if self.judgement and r.judgement != self.judgement:
                continue
            if self.intervention and not r.in_intervention:
                continue
            if self.flags and not r.open_flags:
                continue
            if self.pipeline and not r.stages.get(self.pipeline):
                continue
            if self.challenge == "covered" and not r.in_challenge:
                continue
            if self.challenge == "none" and r.in_challenge:
                continue
            out.append(r)
        return out


# --- A council's senior leaders -------------------------------------------------------------


def council_flags(council_ids: frozenset[int]) -> list[dict[str, Any]]:
    """Each of the councils with its flags (open ones first, then closed), for its leaders."""
    councils = {
        c.pk: {"council": c, "open": [], "closed": []}
        for c in Council.objects.filter(pk__in=council_ids).order_by("name")
    }
    flag_url = flag_url_pattern()
    for flag in (
        Flag.objects.filter(council_id__in=council_ids)
        .select_related("rule")
        .order_by("-severity", "-raised_at")
    ):
        flag.url = flag_url.replace("{id}", str(flag.pk))
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
