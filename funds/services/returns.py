"""Quarterly returns to CIB: figures from the ledger, the life cycle, reminders.

The figures of a return are computed from the spend requests themselves (not the running
totals on the allocations), as they stood at the end of the quarter: a request counts in a
quarter when the Europe/London local date of its approval (or payment) falls in it. While
a return is being drafted its figures are live; when it is submitted they are recomputed
and frozen in `QuarterlyReturn.figures`, with the time they were computed.

Life cycle: the region's programme manager drafts (draft or returned), a regional lead signs
off (needs a narrative), the programme manager or a lead submits once the quarter has ended,
and the CIB administrator accepts it or returns it with comments (then it is edited and
signed off again). Every step is one transaction on the locked row and one audit event.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.services import audit_record
from regions.models import REGIONAL_LEAD_ROLES, Membership, Role

from .. import permissions
from ..audit_actions import Action
from ..models import (
    Allocation,
    FundingAgreement,
    Purpose,
    QuarterlyReturn,
    ReturnStatus,
    SpendStatus,
    quarter_bounds,
)
from .common import FundsError, pounds

if TYPE_CHECKING:
    from accounts.models import User

REMINDER_NOTICE_DAYS = 14
FIGURE_KEYS = (
    "allocated",
    "approved_to_date",
    "approved_in_quarter",
    "paid_to_date",
    "paid_in_quarter",
    "remaining",
)
# Returns still with the region (reminded, then escalated when overdue).
OPEN_STATUSES = (ReturnStatus.DRAFT, ReturnStatus.SIGNED_OFF, ReturnStatus.RETURNED)
EDITABLE_STATUSES = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)


# --- Figures ---------------------------------------------------------------------------------


def local_midnight(day: date) -> datetime:
    """The start of a day in the portal's time zone (Europe/London), as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def quarter_period(financial_year: int, quarter: int) -> str:
    """2027, 1 -> "1 April to 30 June 2027"."""
    first, last = quarter_bounds(financial_year, quarter)
    start = f"{first:%-d %B %Y}" if first.year != last.year else f"{first:%-d %B}"
    return f"{start} to {last:%-d %B %Y}"


def quarter_has_ended(agreement: FundingAgreement, quarter: int, today: date | None = None) -> bool:
    _, last = quarter_bounds(agreement.financial_year, quarter)
    return (today or timezone.localdate()) > last


def return_figures(agreement: FundingAgreement, quarter: int) -> dict[str, Any]:
    """Allocated, approved and paid (to date and in the quarter) and remaining per purpose and
    in total, in integer pence, from the spend requests as at the quarter's last day.

    One query: each allocation with conditional sums over its requests."""
    first, last = quarter_bounds(agreement.financial_year, quarter)
    start, end = local_midnight(first), local_midnight(last + timedelta(days=1))
    approved = Q(spend_requests__status__in=[SpendStatus.APPROVED, SpendStatus.PAID])
    paid = Q(spend_requests__status=SpendStatus.PAID)

    def total(condition: Q) -> Coalesce:
        return Coalesce(Sum("spend_requests__amount_pence", filter=condition), 0)

    rows = {
        a.purpose: a
        for a in Allocation.objects.filter(agreement=agreement).annotate(
            approved_to_date=total(approved & Q(spend_requests__approved_at__lt=end)),
            approved_in_quarter=total(
                approved
                & Q(spend_requests__approved_at__gte=start, spend_requests__approved_at__lt=end)
            ),
            paid_to_date=total(paid & Q(spend_requests__paid_at__lt=end)),
            paid_in_quarter=total(
                paid & Q(spend_requests__paid_at__gte=start, spend_requests__paid_at__lt=end)
            ),
        )
    }
    lines: list[dict[str, Any]] = []
    for purpose in Purpose:
        a = rows.get(purpose.value)
        line: dict[str, Any] = {
            "purpose": purpose.value,
            "label": purpose.label,
            "allocated": a.amount_pence if a else 0,
            "approved_to_date": int(a.approved_to_date) if a else 0,
            "approved_in_quarter": int(a.approved_in_quarter) if a else 0,
            "paid_to_date": int(a.paid_to_date) if a else 0,
            "paid_in_quarter": int(a.paid_in_quarter) if a else 0,
        }
        line["remaining"] = line["allocated"] - line["approved_to_date"]
        lines.append(line)
    totals: dict[str, Any] = {"purpose": "total", "label": "Total"}
    totals.update({k: sum(line[k] for line in lines) for k in FIGURE_KEYS})
    return {
        "financial_year": agreement.financial_year,
        "quarter": quarter,
        "period_start": first.isoformat(),
        "period_end": last.isoformat(),
        "purposes": lines,
        "total": totals,
    }


