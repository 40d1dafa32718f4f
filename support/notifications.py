"""Emails about support requests, sent once the change commits (never for a rolled-back one).

On a request its deciders are told (the region's principal adviser, or the national programme
manager for the offers decided nationally); on each decision and step the person who asked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from regions.models import Membership, OrganisationKind, Role

from .models.offers import Decider, RequestStatus, SupportRequest


def _link(request: SupportRequest) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{reverse('support:request_detail', kwargs={'pk': request.pk})}"


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_mail(f"[CIB portal] {subject}", body, None, recipients, fail_silently=True)
    )


def decider_emails(request: SupportRequest) -> list[str]:
    """Who decides the request: the region's principal advisers, else the programme manager."""
    pms = Q(role=Role.PROGRAMME_MANAGER, organisation__kind=OrganisationKind.NATIONAL)
    if request.offer.decided_by == Decider.PROGRAMME_MANAGER:
        wanted = pms
    else:
        wanted = Q(
            role=Role.PRINCIPAL_ADVISER,
            organisation__kind=OrganisationKind.REGION,
            organisation__region_id=request.council.region_id,
        )
    emails = (
        Membership.objects.active()
        .filter(wanted, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    found = sorted({e for e in emails if e})
    if not found and request.offer.decided_by != Decider.PROGRAMME_MANAGER:
        emails = (
            Membership.objects.active()
            .filter(pms, user__is_active=True)
            .values_list("user__email", flat=True)
        )
        found = sorted({e for e in emails if e})
    return found


def notify_requested(request: SupportRequest) -> None:
    who = request.requested_by.get_full_name() or request.requested_by.email
    body = (
        f"{who} has asked for {request.offer.name} for {request.council.name}.\n\n"
        f"What they need: {request.need}\n"
        + (f"Why: {request.why}\n" if request.why else "")
        + (
            "The cohort is full: the request is on the waiting list.\n"
            if request.status == RequestStatus.WAITING
            else ""
        )
        + f"\nDecide on it in the CIB portal: {_link(request)}\n"
    )
    _send(f"Support requested: {request.offer.name}", body, decider_emails(request))


def notify_decided(request: SupportRequest, *, promoted: bool = False) -> None:
    email = request.requested_by.email
    status = request.get_status_display().lower()
    body = f"Your request for {request.offer.name} for {request.council.name} is now {status}.\n"
    if promoted:
        body = (
            f"A place has come free: your request for {request.offer.name} for "
            f"{request.council.name} is off the waiting list and accepted.\n"
        )
    if request.status == RequestStatus.DECLINED:
        body += f"\nThe reason: {request.decline_reason}\n"
    body += f"\nSee it in the CIB portal: {_link(request)}\n"
    _send(f"Support request {status}: {request.offer.name}", body, [email] if email else [])
