"""Reads for the funds pages and API: what the user may see (agreements, spend requests,
returns), the national view, a region's agreements, the monthly spend series of an
agreement's budget chart, and the spend on the home pages. Each runs a fixed number of queries,
whatever the number of regions, agreements or requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from cib_portal import access
from cib_portal.years import year_of
from regions.models import Region
from regions.selectors import missing_governance_leads

from . import permissions
from .models import FundingAgreement, QuarterlyReturn, SpendApproval, SpendRequest, SpendStatus
from .services import approvals_needed, pounds
from .services.returns import OPEN_STATUSES, REMINDER_NOTICE_DAYS

if TYPE_CHECKING:
    from accounts.models import User

MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


def current_financial_year(today: date | None = None) -> int:
    """The financial year today falls in (years run April to March): 2027 is 2027-28."""
    return year_of(today)


# --- What the user may see ------------------------------------------------------------------


def agreements_visible(*, user: User) -> QuerySet[FundingAgreement]:
    """The agreements in the regions whose funds the user may see (permissions.can_view_funds),
    newest year first, with their region."""
    agreements = FundingAgreement.objects.select_related("region")
    region_ids = permissions.funds_region_ids(user)
    if region_ids is not None:
        agreements = agreements.filter(region_id__in=region_ids)
    return agreements.order_by("-financial_year", "region__name")


def spend_requests_visible(*, user: User) -> QuerySet[SpendRequest]:
    """The spend requests of the agreements the user may see."""
    requests = SpendRequest.objects.all()
    region_ids = permissions.funds_region_ids(user)
    if region_ids is not None:
        requests = requests.filter(agreement__region_id__in=region_ids)
    return requests


def returns_visible(*, user: User) -> QuerySet[QuarterlyReturn]:
    """The quarterly returns of the agreements the user may see, with their region, newest
    year first, then by region and quarter."""
    returns = QuarterlyReturn.objects.select_related("agreement__region")
    region_ids = permissions.funds_region_ids(user)
    if region_ids is not None:
        returns = returns.filter(agreement__region_id__in=region_ids)
    return returns.order_by("-agreement__financial_year", "agreement__region__name", "quarter")


# --- The national view -----------------------------------------------------------------------


@dataclass
class NationalRow:
    region: Region
    agreement: FundingAgreement | None
    allocated: int = 0
    approved: int = 0
    paid: int = 0
    returns: list[QuarterlyReturn | None] = field(default_factory=lambda: [None] * 4)
    missing_leads: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.allocated - self.approved

    @property
    def percent_used(self) -> int:
        return round(100 * self.approved / self.allocated) if self.allocated else 0


def national_rows(*, year: int) -> list[NationalRow]:
    """Every region, with its agreement for the year (if any), the totals of its allocations,
    its four returns and its missing governance leads: four queries in all."""
    regions = list(Region.objects.order_by("name"))
    agreements = {
        a.region_id: a
        for a in FundingAgreement.objects.filter(financial_year=year).annotate(
            allocated=Sum("allocations__amount_pence"),
            approved=Sum("allocations__approved_pence"),
            paid=Sum("allocations__paid_pence"),
        )
    }
    returns: dict[int, list[QuarterlyReturn | None]] = {}
    for ret in QuarterlyReturn.objects.filter(agreement__financial_year=year).select_related(
        "agreement"
    ):
        returns.setdefault(ret.agreement.region_id, [None] * 4)[ret.quarter - 1] = ret
    missing = missing_governance_leads()
    rows = []
    for region in regions:
        agreement = agreements.get(region.pk)
        row = NationalRow(region=region, agreement=agreement)
        if agreement is not None:
            row.allocated = agreement.allocated or 0
            row.approved = agreement.approved or 0
            row.paid = agreement.paid or 0
            row.returns = returns.get(region.pk, [None] * 4)
        row.missing_leads = missing.get(region.pk, [])
        rows.append(row)
    return rows


def national_totals(rows: list[NationalRow]) -> dict[str, int]:
    allocated = sum(r.allocated for r in rows)
    approved = sum(r.approved for r in rows)
    return {
        "allocated": allocated,
        "approved": approved,
        "paid": sum(r.paid for r in rows),
        "remaining": allocated - approved,
        "percent_used": round(100 * approved / allocated) if allocated else 0,
    }


def agreement_years() -> list[int]:
    """Financial years that have an agreement, newest first."""
    return sorted(
        set(FundingAgreement.objects.values_list("financial_year", flat=True).distinct()),
        reverse=True,
    )


# --- A region's agreements -------------------------------------------------------------------


def agreement_list(*, user: User) -> QuerySet[FundingAgreement]:
    """The agreements the user may see, newest year first, with their allocation totals."""
    return agreements_visible(user=user).annotate(
        allocated=Sum("allocations__amount_pence"),
        approved=Sum("allocations__approved_pence"),
        paid=Sum("allocations__paid_pence"),
    )


# --- The monthly series for the budget chart -------------------------------------------------


@dataclass(frozen=True)
class MonthPoint:
    month: str  # "Apr 2027"
    short: str  # "Apr"
    # Cumulative pence approved (paid) by the end of the month; None for a month that has not
    # begun, so no figure is drawn into the future.
    approved: int | None
    paid: int | None

    @property
    def started(self) -> bool:
        return self.approved is not None


def _month_starts(year: int) -> list[datetime]:
    """The first moment of each month from April of `year` to April of the next year."""
    starts = []
    for i in range(13):
        month = 4 + i
        y, m = year + (month - 1) // 12, (month - 1) % 12 + 1
        starts.append(timezone.make_aware(datetime(y, m, 1)))
    return starts


def monthly_series(agreement: FundingAgreement, *, today: date | None = None) -> list[MonthPoint]:
    """Cumulative approved and paid spend at the end of each month of the financial year
    (April to March), from the requests' approval and payment times, up to the month `today`
    falls in; later months have no figures. One aggregate query (none for a year not begun)."""
    today = today or timezone.localdate()
    starts = _month_starts(agreement.financial_year)
    begun = sum(1 for start in starts[:12] if start.date() <= today)
    approved_states = [SpendStatus.APPROVED, SpendStatus.PAID]
    sums = {}
    for i, end in enumerate(starts[1 : begun + 1]):
        sums[f"a{i}"] = Sum(
            "amount_pence",
            filter=Q(status__in=approved_states, approved_at__lt=end),
            default=0,
        )
        sums[f"p{i}"] = Sum(
            "amount_pence", filter=Q(status=SpendStatus.PAID, paid_at__lt=end), default=0
        )
    totals = agreement.spend_requests.aggregate(**sums) if sums else {}
    return [
        MonthPoint(
            month=f"{MONTHS[i]} {starts[i].year}",
            short=MONTHS[i],
            approved=totals.get(f"a{i}"),
            paid=totals.get(f"p{i}"),
        )
        for i in range(12)
    ]


@dataclass(frozen=True)
class Awaiting:
    count: int = 0
    amount: int = 0  # pence


def awaiting_decision(agreement: FundingAgreement) -> dict[str, Awaiting]:
    """The agreement's requests submitted and awaiting a lead's decision, by purpose (and
    "total"): how many and for how much. One query."""
    rows = (
        agreement.spend_requests.filter(status=SpendStatus.SUBMITTED)
        .values("allocation__purpose")
        .annotate(count=Count("pk"), amount=Sum("amount_pence"))
        .order_by()
    )
    awaiting = {r["allocation__purpose"]: Awaiting(r["count"], r["amount"]) for r in rows}
    awaiting["total"] = Awaiting(
        sum(a.count for a in awaiting.values()), sum(a.amount for a in awaiting.values())
    )
    return awaiting


# --- Returns due or overdue ------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnDue:
    ret: QuarterlyReturn
    overdue: bool
    days: int  # days overdue when overdue, else days until it is due (0 = due today)


def returns_due_or_overdue(
    *, user: User, today: date | None = None, within_days: int = REMINDER_NOTICE_DAYS
) -> list[ReturnDue]:
    """Returns still with their region (draft, signed off or returned with comments) that are
    overdue or due within `within_days`, in the regions whose funds the user may see: the
    most overdue first, then the soonest due. One query."""
    today = today or timezone.localdate()
    returns = returns_visible(user=user).filter(
        status__in=OPEN_STATUSES, due_on__lte=today + timedelta(days=within_days)
    )
    return [
        ReturnDue(
            ret=ret,
            overdue=ret.due_on < today,
            days=abs((today - ret.due_on).days),
        )
        for ret in returns.order_by("due_on", "agreement__region__name", "pk")
    ]


def allocation_totals_by_region(
    *, financial_year: int, region_ids: frozenset[int] | None
) -> dict[int, dict[str, int]]:
    """For early support's dashboard: each region's allocated, approved and paid pence in the
    financial year's agreements (region_ids None: every region). One query."""
    from .models import Allocation

    allocations = Allocation.objects.filter(agreement__financial_year=financial_year)
    if region_ids is not None:
        allocations = allocations.filter(agreement__region_id__in=region_ids)
    return {
        f["agreement__region_id"]: f
        for f in allocations.values("agreement__region_id")
        .annotate(
            allocated=Sum("amount_pence"), approved=Sum("approved_pence"), paid=Sum("paid_pence")
        )
        .order_by()
    }


