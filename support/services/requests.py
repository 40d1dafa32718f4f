"""A council's request for support, from asking to closing.

requested -> accepted | declined | waiting (-> accepted when a place frees) ; accepted ->
in_delivery -> delivered -> closed; requested, waiting, accepted and in_delivery may be
cancelled. Every step is one transaction and one audit event, and tells the person who needs to
know by email once it commits. A refused step raises SupportError with the reason.

Places: accepting takes one of the cohort's places with ONE conditional UPDATE
(`places_taken < places`); PostgreSQL locks the cohort's row, so acceptances at the same moment
queue and the later ones see the earlier ones' places, and the CHECK `cohort_places_within_limit`
refuses any count over the places as the last word. A cancellation frees the place and gives it
to the first on the cohort's waiting list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, fields_of
from cib_portal import access
from regions.models import Council

from .. import notifications, permissions
from ..audit_actions import Action
from ..models.offers import (
    PLACE_HOLDING_STATUSES,
    Cohort,
    RequestStatus,
    SupportOffer,
    SupportRequest,
)
from .common import SupportError
from .offers import offer_window_refusal
from .places import counts_places as _counts_places
from .places import free_place as _free_place
from .places import full as _full
from .places import take_place as _take_place

if TYPE_CHECKING:
    from accounts.models import User


# What each step's audit event records before and after.
AUDITED = ("status", "cohort", "decider")


def _snapshot(request: SupportRequest) -> dict[str, Any]:
    return fields_of(request, AUDITED)


def _save_step(
    request: SupportRequest,
    *,
    actor: User | None,
    action: Action,
    summary: str,
    after_extra: dict[str, Any] | None = None,
    **changes: Any,
) -> None:
    """Set `changes` on the request, save those fields and record the one audit event of the
    step (AUDITED before and after, with `after_extra`)."""
    before = _snapshot(request)
    for name, value in changes.items():
        setattr(request, name, value)
    request.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=request,
        summary=summary,
        before=before,
        after={**_snapshot(request), **(after_extra or {})},
    )


def _locked(request: SupportRequest) -> SupportRequest:
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("offer", "council", "cohort")
        .get(pk=request.pk)
    )


def _require(decision: access.Decision) -> None:
    if not decision:
        raise SupportError(decision.reason)


def _from(request: SupportRequest, *statuses: str, doing: str) -> None:
    if request.status not in statuses:
        raise SupportError(
            f"A request that is {request.get_status_display().lower()} cannot be {doing}."
        )


# --- Asking ---------------------------------------------------------------------------------


@transaction.atomic
def request_support(
    *,
    user: User,
    council: Council,
    offer: SupportOffer,
    need: str,
    why: str = "",
    cohort: Cohort | None = None,
) -> SupportRequest:
    """Ask for an offer for a council: refused on a closed window or an offer that is not
    requested; a full cohort puts the request on the waiting list where the offer keeps one."""
    _require(permissions.can_request_for(user, council))
    if not offer.requestable:
        raise SupportError(f"{offer.name} is a guide to read: there is nothing to request.")
    if offer.booking_url:
        raise SupportError(f"{offer.name} is booked through the reviews booking, not here.")
    refusal = offer_window_refusal(offer)
    if refusal:
        raise SupportError(refusal)
    if not need.strip():
        raise SupportError("Say what the council needs.")
    if cohort is None and offer.cohorts.exists():
        raise SupportError("Choose a cohort.")
    if cohort is not None and cohort.offer_id != offer.pk:
        raise SupportError("That cohort is not one of this offer's.")
    open_already = SupportRequest.objects.filter(
        council=council,
        offer=offer,
        cohort=cohort,
        status__in=[RequestStatus.REQUESTED, RequestStatus.WAITING, RequestStatus.ACCEPTED],
    ).exists()
    if open_already:
        raise SupportError(f"{council.name} has already asked for this.")
    status = RequestStatus.REQUESTED
    waitlisted_at = None
    if cohort is not None:
        cohort = Cohort.objects.get(pk=cohort.pk)
    counter = cohort or (
        SupportOffer.objects.get(pk=offer.pk) if offer.places is not None else None
    )
    full = counter is not None and counter.places_taken >= (counter.places or 0)
    if full:
        if not offer.waiting_list:
            raise SupportError(f"{_full(cohort)} This offer keeps no waiting list.")
        status = RequestStatus.WAITING
        waitlisted_at = timezone.now()
    on_behalf = council.pk not in access.grants_for(user).council_roles
    request = SupportRequest.objects.create(
        council=council,
        offer=offer,
        cohort=cohort,
        requested_by=user,
        on_behalf=on_behalf,
        need=need.strip(),
        why=why.strip(),
        status=status,
        waitlisted_at=waitlisted_at,
    )
    summary = f"Asked for {offer.name} for {council.name}"
    if status == RequestStatus.WAITING:
        summary += " (the cohort is full: on the waiting list)"
    audit_record(
        actor=user,
        action=Action.REQUEST_CREATE,
        obj=request,
        summary=summary,
        after=_snapshot(request),
    )
    notifications.notify_requested(request)
    return request


# --- Deciding -------------------------------------------------------------------------------


@transaction.atomic
def accept(*, user: User, request: SupportRequest) -> SupportRequest:
    """Accept, taking one of the cohort's places (refused when none is left)."""
    request = _locked(request)
    _require(permissions.can_decide(user, request))
    _from(request, RequestStatus.REQUESTED, RequestStatus.WAITING, doing="accepted")
    if not _take_place(request):
        if request.offer.waiting_list:
            raise SupportError(f"{_full(request.cohort)} Put the request on the waiting list.")
        raise SupportError(_full(request.cohort))
    _save_step(
        request,
        actor=user,
        action=Action.REQUEST_ACCEPT,
        summary=f"Accepted {request.offer.name} for {request.council.name}",
        status=RequestStatus.ACCEPTED,
        decider=user,
        decided_at=timezone.now(),
        waitlisted_at=None,
    )
    notifications.notify_decided(request)
    return request


