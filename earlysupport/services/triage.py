"""Raising and triaging risk flags: the only place a flag's status, owner or support changes.

Each service runs in one transaction with the flag's row locked, writes a FlagEvent (the
flag's history) for every change and an audit record. A step the flag's path does not allow is
a FlagError whose message says what may happen instead.

The path: open -> acknowledged -> support agreed -> monitoring -> closed. Any flag that is not
closed may be closed with a note; monitoring may go back to support agreed; a closed flag is
final, and nothing goes back to open.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.services import audit_record
from regions.models import (
    ADVISER_ROLES,
    REGIONAL_LEAD_ROLES,
    Council,
    Membership,
    OrganisationKind,
)

from .. import permissions
from ..audit_actions import Action
from ..models import Flag, FlagEvent, FlagStatus, Severity, SupportKind

S = FlagStatus

# The steps each status may take (closing any open flag is added below).
ALLOWED: dict[str, tuple[str, ...]] = {
    S.OPEN: (S.ACKNOWLEDGED, S.CLOSED),
    S.ACKNOWLEDGED: (S.SUPPORT_AGREED, S.CLOSED),
    S.SUPPORT_AGREED: (S.MONITORING, S.CLOSED),
    S.MONITORING: (S.SUPPORT_AGREED, S.CLOSED),
    S.CLOSED: (),
}
_LABELS = dict(FlagStatus.choices)


class FlagError(Exception):
    """A change the flag's rules refuse, with a message a person can act on."""


def _label(status: str) -> str:
    return _LABELS.get(status, status).lower()


def allowed_steps(flag: Flag) -> tuple[str, ...]:
    return ALLOWED.get(flag.status, ())


def people_who_may_triage(council: Council) -> QuerySet:
    """The people who may triage the council's flags: active advisers (national or covering
    its region) and its region's leads."""
    from accounts.models import User

    memberships = Membership.objects.active().filter(
        Q(organisation__kind=OrganisationKind.NATIONAL, role__in=ADVISER_ROLES)
        | Q(
            organisation__kind=OrganisationKind.REGION,
            organisation__region_id=council.region_id,
            role__in=ADVISER_ROLES | REGIONAL_LEAD_ROLES,
        )
    )
    return (
        User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("full_name", "email")
        .distinct()
    )


def _snapshot(flag: Flag) -> dict[str, Any]:
    return {
        "status": flag.status,
        "owner": flag.owner_id,
        "support_kind": flag.support_kind,
        "support_booking": flag.support_booking_id,
        "support_challenge": flag.support_challenge_id,
        "support_request": flag.support_request_id,
    }


def _locked(flag: Flag) -> Flag:
    return Flag.objects.select_for_update().select_related("council").get(pk=flag.pk)


def _require_triage(user: Any, council: Council) -> None:
    if not permissions.can_triage_flags(user, council):
        raise PermissionError("Only advisers covering the council and its region's leads can.")


@transaction.atomic
def flag_raise(*, user: Any, council: Council, severity: str, summary: str, rationale: str) -> Flag:
    """A flag raised by a person, with their reasons."""
    _require_triage(user, council)
    summary, rationale = (summary or "").strip(), (rationale or "").strip()
    if severity not in Severity.values:
        raise FlagError("Choose red or amber.")
    if not summary:
        raise FlagError("Enter a short summary of the concern.")
    if not rationale:
        raise FlagError("Enter your reasons for raising the flag.")
    now = timezone.now()
    flag = Flag.objects.create(
        council=council,
        rule=None,
        severity=severity,
        summary=summary,
        rationale=rationale,
        raised_at=now,
        raised_by=user,
        as_of=timezone.localdate(),
        evidence={"words": [rationale]},
    )
    FlagEvent.objects.create(
        flag=flag, actor=user, kind="raised", to_status=flag.status, note=rationale
    )
    audit_record(
        actor=user,
        action=Action.FLAG_RAISE,
        obj=flag,
        summary=f"Raised a {severity} flag on {council}",
        after=_snapshot(flag),
    )
    return flag


def _check_support(
    council: Council,
    kind: str,
    booking: Any,
    challenge: Any,
    support_request: Any = None,
) -> None:
    if kind not in SupportKind.values:
        raise FlagError("Choose the kind of support agreed.")
    if kind == SupportKind.DIAGNOSTIC:
        if booking is None:
            raise FlagError("Choose the council's diagnostic or review booking.")
        if booking.council_id != council.pk:
            raise FlagError(f"That booking is not {council}'s: choose one of its own bookings.")
    elif booking is not None:
        raise FlagError("A booking goes with diagnostic support only.")
    if kind == SupportKind.PEER_CHALLENGE:
        if challenge is None:
            raise FlagError("Choose the peer challenge the council hosts.")
        if challenge.host_id != council.pk:
            raise FlagError(f"That peer challenge is not hosted by {council}: choose one it hosts.")
    elif challenge is not None:
        raise FlagError("A peer challenge goes with peer challenge support only.")
    if kind == SupportKind.SUPPORT_REQUEST and support_request is None:
        raise FlagError("Choose the council's request for support.")
    if support_request is not None:
        if kind not in (SupportKind.SUPPORT_REQUEST, SupportKind.MENTORING):
            raise FlagError("A support request goes with support request or mentoring only.")
        if support_request.council_id != council.pk:
            raise FlagError(
                f"That support request is not {council}'s: choose one of its own requests."
            )


