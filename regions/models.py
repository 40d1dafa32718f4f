"""Regions, councils, organisations and memberships: who is who in sector-led improvement.

Codes and role names are those of DOMAIN.md; they are stable identifiers used in the API, in
imports and on the command line.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q


class Region(models.Model):
    """One of the nine English regions, named by its GSS code (E12…)."""

    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CouncilType(models.TextChoices):
    COUNTY = "SC", "County council"
    UNITARY = "UA", "Unitary authority"
    METROPOLITAN = "MD", "Metropolitan district"
    INNER_LONDON = "ILB", "Inner London borough"
    OUTER_LONDON = "OLB", "Outer London borough"


class Judgement(models.TextChoices):
    """Ofsted's four-point scale, best first."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class Council(models.Model):
    """One of the 153 English councils with children's services responsibility."""

    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    # Barnsley and Sheffield were given new GSS codes in 2023; some DfE files use them.
    alt_gss_code = models.CharField("alternative GSS code", max_length=9, blank=True)
    la_number = models.PositiveSmallIntegerField("DfE LA number", unique=True)
    name = models.CharField(max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="councils")
    type = models.CharField(max_length=3, choices=CouncilType.choices)
    london_subregion = models.CharField(max_length=20, blank=True)
    ofsted_region = models.CharField(max_length=50, blank=True)
    # Denormalised by the reference-data loader so lists can filter and sort on it cheaply.
    latest_inspection = models.OneToOneField(
        "OfstedInspection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name as it reads in a sentence ("City of Bristol's", not "Bristol, City of's")."""
        return council_display_name(self.name)


# ONS lists a few councils by a sortable name with the kind of place last.
_SORTABLE_SUFFIXES = ("City of", "County of")


def council_display_name(name: str) -> str:
    """ONS's sortable council name ("Kingston upon Hull, City of") as it reads in running text
    ("City of Kingston upon Hull"); any other name as it is."""
    base, comma, suffix = name.rpartition(", ")
    if comma and suffix in _SORTABLE_SUFFIXES:
        return f"{suffix} {base}"
    return name


class ProximityBand(models.TextChoices):
    EXTREMELY_CLOSE = "extremely_close", "Extremely close"
    VERY_CLOSE = "very_close", "Very close"
    CLOSE = "close", "Close"
    SOMEWHAT_CLOSE = "somewhat_close", "Somewhat close"
    NOT_CLOSE = "not_close", "Not close"


class StatisticalNeighbour(models.Model):
    """One of a council's ten statistical neighbours (DfE 2025 model), in official order."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="neighbour_links")
    neighbour = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=20, choices=ProximityBand.choices)

    class Meta:
        ordering = ["council", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["council", "rank"], name="sn_unique_rank"),
            models.UniqueConstraint(fields=["council", "neighbour"], name="sn_unique_neighbour"),
            models.CheckConstraint(
                condition=Q(rank__gte=1) & Q(rank__lte=10), name="sn_rank_1_to_10"
            ),
            models.CheckConstraint(
                condition=~Q(council=F("neighbour")), name="sn_not_own_neighbour"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} #{self.rank}: {self.neighbour}"


class OfstedInspection(models.Model):
    """An ILACS inspection of a council's children's services, with its judgements."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="inspections")
    inspection_date = models.DateField()
    publication_date = models.DateField()
    inspection_type = models.CharField(max_length=60)
    overall = models.CharField("overall effectiveness", max_length=30, choices=Judgement.choices)
    leadership = models.CharField(
        "the impact of leaders on social work practice", max_length=30, choices=Judgement.choices
    )
    help_and_protection = models.CharField(
        "children who need help and protection", max_length=30, choices=Judgement.choices
    )
    children_in_care = models.CharField(
        "children in care", max_length=30, choices=Judgement.choices
    )
    # Care leavers were judged separately only from 2023.
    care_leavers = models.CharField(
        "care leavers", max_length=30, choices=Judgement.choices, blank=True
    )

    class Meta:
        ordering = ["council", "-inspection_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "inspection_date"], name="inspection_unique_per_day"
            ),
            models.CheckConstraint(
                condition=Q(publication_date__gte=F("inspection_date")),
                name="inspection_published_after_inspected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council}: {self.get_overall_display()} ({self.inspection_date:%B %Y})"


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    REGION = "region", "Region"
    NATIONAL = "national", "National team"


NATIONAL_CODE = "national"


class Organisation(models.Model):
    """Something a person belongs to: a council, a region or the national team."""

    kind = models.CharField(max_length=10, choices=OrganisationKind.choices)
    # A council's or region's GSS code, or "national".
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    council = models.OneToOneField(
        Council, on_delete=models.CASCADE, null=True, blank=True, related_name="organisation"
    )
    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="organisation"
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="council", council__isnull=False, region__isnull=True)
                    | Q(kind="region", region__isnull=False, council__isnull=True)
                    | Q(kind="national", council__isnull=True, region__isnull=True)
                ),
                name="organisation_kind_matches_link",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="national"), name="organisation_one_national"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COUNCIL_OFFICER = "council_officer", "Council officer"
    DCS = "dcs", "Director of children's services"
    LEAD_MEMBER = "lead_member", "Lead member"
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    REGIONAL_LEAD_MEMBER = "regional_lead_member", "Regional lead member"
    REGIONAL_LEAD_CHIEF_EXECUTIVE = "regional_lead_chief_executive", "Regional lead chief executive"
    REGIONAL_LEAD_DCS = "regional_lead_dcs", "Regional lead DCS"
    REGIONAL_PROGRAMME_MANAGER = "regional_programme_manager", "Regional programme manager"
    PRINCIPAL_ADVISER = "principal_adviser", "Principal adviser"
    IMPROVEMENT_ADVISER = "improvement_adviser", "Children's improvement adviser"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    CIB_ADMIN = "cib_admin", "CIB administrator"
    PEER_REVIEWER = "peer_reviewer", "Peer reviewer"