@transaction.atomic
def decline(*, user: User, request: SupportRequest, reason: str) -> SupportRequest:
    request = _locked(request)
    _require(permissions.can_decide(user, request))
    _from(request, RequestStatus.REQUESTED, RequestStatus.WAITING, doing="declined")
    if not reason.strip():
        raise SupportError("Give the reason for declining: the council will read it.")
    _save_step(
        request,
        actor=user,
        action=Action.REQUEST_DECLINE,
        summary=f"Declined {request.offer.name} for {request.council.name}: {reason.strip()}",
        status=RequestStatus.DECLINED,
        decline_reason=reason.strip(),
        decider=user,
        decided_at=timezone.now(),
        waitlisted_at=None,
    )
    notifications.notify_decided(request)
    return request


@transaction.atomic
def waitlist(*, user: User, request: SupportRequest) -> SupportRequest:
    request = _locked(request)
    _require(permissions.can_decide(user, request))
    _from(request, RequestStatus.REQUESTED, doing="put on the waiting list")
    if not request.offer.waiting_list:
        raise SupportError(f"{request.offer.name} keeps no waiting list.")
    now = timezone.now()
    _save_step(
        request,
        actor=user,
        action=Action.REQUEST_WAITLIST,
        summary=f"Put {request.council.name} on the waiting list for {request.offer.name}",
        status=RequestStatus.WAITING,
        decider=user,
        decided_at=now,
        waitlisted_at=now,
    )
    notifications.notify_decided(request)
    return request


@transaction.atomic
def broker(
    *, user: User, request: SupportRequest, offer: SupportOffer, note: str = ""
) -> SupportRequest:
    """Point the council to another offer that fits its need better: this request is declined
    with that reason, and a new request for the other offer is made on the council's behalf.
    Returns the new request."""
    request = _locked(request)
    _require(permissions.can_decide(user, request))
    _from(request, RequestStatus.REQUESTED, RequestStatus.WAITING, doing="brokered")
    if offer.pk == request.offer_id:
        raise SupportError("Broker a different offer from the one asked for.")
    if not offer.requestable or offer.booking_url:
        raise SupportError(f"{offer.name} cannot be requested here.")
    refusal = offer_window_refusal(offer)
    if refusal:
        raise SupportError(refusal)
    if offer.cohorts.exists():
        raise SupportError(f"{offer.name} runs in cohorts: the council asks for a cohort itself.")
    reason = f"Brokered to {offer.name}." + (f" {note.strip()}" if note.strip() else "")
    new = SupportRequest.objects.create(
        council=request.council,
        offer=offer,
        requested_by=request.requested_by,
        on_behalf=True,
        need=request.need,
        why=request.why,
    )
    _save_step(
        request,
        actor=user,
        action=Action.REQUEST_BROKER,
        summary=f"Brokered {request.council.name} from {request.offer.name} to {offer.name}",
        after_extra={"brokered_request": new.pk},
        status=RequestStatus.DECLINED,
        decline_reason=reason,
        brokered_offer=offer,
        decider=user,
        decided_at=timezone.now(),
        waitlisted_at=None,
    )
    notifications.notify_decided(request)
    return new