@transaction.atomic
def flag_transition(
    *,
    user: Any,
    flag: Flag,
    to_status: str,
    note: str = "",
    owner: Any = None,
    support_kind: str = "",
    support_booking: Any = None,
    support_challenge: Any = None,
    support_note: str = "",
    support_request: Any = None,
) -> Flag:
    """Move a flag one step along its path."""
    flag = _locked(flag)
    _require_triage(user, flag.council)
    note = (note or "").strip()
    current = flag.status
    if to_status not in FlagStatus.values:
        raise FlagError(f"{to_status!r} is not a status a flag can have.")
    if current == S.CLOSED:
        raise FlagError("This flag is closed: a closed flag cannot change. Raise a new one.")
    if to_status == current:
        raise FlagError(f"This flag is already {_label(current)}.")
    if to_status not in ALLOWED[current]:
        steps = " or ".join(_label(s) for s in ALLOWED[current])
        raise FlagError(
            f"A flag that is {_label(current)} cannot be moved to {_label(to_status)}: "
            f"it can be moved to {steps}."
        )
    if to_status == S.CLOSED and not note:
        raise FlagError("Enter a note saying why the flag is being closed.")
    before = _snapshot(flag)
    if to_status == S.SUPPORT_AGREED:
        _check_support(
            flag.council, support_kind, support_booking, support_challenge, support_request
        )
        flag.support_kind = support_kind
        flag.support_booking = support_booking
        flag.support_challenge = support_challenge
        flag.support_request = support_request
        flag.support_note = (support_note or "").strip()
    if owner is not None:
        _check_owner(flag, owner)
        flag.owner = owner
    flag.status = to_status
    if to_status == S.CLOSED:
        flag.closed_at = timezone.now()
    flag.save()
    words = note
    if to_status == S.SUPPORT_AGREED:
        support = dict(SupportKind.choices)[support_kind]
        words = f"Support: {support}." + (f" {flag.support_note}" if flag.support_note else "")
        words += f" {note}" if note else ""
    FlagEvent.objects.create(
        flag=flag,
        actor=user,
        kind="status",
        from_status=current,
        to_status=to_status,
        note=words.strip(),
    )
    audit_record(
        actor=user,
        action=Action.FLAG_TRANSITION,
        obj=flag,
        summary=f"Flag on {flag.council}: {_label(current)} to {_label(to_status)}",
        before=before,
        after=_snapshot(flag),
    )
    return flag


def _check_owner(flag: Flag, owner: Any) -> None:
    if not permissions.can_triage_flags(owner, flag.council):
        raise FlagError(
            "The owner must be someone who may triage this council's flags: an adviser "
            "covering it or one of its region's leads."
        )


@transaction.atomic
def flag_assign(*, user: Any, flag: Flag, owner: Any) -> Flag:
    """Give the flag an owner (someone who may triage the council's flags)."""
    flag = _locked(flag)
    _require_triage(user, flag.council)
    if flag.status == S.CLOSED:
        raise FlagError("This flag is closed: a closed flag cannot change.")
    if owner is None:
        raise FlagError("Choose the flag's owner.")
    _check_owner(flag, owner)
    if flag.owner_id == owner.pk:
        raise FlagError(f"{owner.full_name or owner.email} already owns this flag.")
    before = _snapshot(flag)
    flag.owner = owner
    flag.save(update_fields=["owner", "updated_at"])
    FlagEvent.objects.create(
        flag=flag, actor=user, kind="owner", note=f"Owner: {owner.full_name or owner.email}"
    )
    audit_record(
        actor=user,
        action=Action.FLAG_ASSIGN,
        obj=flag,
        summary=f"Flag on {flag.council} given to {owner.email}",
        before=before,
        after=_snapshot(flag),
    )
    return flag


@transaction.atomic
def flag_note(*, user: Any, flag: Flag, note: str) -> Flag:
    """Add a note to the flag's history."""
    flag = _locked(flag)
    _require_triage(user, flag.council)
    note = (note or "").strip()
    if not note:
        raise FlagError("Enter the note.")
    FlagEvent.objects.create(flag=flag, actor=user, kind="note", note=note)
    flag.save(update_fields=["updated_at"])
    audit_record(actor=user, action=Action.FLAG_NOTE, obj=flag, summary=f"Note on flag {flag.pk}")
    return flag
