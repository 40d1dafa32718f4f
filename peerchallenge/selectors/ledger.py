"""The reciprocity ledger: days each council (and its DCS) gives and receives in a year.

A year is a programme year: year 2027 runs from 1 April 2027 to 31 March 2028, as the
programmes and CIB's funding do. Days come from:
- peer challenges of published programmes of that year: each challenger gives the
  programme's days per challenge; the host receives that many days per challenger;
- safeguarding peer reviews and diagnostics whose first on-site day falls in the year (not
  cancelled): each active team member gives the booking's on-site days to their home
  council's account (to the DCS's own account when the reviewer is that council's DCS); the
  council reviewed receives on-site days times the team size.

Every figure is read in a fixed number of queries whatever the number of councils.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from cib_portal.years import year_bounds
from peerchallenge.models import EXPECTED_DAYS_PER_YEAR, Challenger, Programme, ProgrammeStatus
from regions.models import Council, Membership, Role
from reviews import selectors as reviews_selectors

# "About five days a year": a council's DCS giving fewer than UNDER or more than OVER days is
# flagged.
UNDER_DAYS = Decimal(EXPECTED_DAYS_PER_YEAR - 1)
OVER_DAYS = Decimal(EXPECTED_DAYS_PER_YEAR + 1)
ZERO = Decimal(0)


@dataclass
class LedgerRow:
    council_id: int
    code: str
    name: str
    region: str
    dcs: str
    challenge_days_given: Decimal = ZERO
    review_days_given: Decimal = ZERO
    dcs_days_given: Decimal = ZERO
    challenge_days_received: Decimal = ZERO
    review_days_received: Decimal = ZERO

    @property
    def days_given(self) -> Decimal:
        return self.challenge_days_given + self.review_days_given

    @property
    def days_received(self) -> Decimal:
        return self.challenge_days_received + self.review_days_received

    @property
    def balance(self) -> Decimal:
        """Given minus received: reciprocity means about nought over time."""
        return self.days_given - self.days_received

    @property
    def dcs_days(self) -> Decimal | None:
        """The days the DCS gave in person; None when no DCS is recorded (never shown as 0)."""
        return self.dcs_days_given if self.dcs else None

    @property
    def warning(self) -> str:
        """'over', 'under' or '' against the five-day expectation for the DCS.

        With no DCS recorded there is nobody whose commitment to measure, so no warning."""
        if self.dcs_days is None:
            return ""
        if self.dcs_days_given > OVER_DAYS:
            return "over"
        if self.dcs_days_given < UNDER_DAYS:
            return "under"
        return ""

    @property
    def warning_text(self) -> str:
        if self.warning == "over":
            return f"Over-committed: more than {OVER_DAYS} days"
        if self.warning == "under":
            return f"Under-committed: fewer than {UNDER_DAYS} days"
        return ""


def ledger_rows(
    *,
    year: int,
    region_id: int | None = None,
    council_codes: Iterable[str] | None = None,
    exclude_programme: Programme | None = None,
) -> list[LedgerRow]:
    """The ledger for a year, for a region's councils, some councils, or every council."""
    councils = Council.objects.select_related("region").order_by("name")
    if region_id is not None:
        councils = councils.filter(region_id=region_id)
    if council_codes is not None:
        councils = councils.filter(gss_code__in=list(council_codes))
    rows = {
        c.pk: LedgerRow(council_id=c.pk, code=c.gss_code, name=c.name, region=c.region.name, dcs="")
        for c in councils
    }
    if not rows:
        return []
    ids = list(rows)
    dcs_users: dict[int, int] = {}
    for council_id, user_id, name in (
        Membership.objects.active()
        .filter(organisation__council_id__in=ids, role=Role.DCS)
        .order_by("starts_on", "pk")
        .values_list("organisation__council_id", "user_id", "user__full_name")
    ):
        if council_id not in dcs_users:
            dcs_users[council_id] = user_id
            rows[council_id].dcs = name
    _add_challenges(rows, year, dcs_users, exclude_programme)
    _add_reviews(rows, year, dcs_users)
    return list(rows.values())


def _add_challenges(
    rows: dict[int, LedgerRow],
    year: int,
    dcs_users: dict[int, int],
    exclude_programme: Programme | None,
) -> None:
    challengers = Challenger.objects.filter(
        challenge__programme__year=year,
        challenge__programme__status=ProgrammeStatus.PUBLISHED,
    )
    if exclude_programme is not None:
        challengers = challengers.exclude(challenge__programme=exclude_programme)
    for council_id, host_id, person_id, days in challengers.values_list(
        "council_id", "host_id", "person_id", "challenge__programme__days_per_challenge"
    ):
        if council_id in rows:
            rows[council_id].challenge_days_given += days
            if person_id is not None and person_id == dcs_users.get(council_id):
                rows[council_id].dcs_days_given += days
        if host_id in rows:
            rows[host_id].challenge_days_received += days


def _add_reviews(rows: dict[int, LedgerRow], year: int, dcs_users: dict[int, int]) -> None:
    first, last = year_bounds(year)
    council_of_dcs = {user_id: council_id for council_id, user_id in dcs_users.items()}
    received: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for home_id, user_id, booking_council_id, on_site_days in reviews_selectors.team_days_between(
        first=first, last=last
    ):
        days = Decimal(on_site_days)
        received[booking_council_id] += days
        if home_id in rows:
            rows[home_id].review_days_given += days
        if user_id in council_of_dcs:
            rows[council_of_dcs[user_id]].dcs_days_given += days
    for council_id, days in received.items():
        if council_id in rows:
            rows[council_id].review_days_received += days


def ledger_summary(rows: list[LedgerRow]) -> dict[str, object]:
    return {
        "councils": len(rows),
        "given": sum((r.days_given for r in rows), ZERO),
        "received": sum((r.days_received for r in rows), ZERO),
        "over": sum(1 for r in rows if r.warning == "over"),
        "under": sum(1 for r in rows if r.warning == "under"),
    }
