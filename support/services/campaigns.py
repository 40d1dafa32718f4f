"""CIB's campaigns: councils apply within the window, national staff decide on each
application with a reason, and the selection is published to the applicants.

A capped campaign never selects more than its cap, even when decisions are made at the same
moment: a selection adds one to the campaign's `selected_count` with one conditional UPDATE
(`... WHERE cap IS NULL OR selected_count < cap`). PostgreSQL locks the campaign's row, so
selections at the same moment queue and each sees the count the one before left; the CHECK
constraint `campaign_never_over_cap` refuses any count over the cap as the last line. Every
decision is one transaction and one audit event.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record, audited_change
from regions.models import Council

from .. import permissions
from ..audit_actions import Action
from ..models.campaigns import ApplicationDecision, Campaign, CampaignApplication
from .common import SupportError

if TYPE_CHECKING:
    from accounts.models import User

DECISION_ACTIONS = {
    ApplicationDecision.SELECTED: Action.CAMPAIGN_SELECT,
    ApplicationDecision.NOT_SELECTED: Action.CAMPAIGN_NOT_SELECT,
    ApplicationDecision.RESERVE: Action.CAMPAIGN_RESERVE,
}


def _day(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def window_refusal(campaign: Campaign, today: datetime.date | None = None) -> str:
    """Why the campaign takes no application today, or "" while its window is open."""
    today = today or timezone.localdate()
    if today < campaign.opens_on:
        return f"{campaign.name} opens for expressions of interest on {_day(campaign.opens_on)}."
    if today > campaign.closes_on:
        return f"{campaign.name} closed for expressions of interest on {_day(campaign.closes_on)}."
    return ""


@transaction.atomic
def campaign_create(
    *,
    user: User | None,
    code: str,
    name: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    description: str = "",
    how_to_apply: str = "",
    cap: int | None = None,
    offer_id: int | None = None,
) -> Campaign:
    """A new call for expressions of interest (the admin, the demo data and tests make them)."""
    if closes_on < opens_on:
        raise SupportError("The campaign must close on or after the day it opens.")
    if cap is not None and cap <= 0:
        raise SupportError("A cap must be at least 1, or none.")
    campaign = Campaign.objects.create(
        code=code,
        name=name,
        description=description,
        how_to_apply=how_to_apply,
        opens_on=opens_on,
        closes_on=closes_on,
        cap=cap,
        offer_id=offer_id,
    )
    audit_record(
        actor=user,
        action=Action.CAMPAIGN_SAVE,
        obj=campaign,
        summary=f"Opened the campaign {name}",
        after={"opens_on": str(opens_on), "closes_on": str(closes_on), "cap": cap},
    )
    return campaign


CAMPAIGN_FIELDS = ("name", "description", "how_to_apply", "opens_on", "closes_on", "cap", "offer")


@transaction.atomic
def campaign_update(
    *,
    user: User,
    campaign: Campaign,
    name: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    description: str = "",
    how_to_apply: str = "",
    cap: int | None = None,
    offer_id: int | None = None,
) -> Campaign:
    """Change a campaign: its window, cap and words. A cap is never set below the councils
    already selected."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    allowed = permissions.can_decide_campaign(user, campaign)
    if not allowed:
        raise SupportError(allowed.reason)
    if closes_on < opens_on:
        raise SupportError("The campaign must close on or after the day it opens.")
    if cap is not None and cap < max(campaign.selected_count, 1):
        raise SupportError(
            f"{campaign.selected_count} councils are selected already: the cap cannot be "
            "lower than that."
            if campaign.selected_count
            else "A cap must be at least 1, or none."
        )
    with audited_change(
        actor=user,
        action=Action.CAMPAIGN_SAVE,
        obj=campaign,
        fields=CAMPAIGN_FIELDS,
        summary=f"Changed the campaign {name}",
    ):
        campaign.name, campaign.description, campaign.how_to_apply = name, description, how_to_apply
        campaign.opens_on, campaign.closes_on, campaign.cap = opens_on, closes_on, cap
        campaign.offer_id = offer_id
        campaign.save()
    return campaign


@transaction.atomic
def campaign_apply(
    *, user: User, campaign: Campaign, council: Council, statement: str
) -> CampaignApplication:
    """A council's expression of interest, within the window, one per council."""
    decision = permissions.can_apply_for(user, council)
    if not decision:
        raise SupportError(decision.reason)
    refusal = window_refusal(campaign)
    if refusal:
        raise SupportError(refusal)
    statement = statement.strip()
    if not statement:
        raise SupportError("Say in a short statement why the council is applying.")
    existing = CampaignApplication.objects.filter(campaign=campaign, council=council).first()
    if existing is not None:
        raise SupportError(
            f"{council.name} applied to {campaign.name} on {_day(existing.applied_at.date())}: "
            "a council applies once."
        )
    try:
        with transaction.atomic():
            application = CampaignApplication.objects.create(
                campaign=campaign, council=council, statement=statement, applied_by=user
            )
    except IntegrityError as exc:  # the same council applying at the same moment
        raise SupportError(f"{council.name} has already applied: a council applies once.") from exc
    audit_record(
        actor=user,
        action=Action.CAMPAIGN_APPLY,
        obj=application,
        summary=f"{council.name} applied to {campaign.name}",
        after={"campaign": campaign.code, "council": council.gss_code},
    )
    return application


