"""Who may see and change reviews' bookings, the reviewer register, review teams and the
pipeline (the core is cib_portal.access).

Each rule answers with an access.Decision: truthy when allowed, else with the reason a person
can read (the 403 page and the API's `detail` show it). Seeing a booking is asked with
access.require (a 404 for what the person may not see); changing one with
access.require_permission (a 403 with the reason).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, cast

from django.db.models import Q, QuerySet

from cib_portal import access
from regions.models import ADVISER_ROLES, REGIONAL_LEAD_ROLES, Council, Role

from .models import (
    Booking,
    BookingStatus,
    Reviewer,
    ReviewerType,
    ReviewReport,
    TeamAssignment,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    UserOrAnonymous: TypeAlias = User | AnonymousUser

ONLY_BOOKING_MANAGERS = "Only the programme manager and the LGA's advisers manage bookings."
ONLY_BOOKING_MANAGER = (
    "Only the programme manager and the advisers covering the council's region manage this booking."
)
ONLY_BOOKING_VIEWERS = (
    "Only the council's staff, its region's leads and advisers, the programme manager and the "
    "review team see this booking."
)
ONLY_BOOKING_CHANGERS = (
    "Only the council's staff and whoever manages the booking reschedule or cancel it."
)
ONLY_PROGRAMME_MANAGER_OVERRIDES = "Only the programme manager grants a free review."
ONLY_REVIEWER_MANAGER = "Only the programme manager keeps the reviewer register and review teams."
ONLY_PIPELINE_VIEWERS = "Only the programme manager and the LGA's advisers see the pipeline."
ONLY_OWN_AVAILABILITY = (
    "Only the reviewer themselves and the programme manager keep a reviewer's availability "
    "and calendar feed."
)


# --- Bookings -------------------------------------------------------------------------------


def can_manage_bookings(user: UserOrAnonymous) -> access.Decision:
    """Programme managers and advisers (of any region) manage review bookings."""
    grants = access.grants_for(user)
    return access.allow_if(
        access.is_programme_manager(user)
        or bool(grants.national_roles & ADVISER_ROLES)
        or bool(grants.regions_with(ADVISER_ROLES)),
        ONLY_BOOKING_MANAGERS,
    )


def can_manage_booking(user: UserOrAnonymous, booking: Booking) -> access.Decision:
    """A programme manager, or an adviser covering the booking's council's region."""
    grants = access.grants_for(user)
    if access.is_programme_manager(user) or grants.national_roles & ADVISER_ROLES:
        return access.ALLOWED
    return access.allow_if(
        booking.council.region_id in grants.regions_with(ADVISER_ROLES), ONLY_BOOKING_MANAGER
    )


def councils_user_may_book_for(user: UserOrAnonymous) -> QuerySet[Council]:
    """Councils where the user is on the staff (any council role): they may book for them."""
    return Council.objects.filter(pk__in=access.grants_for(user).council_roles).order_by("name")


def _on_booking_team(user: User, booking: Booking) -> bool:
    return booking.team.filter(is_active=True, reviewer__user_id=user.pk).exists()


def can_view_booking(user: UserOrAnonymous, booking: Booking) -> access.Decision:
    """The council's staff, its region's leads, the advisers covering it, programme managers,
    and the reviewers on its team while they are on it."""
    grants = access.grants_for(user)
    if not grants.any:
        return access.deny(ONLY_BOOKING_VIEWERS)
    if access.is_programme_manager(user) or grants.national_roles & ADVISER_ROLES:
        return access.ALLOWED
    council = booking.council
    if council.pk in grants.council_roles:
        return access.ALLOWED
    held = grants.region_roles.get(council.region_id, frozenset())
    if held & (REGIONAL_LEAD_ROLES | ADVISER_ROLES):
        return access.ALLOWED
    # Someone with grants is signed in.
    return access.allow_if(_on_booking_team(cast("User", user), booking), ONLY_BOOKING_VIEWERS)


def can_change_booking(user: UserOrAnonymous, booking: Booking) -> access.Decision:
    """Reschedule or cancel: the council's staff, or whoever manages the booking."""
    return access.allow_if(
        booking.council_id in access.grants_for(user).council_roles
        or bool(can_manage_booking(user, booking)),
        ONLY_BOOKING_CHANGERS,
    )


def bookings_visible_filter(user: User) -> Q:
    """A Q over Booking selecting the bookings the user may see (nothing when none)."""
    grants = access.grants_for(user)
    if not grants.any:
        return Q(pk__in=[])
    if access.is_programme_manager(user) or grants.national_roles & ADVISER_ROLES:
        return Q()
    regions = grants.regions_with(REGIONAL_LEAD_ROLES | ADVISER_ROLES)
    on_team = TeamAssignment.objects.filter(is_active=True, reviewer__user_id=user.pk).values(
        "booking_id"
    )
    return (
        Q(council_id__in=list(grants.council_roles))
        | Q(council__region_id__in=list(regions))
        | Q(pk__in=on_team)
    )


# --- A booking's steps and its report ---------------------------------------------------------

