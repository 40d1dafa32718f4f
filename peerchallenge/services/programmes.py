"""Running a programme: creating it, the councils taking part and kept apart, declared
conflicts of interest, and publishing its pairings (making them is in `pairings`).

Every change that touches more than one row is one transaction; the programme row is locked
while its pairings change, so two people pressing "make the pairings" at once get one result.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from peerchallenge.audit_actions import Action as Audit
from peerchallenge.models import (
    Challenger,
    DeclaredConflict,
    Exclusion,
    Participant,
    Programme,
    ProgrammeModel,
    ProgrammeStatus,
)
from regions.models import Council, Membership, Region, Role

if TYPE_CHECKING:
    from accounts.models import User


class ProgrammeError(Exception):
    """A programme change cannot be made; the message says why, for the person who asked."""


MODEL_DEFAULT_SIZE: dict[str, int] = {ProgrammeModel.CLUSTERS: 4, ProgrammeModel.PANEL: 3}


@transaction.atomic
def programme_create(
    *,
    user: User,
    region: Region,
    year: int,
    model: str,
    cluster_size: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    focus: str = "",
    **options: Any,
) -> Programme:
    """A region's programme for a year, with every council of the region taking part."""
    if model not in ProgrammeModel.values:
        raise ProgrammeError(f"Choose a model: {', '.join(ProgrammeModel.values)}.")
    if model in (ProgrammeModel.PAIRS, ProgrammeModel.TRIADS):
        cluster_size = None
    elif cluster_size is None:
        cluster_size = MODEL_DEFAULT_SIZE[model]
    if Programme.objects.filter(region=region, year=year).exists():
        raise ProgrammeError(f"{region} already has a programme for {year}.")
    programme = Programme.objects.create(
        region=region,
        year=year,
        model=model,
        cluster_size=cluster_size,
        starts_on=starts_on or date(year, 4, 1),
        ends_on=ends_on or date(year + 1, 3, 31),
        focus=focus,
        created_by=user,
        **options,
    )
    Participant.objects.bulk_create(
        Participant(programme=programme, council=c) for c in region.councils.all()
    )
    audit_record(
        actor=user,
        action=Audit.PROGRAMME_CREATE,
        obj=programme,
        summary=f"Created {programme}",
        after={"model": model, "cluster_size": cluster_size},
    )
    return programme


def _require_draft(programme: Programme) -> None:
    if programme.status != ProgrammeStatus.DRAFT:
        raise ProgrammeError("The programme is published: its pairings can no longer change.")


@transaction.atomic
def participant_add(
    *, user: User, programme: Programme, council: Council, agreement: str
) -> Participant:
    """A council from another region joins by agreement (saying what was agreed)."""
    _require_draft(programme)
    if not agreement.strip():
        raise ProgrammeError("Say what was agreed with the council joining from another region.")
    if programme.participants.filter(council=council).exists():
        raise ProgrammeError(f"{council} already takes part.")
    participant = Participant.objects.create(
        programme=programme, council=council, agreement=agreement.strip()
    )
    audit_record(
        actor=user,
        action=Audit.PROGRAMME_PARTICIPANT_ADD,
        obj=programme,
        summary=f"{council} joined {programme} by agreement",
        after={"council": council.gss_code, "agreement": agreement.strip()},
    )
    return participant


@transaction.atomic
def participant_remove(*, user: User, programme: Programme, council: Council) -> None:
    """Only councils that joined from another region may leave: every council of the region
    takes part."""
    _require_draft(programme)
    if council.region_id == programme.region_id:
        raise ProgrammeError(f"Every council of {programme.region} takes part.")
    programme.challenges.filter(host=council).delete()
    Challenger.objects.filter(challenge__programme=programme, council=council).delete()
    programme.participants.filter(council=council).delete()
    audit_record(
        actor=user,
        action=Audit.PROGRAMME_PARTICIPANT_REMOVE,
        obj=programme,
        summary=f"{council} left {programme}",
    )


def _ordered(a: Council, b: Council) -> tuple[Council, Council]:
    if a.pk == b.pk:
        raise ProgrammeError("Choose two different councils.")
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def conflict_declare(
    *, user: User, council: Council, other: Council, reason: str
) -> DeclaredConflict:
    """A declared conflict of interest: the two councils are never paired."""
    if not reason.strip():
        raise ProgrammeError("Give the reason for the conflict of interest.")
    a, b = _ordered(council, other)
    conflict, created = DeclaredConflict.objects.get_or_create(
        council_a=a, council_b=b, defaults={"reason": reason.strip(), "declared_by": user}
    )
    if not created:
        raise ProgrammeError(f"A conflict between {a} and {b} is already declared.")
    audit_record(
        actor=user,
        action=Audit.CONFLICT_DECLARE,
        obj=conflict,
        summary=f"Conflict declared between {a} and {b}",
        after={"reason": reason.strip()},
    )
    return conflict