def _cap_refusal(campaign: Campaign) -> str:
    return (
        f"{campaign.name} has selected all {campaign.cap} councils its cap allows: "
        "not select or reserve one of them first."
    )


@transaction.atomic
def campaign_decide(
    *, user: User, application: CampaignApplication, decision: str, reason: str
) -> CampaignApplication:
    """Select, not select or reserve a council, with the reason. A selection counts against
    the campaign's cap (refused when it is full); moving a selected council off the selection
    frees its place. Refused once the selection has been published."""
    application = (
        CampaignApplication.objects.select_for_update(of=("self",))
        .select_related("campaign", "council")
        .get(pk=application.pk)
    )
    campaign = application.campaign
    allowed = permissions.can_decide_campaign(user, campaign)
    if not allowed:
        raise SupportError(allowed.reason)
    if decision not in DECISION_ACTIONS:
        raise SupportError("Choose selected, not selected or reserve.")
    reason = reason.strip()
    if not reason:
        raise SupportError(f"Give the reason for the decision on {application.council.name}.")
    if campaign.selection_published:
        raise SupportError(
            f"The selection for {campaign.name} has been published: its decisions are final."
        )
    before = {"decision": application.decision, "reason": application.decision_reason}
    was_selected = application.decision == ApplicationDecision.SELECTED
    now_selected = decision == ApplicationDecision.SELECTED
    if now_selected and not was_selected:
        added = (
            Campaign.objects.filter(pk=campaign.pk, selection_published=False)
            .filter(Q(cap__isnull=True) | Q(selected_count__lt=F("cap")))
            .update(selected_count=F("selected_count") + 1)
        )
        if not added:
            campaign.refresh_from_db(fields=["selection_published", "selected_count"])
            if campaign.selection_published:
                raise SupportError(
                    f"The selection for {campaign.name} has been published: its decisions "
                    "are final."
                )
            raise SupportError(_cap_refusal(campaign))
    elif was_selected and not now_selected:
        Campaign.objects.filter(pk=campaign.pk).update(selected_count=F("selected_count") - 1)
    application.decision = decision
    application.decision_reason = reason
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    audit_record(
        actor=user,
        action=DECISION_ACTIONS[ApplicationDecision(decision)],
        obj=application,
        summary=(
            f"{application.get_decision_display()}: {application.council.name} for {campaign.name}"
        ),
        before=before,
        after={"decision": decision, "reason": reason},
    )
    return application


def _link(campaign: Campaign) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{reverse('support:campaign_detail', kwargs={'code': campaign.code})}"


def _tell(application: CampaignApplication) -> None:
    email = application.applied_by.email
    if not email:
        return
    campaign = application.campaign
    subject = f"[CIB portal] {campaign.name}: {application.get_decision_display().lower()}"
    body = (
        f"The selection for {campaign.name} has been published.\n\n"
        f"{application.council.name}: {application.get_decision_display()}.\n"
        f"Reason: {application.decision_reason}\n\n"
        f"See the selection in the CIB portal: {_link(campaign)}\n"
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))


@transaction.atomic
def campaign_publish(*, user: User, campaign: Campaign) -> Campaign:
    """Publish the selection (every application decided) and tell each applicant."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    allowed = permissions.can_decide_campaign(user, campaign)
    if not allowed:
        raise SupportError(allowed.reason)
    if campaign.selection_published:
        raise SupportError(f"The selection for {campaign.name} is already published.")
    applications = list(
        campaign.applications.select_related("council", "applied_by").order_by("council__name")
    )
    if not applications:
        raise SupportError(f"No council has applied to {campaign.name}: nothing to publish.")
    pending = [a.council.name for a in applications if a.decision == ApplicationDecision.PENDING]
    if pending:
        raise SupportError(
            f"Decide on every application before publishing: {len(pending)} still pending "
            f"({', '.join(pending[:5])}{'…' if len(pending) > 5 else ''})."
        )
    campaign.selection_published = True
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["selection_published", "published_at"])
    audit_record(
        actor=user,
        action=Action.CAMPAIGN_PUBLISH,
        obj=campaign,
        summary=f"Published the selection for {campaign.name} ({campaign.selected_count} selected)",
        after={"selected": campaign.selected_count, "applications": len(applications)},
    )
    for application in applications:
        application.campaign = campaign
        _tell(application)
    return campaign