# Who may take the step *into* each status, in words (for refusals and the detail page).
WHO: dict[str, str] = {
    BookingStatus.SCOPING: "a programme manager or adviser",
    BookingStatus.TEAM_ASSEMBLED: "a programme manager or adviser",
    BookingStatus.SCHEDULED: "a programme manager or adviser",
    BookingStatus.ON_SITE: "a programme manager or adviser",
    BookingStatus.REPORT_DRAFTED: "the lead reviewer, a programme manager or an adviser",
    BookingStatus.REPORT_PUBLISHED: "the council's DCS or chief executive",
    BookingStatus.CLOSED: "a programme manager",
}

COUNCIL_PUBLISHERS = frozenset({Role.DCS, Role.CHIEF_EXECUTIVE})


def _is_lead_reviewer(user: UserOrAnonymous, booking: Booking) -> bool:
    if user.pk is None:
        return False
    return booking.team.filter(
        is_active=True, reviewer__user_id=user.pk, reviewer_type=ReviewerType.LEAD_REVIEWER
    ).exists()


def _may_move_to(user: UserOrAnonymous, booking: Booking, status: str) -> bool:
    if status in (
        BookingStatus.SCOPING,
        BookingStatus.TEAM_ASSEMBLED,
        BookingStatus.SCHEDULED,
        BookingStatus.ON_SITE,
    ):
        return bool(can_manage_booking(user, booking))
    if status == BookingStatus.REPORT_DRAFTED:
        return bool(can_manage_booking(user, booking)) or _is_lead_reviewer(user, booking)
    if status == BookingStatus.REPORT_PUBLISHED:
        held = access.grants_for(user).council_roles.get(booking.council_id, frozenset())
        return bool(held & COUNCIL_PUBLISHERS)
    if status == BookingStatus.CLOSED:
        return access.is_programme_manager(user)
    return False


def can_move_booking_to(user: UserOrAnonymous, booking: Booking, status: str) -> access.Decision:
    """Whether the user's role lets them move the booking into `status` (WHO says who may)."""
    if status not in WHO:
        return access.deny("A booking is not moved to that step by hand.")
    label = dict(BookingStatus.choices)[status].lower()
    return access.allow_if(
        _may_move_to(user, booking, status), f"Only {WHO[status]} can mark a booking {label}."
    )


def can_override_free(user: UserOrAnonymous, booking: Booking) -> access.Decision:
    """Making a charged booking free, over the three-year entitlement: the programme manager."""
    return access.allow_if(access.is_programme_manager(user), ONLY_PROGRAMME_MANAGER_OVERRIDES)


def can_write_report(user: UserOrAnonymous, booking: Booking) -> access.Decision:
    """The report's writers: whoever may mark the booking's report drafted."""
    return can_move_booking_to(user, booking, BookingStatus.REPORT_DRAFTED)


def can_read_report(user: UserOrAnonymous, booking: Booking) -> access.Decision:
    """Published: whoever may see the booking. Draft: its writers, and the council's DCS and
    chief executive, who must read it to publish it."""
    report = ReviewReport.objects.filter(booking=booking).only("published_at").first()
    if report is not None and report.is_published:
        return can_view_booking(user, booking)
    return access.allow_if(
        bool(can_write_report(user, booking))
        or bool(can_move_booking_to(user, booking, BookingStatus.REPORT_PUBLISHED)),
        "Until it is published, only its writers and the council's DCS and chief executive "
        "read the report.",
    )


def can_download_report(user: UserOrAnonymous, booking: Booking) -> access.Decision:
    """The PDF is of the published report: whoever may read it, once published."""
    report = ReviewReport.objects.filter(booking=booking).only("published_at").first()
    if report is None or not report.is_published:
        return access.deny("The report's PDF is made once the report is published.")
    return can_read_report(user, booking)


# --- Reviewer register, teams, calendars and the review pipeline -----------------------------


def can_manage_reviewers(user: UserOrAnonymous) -> access.Decision:
    """The reviewer register and review teams are the programme manager's."""
    grants = access.grants_for(user)
    return access.allow_if(
        grants.is_superuser or Role.PROGRAMME_MANAGER in grants.national_roles,
        ONLY_REVIEWER_MANAGER,
    )


def can_view_review_pipeline(user: UserOrAnonymous) -> access.Decision:
    """The pipeline of reviews: programme managers and the LGA's advisers."""
    grants = access.grants_for(user)
    return access.allow_if(
        bool(can_manage_reviewers(user)) or bool(grants.all_roles & ADVISER_ROLES),
        ONLY_PIPELINE_VIEWERS,
    )


def reviewer_for(user: User) -> Reviewer | None:
    """The register entry linked to this user, if any (and they may use the portal)."""
    if not access.is_member(user):
        return None
    return Reviewer.objects.filter(user=user, is_active=True).first()


def can_manage_reviewer_availability(user: UserOrAnonymous, reviewer: Reviewer) -> access.Decision:
    """A reviewer keeps their own availability and calendar feed; the programme manager any."""
    if can_manage_reviewers(user):
        return access.ALLOWED
    return access.allow_if(
        access.is_member(user) and reviewer.user_id is not None and reviewer.user_id == user.pk,
        ONLY_OWN_AVAILABILITY,
    )
