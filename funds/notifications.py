"""Emails about spend requests, sent once the change is committed (never for a rolled-back one).

On submission the region's regional leads are told; on each approval and on rejection the
person who raised the request is told.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from regions.models import REGIONAL_LEAD_ROLES, Membership

from .models import SpendRequest, SpendStatus
from .services import approvals_needed, pounds


def _link(spend: SpendRequest) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{reverse('funds:request_detail', kwargs={'pk': spend.pk})}"


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_mail(f"[CIB portal] {subject}", body, None, recipients, fail_silently=True)
    )


def region_lead_emails(spend: SpendRequest) -> list[str]:
    """The active regional leads of the request's region (not the raiser)."""
    emails = (
        Membership.objects.active()
        .filter(organisation__region_id=spend.agreement.region_id, role__in=REGIONAL_LEAD_ROLES)
        .exclude(user_id=spend.raised_by_id)
        .filter(user__is_active=True)
        .values_list("user__email", flat=True)
    )
    return sorted({e for e in emails if e})


def _summary(spend: SpendRequest) -> str:
    return (
        f"Amount: {pounds(spend.amount_pence)}\n"
        f"Purpose: {spend.allocation.get_purpose_display()}\n"
        f"Agreement: {spend.agreement}\n"
        f"Description: {spend.description}\n"
    )


def notify_submitted(spend: SpendRequest) -> None:
    needed = approvals_needed(spend)
    body = (
        f"{spend.raised_by.get_full_name() or spend.raised_by.email} has submitted a spend "
        f"request for your approval.\n\n{_summary(spend)}\n"
        + ("It needs the approval of two different regional leads.\n" if needed == 2 else "")
        + f"\nDecide on it in the CIB portal: {_link(spend)}\n"
    )
    _send(
        f"Spend request of {pounds(spend.amount_pence)} to decide",
        body,
        region_lead_emails(spend),
    )


def notify_approved(spend: SpendRequest, approver) -> None:
    who = approver.get_full_name() or approver.email
    if spend.status == SpendStatus.APPROVED:
        subject = f"Spend request of {pounds(spend.amount_pence)} approved"
        text = f"{who} approved your spend request. You may now spend the money."
    else:
        subject = f"Spend request of {pounds(spend.amount_pence)}: first approval"
        text = (
            f"{who} approved your spend request. It still needs another regional lead's approval."
        )
    _send(
        subject,
        f"{text}\n\n{_summary(spend)}\nSee it in the CIB portal: {_link(spend)}\n",
        [spend.raised_by.email],
    )


def notify_rejected(spend: SpendRequest, rejecter) -> None:
    who = rejecter.get_full_name() or rejecter.email
    body = (
        f"{who} rejected your spend request.\n\nReason: {spend.rejection_reason}\n\n"
        f"{_summary(spend)}\nSee it in the CIB portal: {_link(spend)}\n"
    )
    _send(f"Spend request of {pounds(spend.amount_pence)} rejected", body, [spend.raised_by.email])
