"""The common data set: indicators, areas, periods and observations, and how they got here.

An observation is one published figure: indicator × area × period → a value or a suppression
symbol (never both missing). Imports keep the previous figure in a revision when a revised file
changes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither"


class Unit(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    RATE_10K = "rate_10k", "Rate per 10,000 children"
    COUNT = "count", "Count"
    DAYS = "days", "Days"
    CURRENCY = "currency", "Currency (£)"
    NUMBER = "number", "Number"


class Source(models.TextChoices):
    CIN = "cin", "Children in Need census"
    SSDA903 = "ssda903", "SSDA903 children looked after return"
    CSWW = "csww", "Children's social work workforce census"
    OFSTED = "ofsted", "Ofsted"
    ONS = "ons", "ONS mid-year population estimates"
    LAIT = "lait", "DfE LAIT benchmarking data"
    DERIVED = "derived", "Derived in the portal"
    LOCAL = "local", "Local (council's own)"
    SYNTHETIC = "synthetic", "Synthetic (benchmarking only)"


class PeriodType(models.TextChoices):
    REPORTING_YEAR = "Reporting year", "Reporting year"
    FINANCIAL_YEAR = "Financial year", "Financial year"
    ACADEMIC_YEAR = "Academic year", "Academic year"
    CALENDAR_YEAR = "Calendar year", "Calendar year"
    MULTI_YEAR = "Multi-year", "Several years together"


class Indicator(models.Model):
    """A measure in the catalogue, published or derived, or a council's local measure."""

    code = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    theme = models.CharField(max_length=100, db_index=True)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    polarity = models.CharField(max_length=8, choices=Polarity.choices, default=Polarity.NEITHER)
    source = models.CharField(max_length=10, choices=Source.choices)
    definition = models.TextField(blank=True)
    period_type = models.CharField(
        max_length=20, choices=PeriodType.choices, default=PeriodType.REPORTING_YEAR
    )
    is_key = models.BooleanField("key indicator", default=False)
    decimals = models.PositiveSmallIntegerField(default=1)
    # Derived indicators: numerator ÷ denominator × scale, with the denominator taken
    # `denominator_lag` years earlier (DfE rates for year Y use the mid-year Y-1 population).
    numerator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scale = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    denominator_lag = models.SmallIntegerField(default=0)
    # Local indicators belong to a council and are confidential to it unless shared.
    council = models.ForeignKey(
        "regions.Council",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_indicators",
    )
    is_shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["theme", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(numerator__isnull=True, denominator__isnull=True, scale__isnull=True)
                    | Q(numerator__isnull=False, denominator__isnull=False, scale__isnull=False)
                ),
                name="indicator_derived_all_or_nothing",
            ),
            models.CheckConstraint(
                condition=Q(council__isnull=True) | Q(source="local"),
                name="indicator_local_has_local_source",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_derived(self) -> bool:
        return self.numerator_id is not None

    @property
    def is_local(self) -> bool:
        return self.council_id is not None


class AreaLevel(models.TextChoices):
    NATIONAL = "national", "England"
    REGIONAL = "regional", "Region"
    SUBREGIONAL = "subregional", "Part of a region (Inner or Outer London)"
    LOCAL_AUTHORITY = "local_authority", "Council"
    HISTORIC = "historic", "Former or combined council"


ENGLAND_CODE = "E92000001"


class Area(models.Model):
    """Where a figure is about: England, a region, a council, or a historic area."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=16, choices=AreaLevel.choices)
    council = models.OneToOneField(
        "regions.Council", on_delete=models.CASCADE, null=True, blank=True, related_name="area"
    )
    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="area"
    )

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(level="local_authority") | Q(council__isnull=False),
                name="area_council_level_has_council",
            ),
            models.CheckConstraint(
                condition=~Q(level="regional") | Q(region__isnull=False),
                name="area_region_level_has_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A published period, identified as in the files: its label and time identifier."""

    label = models.CharField(max_length=40)
    time_identifier = models.CharField(max_length=40)
    # Years the period covers (inclusive); `end_year` orders periods for trends.
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["end_year", "start_year", "label"]
        constraints = [
            models.UniqueConstraint(fields=["label", "time_identifier"], name="period_unique"),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="period_years_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Symbol(models.TextChoices):
    """Suppression and missing-value symbols, kept as published (never turned into 0)."""

    CONFIDENTIAL = "c", "Confidential: suppressed to protect individuals"
    NOT_AVAILABLE = "x", "Not available"
    NOT_APPLICABLE = "z", "Not applicable"
    ROUNDS_TO_ZERO = "k", "Rounds to zero, but is not zero"
    LOW_RELIABILITY = "u", "Low reliability"
    LOW = "low", "A small value, suppressed"
    MISSING = ":", "Not available (older files)"


SYMBOLS = frozenset(Symbol.values)


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Importing"
    SUCCEEDED = "succeeded", "Imported"
    FAILED = "failed", "Rejected"


class ImportSpec(models.Model):
    """How one publication's files map onto indicators: which filter values and which column
    make which indicator."""

    name = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    publication = models.CharField(max_length=300)
    source = models.CharField(max_length=10, choices=Source.choices)
    # [{"indicator": code, "column": value column, "filters": {column: value}}]
    mappings = models.JSONField(default=list)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title

    @property
    def required_columns(self) -> set[str]:
        cols: set[str] = set()
        for m in self.mappings:
            cols.add(m["column"])
            cols.update(m.get("filters", {}))
        return cols


class ImportRun(models.Model):
    """One import of one file, with what it did or why it was rejected."""

    spec = models.ForeignKey(
        ImportSpec, on_delete=models.PROTECT, null=True, blank=True, related_name="runs"
    )
    filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    upload = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # Rows stored against historic areas or skipped, by kind, with the areas named.
    outcomes = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    # An EES import's file and mappings (hashed together), the count and checksum of its
    # indicators' figures once it finished, and, when an identical file found those figures
    # unchanged and was not merged again, the run that made them.
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    figures_checksum = models.CharField(max_length=80, blank=True)
    same_as = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Written while the import runs; a run whose heartbeat stops lost its worker or command
    # and is failed (datasets.services.import_run_reclaim_stale), never left "importing".
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class Observation(models.Model):
    """One figure: a value, or a suppression symbol (a 'u' may come with a value)."""

    # No index of their own for indicator and area: the unique (indicator, period, area) and
    # the (area, indicator, period) index lead with them. Two indexes fewer to write on each of
    # an import's hundreds of thousands of new figures (a 1M-row import: insert 5 s → 3 s).
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="observations", db_index=False
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="observations", db_index=False
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="observations")
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    symbol = models.CharField(max_length=3, choices=Symbol.choices, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "area"], name="observation_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(symbol=""), name="observation_value_or_symbol"
            ),
        ]
        indexes = [models.Index(fields=["area", "indicator", "period"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period_id}: {self.value}{self.symbol}"


class ObservationRevision(models.Model):
    """The figure an observation had before a revised file changed it."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    symbol = models.CharField(max_length=3, blank=True)
    replaced_by_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self) -> str:
        return f"{self.value if self.value is not None else self.symbol} until {self.replaced_at}"


class ComparisonGroup(models.Model):
    """A saved group of councils to compare with (as in LG Inform)."""

    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comparison_groups"
    )
    councils = models.ManyToManyField("regions.Council", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="group_name_unique_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