# --- Delivering and closing -------------------------------------------------------------------


def _step(
    *,
    user: User,
    request: SupportRequest,
    source: str,
    target: str,
    stamp: str,
    action: Action,
    doing: str,
) -> SupportRequest:
    request = _locked(request)
    _require(permissions.can_decide(user, request))
    _from(request, source, doing=doing)
    changes: dict[str, Any] = {"status": target, stamp: timezone.now()}
    _save_step(
        request,
        actor=user,
        action=action,
        summary=f"{request.offer.name} for {request.council.name}: {RequestStatus(target).label}",
        **changes,
    )
    notifications.notify_decided(request)
    return request


@transaction.atomic
def start_delivery(*, user: User, request: SupportRequest) -> SupportRequest:
    return _step(
        user=user,
        request=request,
        source=RequestStatus.ACCEPTED,
        target=RequestStatus.IN_DELIVERY,
        stamp="delivery_started_at",
        action=Action.REQUEST_START_DELIVERY,
        doing="started",
    )


@transaction.atomic
def deliver(*, user: User, request: SupportRequest) -> SupportRequest:
    return _step(
        user=user,
        request=request,
        source=RequestStatus.IN_DELIVERY,
        target=RequestStatus.DELIVERED,
        stamp="delivered_at",
        action=Action.REQUEST_DELIVER,
        doing="marked delivered",
    )


@transaction.atomic
def close(
    *,
    user: User,
    request: SupportRequest,
    outcome_note: str,
    useful: int | None = None,
    what_changed: str = "",
) -> SupportRequest:
    """Close a delivered request with its outcome and, from the council, how useful it was."""
    request = _locked(request)
    _require(permissions.can_close(user, request))
    _from(request, RequestStatus.DELIVERED, doing="closed")
    if not outcome_note.strip():
        raise SupportError("Say what came of the support.")
    if useful is not None and (isinstance(useful, bool) or not 1 <= int(useful) <= 5):
        raise SupportError("How useful it was is a number from 1 to 5.")
    _save_step(
        request,
        actor=user,
        action=Action.REQUEST_CLOSE,
        summary=f"Closed {request.offer.name} for {request.council.name}",
        after_extra={"useful": useful},
        status=RequestStatus.CLOSED,
        outcome_note=outcome_note.strip(),
        feedback_useful=useful,
        feedback_what_changed=what_changed.strip(),
        closed_at=timezone.now(),
    )
    notifications.notify_decided(request)
    return request


@transaction.atomic
def cancel(*, user: User, request: SupportRequest) -> SupportRequest:
    """Cancel: a place held goes back to the cohort and to the first on its waiting list."""
    request = _locked(request)
    _require(permissions.can_cancel(user, request))
    _from(
        request,
        RequestStatus.REQUESTED,
        RequestStatus.WAITING,
        RequestStatus.ACCEPTED,
        RequestStatus.IN_DELIVERY,
        doing="cancelled",
    )
    held_place = request.status in PLACE_HOLDING_STATUSES and _counts_places(request)
    _save_step(
        request,
        actor=user,
        action=Action.REQUEST_CANCEL,
        summary=f"Cancelled {request.offer.name} for {request.council.name}",
        status=RequestStatus.CANCELLED,
        cancelled_at=timezone.now(),
        waitlisted_at=None,
    )
    notifications.notify_decided(request)
    if held_place:
        _free_place(request)
        promote_waiting(freed=request, actor=user)
    return request


def promote_waiting(*, freed: SupportRequest, actor: User | None) -> SupportRequest | None:
    """Give the place `freed` held to the first request on the same waiting list (the
    cohort's, or the offer's when it runs in no cohorts; by the time it joined), if a place is
    free and anyone waits. Called inside the cancellation's transaction."""
    first = (
        SupportRequest.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("offer", "council", "cohort")
        .filter(offer_id=freed.offer_id, cohort=freed.cohort, status=RequestStatus.WAITING)
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if first is None or not _take_place(first):
        return None
    _save_step(
        first,
        actor=actor,
        action=Action.REQUEST_PROMOTE,
        summary=(
            f"A place came free: {first.council.name} comes off the waiting list for "
            f"{first.offer.name}"
        ),
        status=RequestStatus.ACCEPTED,
        decider=first.decider or actor,
        decided_at=timezone.now(),
        waitlisted_at=None,
    )
    notifications.notify_decided(first, promoted=True)
    return first