# --- Spend on the home pages ------------------------------------------------------------------


def spend_requests_awaiting_decision(*, user: User) -> list[SpendRequest]:
    """Submitted requests in the regions whose funds the user may see, oldest first, each
    with `approvals` (how many leads have approved), `needed` (how many must) and
    `for_me` (the user is a lead of its region, did not raise it and has not approved it)."""
    region_ids = permissions.funds_region_ids(user)
    if region_ids is not None and not region_ids:
        return []
    requests = spend_requests_visible(user=user).filter(status=SpendStatus.SUBMITTED)
    led = access.led_region_ids(user)
    # Each row also carries what the home page shows (needed, amount, for_me).
    rows: list[Any] = list(
        requests.select_related("agreement__region", "allocation", "raised_by")
        .annotate(
            n_approvals=Count("approvals", distinct=True),
            approved_by_me=Exists(
                SpendApproval.objects.filter(request=OuterRef("pk"), approver_id=user.pk)
            ),
        )
        .order_by("submitted_at", "pk")
    )
    for spend in rows:
        spend.needed = approvals_needed(spend)
        spend.amount = pounds(spend.amount_pence)
        spend.for_me = (
            spend.agreement.region_id in led
            and spend.raised_by_id != user.pk
            and not spend.approved_by_me
        )
    return rows


def spend_to_raise(*, user: User) -> dict[str, Any]:
    """For a region's programme manager (who drafts spend): the drafts in their regions still
    to submit, and this year's budgets, where requests are raised. Nothing for anyone else.
    Two queries."""
    raisable = [
        r for r in access.grants_for(user).region_roles if permissions.can_raise_spend(user, r)
    ]
    if not raisable:
        return {"may_raise": False, "drafts": [], "budgets": []}
    drafts: list[Any] = list(
        SpendRequest.objects.filter(status=SpendStatus.DRAFT, agreement__region_id__in=raisable)
        .select_related("agreement__region", "allocation")
        .order_by("created_at", "pk")
    )
    for spend in drafts:
        spend.amount = pounds(spend.amount_pence)
    budgets = list(
        FundingAgreement.objects.filter(
            region_id__in=raisable, financial_year=current_financial_year()
        )
        .select_related("region")
        .order_by("region__name")
    )
    return {"may_raise": True, "drafts": drafts, "budgets": budgets}