COUNCIL_ROLES = frozenset({Role.COUNCIL_OFFICER, Role.DCS, Role.LEAD_MEMBER, Role.CHIEF_EXECUTIVE})
# A council's senior leaders (DOMAIN.md: they see their council's risk flags).
COUNCIL_SENIOR_ROLES = frozenset({Role.DCS, Role.LEAD_MEMBER, Role.CHIEF_EXECUTIVE})
REGIONAL_LEAD_ROLES = frozenset(
    {Role.REGIONAL_LEAD_MEMBER, Role.REGIONAL_LEAD_CHIEF_EXECUTIVE, Role.REGIONAL_LEAD_DCS}
)
ADVISER_ROLES = frozenset({Role.PRINCIPAL_ADVISER, Role.IMPROVEMENT_ADVISER})
NATIONAL_ONLY_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.CIB_ADMIN, Role.PEER_REVIEWER})

# Which roles may be held on which kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.COUNCIL: COUNCIL_ROLES,
    OrganisationKind.REGION: REGIONAL_LEAD_ROLES
    | {Role.REGIONAL_PROGRAMME_MANAGER}
    | ADVISER_ROLES,
    OrganisationKind.NATIONAL: ADVISER_ROLES | NATIONAL_ONLY_ROLES,
}

# Roles whose holders must use a second factor at sign-in.
MFA_ROLES = frozenset(
    REGIONAL_LEAD_ROLES | ADVISER_ROLES | {Role.PROGRAMME_MANAGER, Role.CIB_ADMIN}
)


class DateRange(Func):
    """PostgreSQL's daterange(lower, upper, bounds), for the membership exclusion constraint."""

    function = "daterange"
    output_field = DateRangeField()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: date | None = None) -> MembershipQuerySet:
        """Memberships in force on a day (today by default); ended ones grant nothing."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class Membership(models.Model):
    """A person's role in an organisation between two dates."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    starts_on = models.DateField()
    # The last day the membership is in force; empty while it goes on.
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "role", "-starts_on"]
        indexes = [models.Index(fields=["user", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="membership_ends_after_start",
            ),
            # The same person cannot hold the same role in the same organisation twice at once.
            ExclusionConstraint(
                name="membership_no_overlap",
                expressions=[
                    ("user", RangeOperators.EQUAL),
                    ("organisation", RangeOperators.EQUAL),
                    ("role", RangeOperators.EQUAL),
                    (
                        DateRange("starts_on", "ends_on", models.Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"

    def is_active(self, on: date | None = None) -> bool:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)