def figures_for_display(ret: QuarterlyReturn) -> tuple[dict[str, Any], bool]:
    """(figures, frozen): the frozen figures once submitted, else the live ones."""
    if ret.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED) and ret.figures:
        return ret.figures, True
    return return_figures(ret.agreement, ret.quarter), False


FIGURE_HEADINGS = (
    ("allocated", "Allocated"),
    ("approved_to_date", "Approved to date"),
    ("approved_in_quarter", "Approved in the quarter"),
    ("paid_to_date", "Paid to date"),
    ("paid_in_quarter", "Paid in the quarter"),
    ("remaining", "Remaining"),
)


def figure_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures as rows for a table, money in pounds: each purpose, then the total."""
    lines = [*figures.get("purposes", []), figures.get("total", {})]
    return [
        {
            "label": line.get("label", ""),
            "is_total": line.get("purpose") == "total",
            "cells": [pounds(line.get(key, 0)) for key, _ in FIGURE_HEADINGS],
        }
        for line in lines
        if line
    ]


def computed_at(figures: dict[str, Any]) -> datetime | None:
    value = figures.get("computed_at")
    return datetime.fromisoformat(value) if value else None


def is_overdue(ret: QuarterlyReturn, today: date | None = None) -> bool:
    return ret.status in OPEN_STATUSES and ret.due_on < (today or timezone.localdate())


# --- Life cycle ------------------------------------------------------------------------------


def _locked(ret: QuarterlyReturn) -> QuarterlyReturn:
    return (
        QuarterlyReturn.objects.select_for_update()
        .select_related("agreement__region")
        .get(pk=ret.pk)
    )


def _state(ret: QuarterlyReturn) -> dict[str, Any]:
    return {"status": ret.status}


def _status_words(ret: QuarterlyReturn) -> str:
    return ret.get_status_display().lower()


@transaction.atomic
def return_save_draft(
    *, user: User, ret: QuarterlyReturn, narrative: str, outcomes: str
) -> QuarterlyReturn:
    """The programme manager writes the narrative and outcomes (draft or returned only)."""
    ret = _locked(ret)
    if not permissions.can_edit_return(user, ret):
        raise FundsError("Only the region's programme manager can edit its returns.")
    if ret.status not in EDITABLE_STATUSES:
        raise FundsError(
            f"The return is {_status_words(ret)}: only a draft or a returned return can be changed."
        )
    before = {**_state(ret), "narrative": ret.narrative, "outcomes": ret.outcomes}
    ret.narrative, ret.outcomes, ret.drafted_by = narrative.strip(), outcomes.strip(), user
    ret.save(update_fields=["narrative", "outcomes", "drafted_by", "updated_at"])
    audit_record(
        actor=user,
        action=Action.RETURN_SAVE,
        obj=ret,
        summary=f"Saved the draft of {ret}",
        before=before,
        after={**_state(ret), "narrative": ret.narrative, "outcomes": ret.outcomes},
    )
    return ret


@transaction.atomic
def return_sign_off(*, user: User, ret: QuarterlyReturn) -> QuarterlyReturn:
    """A regional lead signs off a draft (or a returned return edited again)."""
    ret = _locked(ret)
    if not permissions.can_sign_off_return(user, ret):
        raise FundsError("Only a regional lead of the region can sign off its returns.")
    if ret.status not in EDITABLE_STATUSES:
        raise FundsError(
            f"The return is {_status_words(ret)}: only a draft or a returned return can be "
            "signed off."
        )
    if not ret.narrative.strip():
        raise FundsError("The return needs a narrative before it can be signed off.")
    before = _state(ret)
    figures = return_figures(ret.agreement, ret.quarter)
    figures["computed_at"] = timezone.now().isoformat()
    ret.status = ReturnStatus.SIGNED_OFF
    ret.signed_off_by, ret.signed_off_at = user, timezone.now()
    ret.figures = figures
    ret.save(update_fields=["status", "signed_off_by", "signed_off_at", "figures", "updated_at"])
    audit_record(
        actor=user,
        action=Action.RETURN_SIGN_OFF,
        obj=ret,
        summary=f"Signed off {ret}",
        before=before,
        after={**_state(ret), "figures": figures},
    )
    return ret


@transaction.atomic
def return_submit(*, user: User, ret: QuarterlyReturn) -> QuarterlyReturn:
    """Submit a signed-off return to CIB once its quarter has ended; the figures are
    recomputed from the ledger and frozen."""
    ret = _locked(ret)
    if not permissions.can_submit_return(user, ret):
        raise FundsError(
            "Only the region's programme manager or a regional lead can submit its returns."
        )
    if ret.status != ReturnStatus.SIGNED_OFF:
        raise FundsError(
            f"The return is {_status_words(ret)}: a regional lead must sign it off before it "
            "is submitted."
            if ret.status in EDITABLE_STATUSES
            else f"The return is {_status_words(ret)}: it cannot be submitted again."
        )
    if not quarter_has_ended(ret.agreement, ret.quarter):
        _, last = quarter_bounds(ret.agreement.financial_year, ret.quarter)
        raise FundsError(
            f"The quarter ends on {last:%-d %B %Y}: the return can be submitted from "
            f"{last + timedelta(days=1):%-d %B %Y}."
        )
    before = {**_state(ret), "figures": ret.figures}
    now = timezone.now()
    figures = return_figures(ret.agreement, ret.quarter)
    figures["computed_at"] = now.isoformat()
    ret.status, ret.submitted_by, ret.submitted_at, ret.figures = (
        ReturnStatus.SUBMITTED,
        user,
        now,
        figures,
    )
    ret.save(update_fields=["status", "submitted_by", "submitted_at", "figures", "updated_at"])
    audit_record(
        actor=user,
        action=Action.RETURN_SUBMIT,
        obj=ret,
        summary=f"Submitted {ret} to CIB",
        before=before,
        after={**_state(ret), "figures": figures},
    )
    return ret


def _review_check(user: User, ret: QuarterlyReturn, verb: str) -> None:
    if not permissions.can_review_return(user, ret):
        raise FundsError(f"Only the CIB administrator can {verb} a return.")
    if ret.status != ReturnStatus.SUBMITTED:
        raise FundsError(
            f"The return is {_status_words(ret)}: only a submitted return can be {verb}ed."
            if verb == "accept"
            else f"The return is {_status_words(ret)}: only a submitted return can be returned."
        )


@transaction.atomic
def return_accept(*, user: User, ret: QuarterlyReturn) -> QuarterlyReturn:
    ret = _locked(ret)
    _review_check(user, ret, "accept")
    before = _state(ret)
    ret.status, ret.reviewed_by, ret.reviewed_at = ReturnStatus.ACCEPTED, user, timezone.now()
    ret.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        actor=user,
        action=Action.RETURN_ACCEPT,
        obj=ret,
        summary=f"Accepted {ret}",
        before=before,
        after=_state(ret),
    )
    return ret


@transaction.atomic
def return_send_back(*, user: User, ret: QuarterlyReturn, comments: str) -> QuarterlyReturn:
    """Return a submitted return to the region with comments; it is edited and signed off
    again."""
    ret = _locked(ret)
    _review_check(user, ret, "return")
    if not comments.strip():
        raise FundsError("Say what the region needs to change.")
    before = {**_state(ret), "review_comments": ret.review_comments}
    ret.status, ret.reviewed_by, ret.reviewed_at = ReturnStatus.RETURNED, user, timezone.now()
    ret.review_comments = comments.strip()
    ret.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_comments", "updated_at"]
    )
    audit_record(
        actor=user,
        action=Action.RETURN_SEND_BACK,
        obj=ret,
        summary=f"Returned {ret} with comments",
        before=before,
        after={**_state(ret), "review_comments": ret.review_comments},
    )
    return ret


# --- Reminders and escalation ----------------------------------------------------------------


def _region_emails(region_ids: set[int], roles: set[str], today: date) -> dict[int, set[str]]:
    emails: dict[int, set[str]] = {}
    for region_id, email in (
        Membership.objects.active(on=today)
        .filter(organisation__region_id__in=region_ids, role__in=list(roles))
        .values_list("organisation__region_id", "user__email")
    ):
        if email:
            emails.setdefault(region_id, set()).add(email)
    return emails


def _cib_admin_emails(today: date) -> set[str]:
    return {
        email
        for email in Membership.objects.active(on=today)
        .filter(role=Role.CIB_ADMIN)
        .values_list("user__email", flat=True)
        if email
    }


@transaction.atomic
def returns_remind(today: date | None = None) -> int:
    """Remind the region once when a return not yet submitted is due within 14 days, and
    escalate once to CIB and the region's leads when it is overdue. Returns emails sent."""
    today = today or timezone.localdate()
    base = (
        QuarterlyReturn.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("agreement__region")
        .filter(status__in=OPEN_STATUSES)
        .order_by("due_on", "pk")
    )
    due_soon = list(
        base.filter(
            reminder_sent_on__isnull=True,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=REMINDER_NOTICE_DAYS),
        )
    )
    overdue = list(base.filter(escalated_on__isnull=True, due_on__lt=today))
    region_ids = {r.agreement.region_id for r in due_soon + overdue}
    pms = _region_emails(region_ids, {Role.REGIONAL_PROGRAMME_MANAGER}, today)
    leads = _region_emails(region_ids, set(REGIONAL_LEAD_ROLES), today)
    admins = _cib_admin_emails(today) if overdue else set()
    messages: list[tuple[str, str, list[str]]] = []
    for ret in due_soon:
        region = ret.agreement.region
        QuarterlyReturn.objects.filter(pk=ret.pk).update(reminder_sent_on=today)
        audit_record(
            actor=None, action=Action.RETURN_REMINDER, obj=ret, summary=f"Reminded about {ret}"
        )
        to = sorted(pms.get(region.pk, set()) | leads.get(region.pk, set()))
        if to:
            messages.append(
                (
                    f"[CIB portal] {region.name}'s return for {ret.agreement.label} quarter "
                    f"{ret.quarter} is due on {ret.due_on:%-d %B %Y}",
                    f"{region.name}'s quarterly return to CIB for {ret.agreement.label} quarter "
                    f"{ret.quarter} is due on {ret.due_on:%-d %B %Y} and has not been submitted "
                    f"(it is {_status_words(ret)}).\n\nSign in to the CIB portal to complete it "
                    "under Funds, Quarterly returns.",
                    to,
                )
            )
    for ret in overdue:
        region = ret.agreement.region
        QuarterlyReturn.objects.filter(pk=ret.pk).update(escalated_on=today)
        audit_record(
            actor=None,
            action=Action.RETURN_ESCALATION,
            obj=ret,
            summary=f"Escalated {ret}: overdue",
        )
        to = sorted(admins | leads.get(region.pk, set()))
        if to:
            messages.append(
                (
                    f"[CIB portal] Overdue: {region.name}'s return for {ret.agreement.label} "
                    f"quarter {ret.quarter}",
                    f"{region.name}'s quarterly return to CIB for {ret.agreement.label} quarter "
                    f"{ret.quarter} was due on {ret.due_on:%-d %B %Y} and has not been "
                    f"submitted (it is {_status_words(ret)}).\n\nSign in to the CIB portal to "
                    "follow it up under Funds, Quarterly returns.",
                    to,
                )
            )
    for subject, body, to in messages:
        send_mail(subject, body, None, to, fail_silently=False)
    return len(messages)