@transaction.atomic
def exclusion_add(
    *, user: User, programme: Programme, council: Council, other: Council, reason: str
) -> Exclusion:
    """The regional lead keeps two councils apart in this programme."""
    _require_draft(programme)
    if not reason.strip():
        raise ProgrammeError("Give the reason for keeping the two councils apart.")
    a, b = _ordered(council, other)
    if programme.exclusions.filter(council_a=a, council_b=b).exists():
        raise ProgrammeError(f"{a} and {b} are already kept apart.")
    exclusion = Exclusion.objects.create(
        programme=programme, council_a=a, council_b=b, reason=reason.strip(), created_by=user
    )
    audit_record(
        actor=user,
        action=Audit.PROGRAMME_EXCLUSION_ADD,
        obj=programme,
        summary=f"{a} and {b} kept apart in {programme}",
        after={"reason": reason.strip()},
    )
    return exclusion


@transaction.atomic
def exclusion_remove(*, user: User, exclusion: Exclusion) -> None:
    """The regional lead no longer keeps two councils apart in this programme."""
    programme = Programme.objects.select_for_update().get(pk=exclusion.programme_id)
    _require_draft(programme)
    summary = f"{exclusion.council_a} and {exclusion.council_b} no longer kept apart in {programme}"
    reason = exclusion.reason
    exclusion.delete()
    audit_record(
        actor=user,
        action=Audit.PROGRAMME_EXCLUSION_REMOVE,
        obj=programme,
        summary=summary,
        before={"reason": reason},
    )


@transaction.atomic
def programme_publish(*, user: User, programme: Programme) -> Programme:
    """Publish the pairings and tell every council taking part (its DCS, lead member and
    chief executive) who challenges them and whom they challenge."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _require_draft(programme)
    hosts = set(programme.challenges.values_list("host_id", flat=True))
    missing = programme.participants.exclude(council_id__in=hosts)
    if not hosts or missing.exists():
        raise ProgrammeError(
            "Make the pairings first: "
            + (
                ", ".join(str(p.council) for p in missing.select_related("council"))
                + " has no challengers yet."
                if hosts
                else "there are none yet."
            )
        )
    programme.status = ProgrammeStatus.PUBLISHED
    programme.published_at = timezone.now()
    programme.published_by = user
    programme.save(update_fields=["status", "published_at", "published_by"])
    programme.challenges.update(status="preparing")
    audit_record(
        actor=user, action=Audit.PROGRAMME_PUBLISH, obj=programme, summary=f"Published {programme}"
    )
    messages = _publication_messages(programme)
    transaction.on_commit(lambda: _send(messages))
    return programme


def _publication_messages(programme: Programme) -> list[tuple[str, str, list[str]]]:
    challenges = list(
        programme.challenges.select_related("host").prefetch_related("challengers__council")
    )
    challenged_by: dict[int, list[str]] = {}
    challenges_whom: dict[int, list[str]] = {}
    for ch in challenges:
        for x in ch.challengers.all():
            challenged_by.setdefault(ch.host_id, []).append(x.council.name)
            challenges_whom.setdefault(x.council_id, []).append(ch.host.name)
    recipients: dict[int, list[str]] = {}
    for council_id, email in (
        Membership.objects.active()
        .filter(
            organisation__council_id__in=[ch.host_id for ch in challenges],
            role__in=[Role.DCS, Role.LEAD_MEMBER, Role.CHIEF_EXECUTIVE],
        )
        .values_list("organisation__council_id", "user__email")
    ):
        recipients.setdefault(council_id, []).append(email)
    messages = []
    for ch in challenges:
        to = sorted(set(recipients.get(ch.host_id, [])))
        if not to:
            continue
        body = (
            f"The {programme} pairings are published.\n\n"
            f"{ch.host.name} will be challenged by: "
            f"{', '.join(challenged_by.get(ch.host_id, [])) or 'nobody yet'}.\n"
            f"{ch.host.name} will challenge: "
            f"{', '.join(challenges_whom.get(ch.host_id, [])) or 'nobody'}.\n\n"
            "Sign in to the CIB portal to prepare the challenge and agree dates."
        )
        messages.append((f"[CIB portal] {programme}: pairings published", body, to))
    return messages


def _send(messages: list[tuple[str, str, list[str]]]) -> None:
    for subject, body, to in messages:
        send_mail(subject, body, None, to, fail_silently=True)
