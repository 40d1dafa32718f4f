"""Running a programme: creating it, making its pairings, editing and publishing them.

Every change that touches more than one row is one transaction; the programme row is locked
while its pairings change, so two people pressing "make the pairings" at once get one result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from regions.models import Council, Membership, Region, Role

from . import scoring, solver
from .models import (
    Challenge,
    Challenger,
    DeclaredConflict,
    Exclusion,
    Participant,
    Preference,
    Programme,
    ProgrammeModel,
    ProgrammeStatus,
)

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
        action="programme.create",
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
        action="programme.participant_add",
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
        action="programme.participant_remove",
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
        action="conflict.declare",
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
        action="programme.exclusion_add",
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
        action="programme.exclusion_remove",
        obj=programme,
        summary=summary,
        before={"reason": reason},
    )


# --- Making the pairings ---------------------------------------------------------------------


@dataclass
class Inputs:
    """Everything the solver is given for a programme, and why each pair is forbidden."""

    problem: solver.Problem
    councils: dict[str, Council]
    facts: dict[str, scoring.CouncilFacts]
    words: dict[frozenset[str], list[str]]
    forbidden_why: dict[frozenset[str], str]


def last_years_partners(programme: Programme, codes: list[str]) -> dict[frozenset[str], str]:
    """Pairs that challenged each other (either way) in any programme of the year before."""
    rows = Challenger.objects.filter(
        challenge__programme__year=programme.year - 1,
        challenge__programme__status=ProgrammeStatus.PUBLISHED,
        host__gss_code__in=codes,
        council__gss_code__in=codes,
    ).values_list("host__gss_code", "council__gss_code")
    return {frozenset((h, c)): f"challenged each other in {programme.year - 1}" for h, c in rows}


def committed_days(programme: Programme, codes: list[str]) -> dict[str, float]:
    """Days each council's DCS has already given this year outside this programme."""
    from .ledger import ledger_rows

    rows = ledger_rows(year=programme.year, council_codes=codes, exclude_programme=programme)
    return {row.code: float(row.days_given) for row in rows}


def programme_inputs(programme: Programme) -> Inputs:
    councils = {
        p.council.gss_code: p.council
        for p in programme.participants.select_related("council__region")
    }
    codes = sorted(councils)
    ids = [c.pk for c in councils.values()]
    forbidden_why: dict[frozenset[str], str] = {}
    forbidden_why.update(last_years_partners(programme, codes))
    for a, b, reason in DeclaredConflict.objects.filter(
        council_a_id__in=ids, council_b_id__in=ids
    ).values_list("council_a__gss_code", "council_b__gss_code", "reason"):
        forbidden_why[frozenset((a, b))] = f"declared conflict of interest: {reason}"
    for a, b, reason in programme.exclusions.values_list(
        "council_a__gss_code", "council_b__gss_code", "reason"
    ):
        forbidden_why[frozenset((a, b))] = f"kept apart by the regional lead: {reason}"
    locked: list[tuple[str, ...]] = []
    locked_challenges = list(
        programme.challenges.filter(locked=True)
        .select_related("host")
        .prefetch_related("challengers__council")
    )
    if programme.model == ProgrammeModel.PANEL:
        for ch in locked_challenges:
            locked.append(
                (ch.host.gss_code, *sorted(x.council.gss_code for x in ch.challengers.all()))
            )
    else:
        groups: dict[int, set[str]] = {}
        for ch in locked_challenges:
            groups.setdefault(ch.group, set()).add(ch.host.gss_code)
        locked = [tuple(sorted(g)) for _, g in sorted(groups.items())]
    facts = scoring.council_facts(
        councils.values(), with_standing=programme.preference == Preference.MIX
    )
    terms, words = scoring.all_pair_terms(programme, facts)
    problem = solver.Problem(
        councils=tuple(codes),
        model=programme.model,
        size=programme.cluster_size,
        forbidden=frozenset(forbidden_why),
        locked=tuple(locked),
        terms=terms,
        committed_days=committed_days(programme, codes)
        if programme.model == ProgrammeModel.PANEL
        else {},
        days_per_challenge=float(programme.days_per_challenge),
        balance_weight=float(programme.weight_balance),
    )
    return Inputs(problem, councils, facts, words, forbidden_why)


def _explanation(
    inputs: Inputs, host: str, challengers: tuple[str, ...], days: Decimal
) -> dict[str, Any]:
    terms: dict[str, float] = {}
    words: list[str] = []
    for code in challengers:
        key = frozenset((host, code))
        for name, value in inputs.problem.terms.get(key, {}).items():
            terms[name] = round(terms.get(name, 0) + value, 3)
        if len(challengers) > 1:
            words.append(f"{inputs.facts[code].name}:")
        words.extend(inputs.words.get(key, []))
    score = round(sum(terms.values()), 3)
    words.append(
        f"Days: each challenger gives {days} days to this challenge; every council in the "
        "programme gives and receives challenge."
    )
    return {"score": score, "terms": terms, "words": words}


def _dcs_by_council(council_ids: list[int]) -> dict[int, User]:
    out: dict[int, User] = {}
    for m in (
        Membership.objects.active()
        .filter(organisation__council_id__in=council_ids, role=Role.DCS)
        .select_related("user")
        .order_by("starts_on", "pk")
    ):
        # A council's organisation: its council_id is one of council_ids, never None.
        out.setdefault(cast(int, m.organisation.council_id), m.user)
    return out


@transaction.atomic
def programme_generate(*, user: User, programme: Programme) -> Programme:
    """Make the pairings with the optimiser, keeping the locked ones. Raises ProgrammeError
    when the hard constraints leave no possible pairing (saying which council)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _require_draft(programme)
    return _generate(user, programme)


BY_HAND = "Chosen by hand by the regional team."


def _generate(user: User, programme: Programme) -> Programme:
    """Solve and store the pairings. The caller holds the programme's row lock."""
    inputs = programme_inputs(programme)
    if len(inputs.councils) < 2:
        raise ProgrammeError("A programme needs at least two councils.")
    try:
        solution = solver.solve(inputs.problem)
    except (solver.NoFeasiblePairing, ValueError) as exc:
        raise ProgrammeError(_with_names(str(exc), inputs.councils)) from exc
    by_hand = {
        host
        for host, explanation in programme.challenges.filter(locked=True).values_list(
            "host__gss_code", "explanation"
        )
        if explanation.get("by_hand")
    }
    programme.challenges.all().delete()  # locked ones are re-made exactly as they were
    locked_hosts = {
        code
        for group in inputs.problem.locked
        for code in (group[:1] if programme.model == ProgrammeModel.PANEL else group)
    }
    dcs = _dcs_by_council([c.pk for c in inputs.councils.values()])
    for a in solution.assignments:
        host = inputs.councils[a.host]
        explanation = _explanation(inputs, a.host, a.challengers, programme.days_per_challenge)
        if a.host in by_hand and a.host in locked_hosts:
            explanation["words"].insert(0, BY_HAND)
            explanation["by_hand"] = True
        challenge = Challenge.objects.create(
            programme=programme,
            host=host,
            group=a.group,
            locked=a.host in locked_hosts,
            score=a.score,
            explanation=explanation,
            focus=programme.focus,
        )
        Challenger.objects.bulk_create(
            Challenger(
                challenge=challenge,
                host=host,
                council=inputs.councils[code],
                person=dcs.get(inputs.councils[code].pk),
            )
            for code in a.challengers
        )
    programme.generated_at = timezone.now()
    programme.objective = solution.objective
    programme.proven_optimal = solution.proven_optimal
    programme.save(update_fields=["generated_at", "objective", "proven_optimal"])
    audit_record(
        actor=user,
        action="programme.generate",
        obj=programme,
        summary=f"Made the pairings of {programme}",
        after={"objective": solution.objective, "locked": len(inputs.problem.locked)},
    )
    return programme


def _with_names(message: str, councils: dict[str, Council]) -> str:
    """The solver speaks in GSS codes; people read council names."""
    return re.sub(
        r"\bE\d{8}\b",
        lambda m: (
            f"{councils[m.group()].name} ({m.group()})" if m.group() in councils else m.group()
        ),
        message,
    )


def _forbidden_message(inputs: Inputs, a: str, b: str) -> str | None:
    why = inputs.forbidden_why.get(frozenset((a, b)))
    if not why:
        return None
    names = f"{inputs.councils[a]} and {inputs.councils[b]}"
    if why.startswith("challenged"):
        return f"{names} cannot be paired: they {why}."
    return f"{names} cannot be paired: {why}."


@transaction.atomic
def challenge_set_challengers(
    *, user: User, challenge: Challenge, councils: list[Council]
) -> Challenge:
    """The regional team chooses a host's challengers by hand. Hard rules still hold: never
    the host itself, never a forbidden pair, only councils taking part.

    In a panel programme only this host's panel changes. In pairs, triads and clusters the
    host and the chosen councils become one group (a pair, a triad, a cluster) which is
    locked, and the optimiser re-makes the other pairings around it (the chosen councils'
    former partners need new ones)."""
    programme = Programme.objects.select_for_update().get(pk=challenge.programme_id)
    _require_draft(programme)
    challenge = Challenge.objects.select_related("host").get(pk=challenge.pk)
    if not councils:
        raise ProgrammeError("Choose at least one challenger.")
    inputs = programme_inputs(programme)
    host = challenge.host.gss_code
    chosen = sorted({c.gss_code for c in councils})
    for code in chosen:
        if code == host:
            raise ProgrammeError(f"{challenge.host} cannot challenge itself.")
        if code not in inputs.councils:
            raise ProgrammeError(f"{inputs_name(code)} does not take part in this programme.")
    members = [host, *chosen] if programme.model != ProgrammeModel.PANEL else []
    pairs_to_check = (
        [(host, c) for c in chosen]
        if programme.model == ProgrammeModel.PANEL
        else [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    )
    for a, b in pairs_to_check:
        message = _forbidden_message(inputs, a, b)
        if message:
            raise ProgrammeError(message)
    before = sorted(challenge.challengers.values_list("council__gss_code", flat=True))
    if programme.model == ProgrammeModel.PANEL:
        challenge.challengers.all().delete()
        dcs = _dcs_by_council([inputs.councils[c].pk for c in chosen])
        Challenger.objects.bulk_create(
            Challenger(
                challenge=challenge,
                host=challenge.host,
                council=inputs.councils[c],
                person=dcs.get(inputs.councils[c].pk),
            )
            for c in chosen
        )
        explanation = _explanation(inputs, host, tuple(chosen), programme.days_per_challenge)
        explanation["words"].insert(0, BY_HAND)
        explanation["by_hand"] = True
        challenge.explanation = explanation
        challenge.score = explanation["score"]
        challenge.locked = True
        challenge.save(update_fields=["explanation", "score", "locked", "updated_at"])
    else:
        _lock_group_by_hand(programme, inputs, members)
        _generate(user, programme)
        challenge = Challenge.objects.get(programme=programme, host=challenge.host)
    audit_record(
        actor=user,
        action="challenge.challengers_set",
        obj=challenge,
        summary=f"Challengers of {challenge.host} changed by hand",
        before={"challengers": before},
        after={"challengers": chosen},
    )
    return challenge


def _lock_group_by_hand(programme: Programme, inputs: Inputs, members: list[str]) -> None:
    """Dissolve the groups the members were in (their other members are unlocked so the
    optimiser can place them again) and store the new group, locked, as a ring."""
    old_groups = set(
        programme.challenges.filter(host__gss_code__in=members).values_list("group", flat=True)
    )
    programme.challenges.filter(group__in=old_groups).exclude(host__gss_code__in=members).update(
        locked=False
    )
    programme.challenges.filter(host__gss_code__in=members).delete()
    group = (max(programme.challenges.values_list("group", flat=True), default=0) or 0) + 1
    ring = sorted(members)
    for i, code in enumerate(ring):
        host = inputs.councils[code]
        challenge = Challenge.objects.create(
            programme=programme,
            host=host,
            group=group,
            locked=True,
            explanation={"by_hand": True, "words": [BY_HAND], "terms": {}, "score": 0},
        )
        Challenger.objects.create(
            challenge=challenge, host=host, council=inputs.councils[ring[i - 1]]
        )


def inputs_name(code: str) -> str:
    council = Council.objects.filter(gss_code=code).first()
    return str(council) if council else code


@transaction.atomic
def challenge_set_locked(*, user: User, challenge: Challenge, locked: bool) -> Challenge:
    """Lock a pairing (kept when the pairings are made again) or unlock it. In a group
    model the whole group is locked together, as the solver keeps groups whole."""
    programme = Programme.objects.select_for_update().get(pk=challenge.programme_id)
    _require_draft(programme)
    if programme.model == ProgrammeModel.PANEL:
        targets = Challenge.objects.filter(pk=challenge.pk)
    else:
        targets = programme.challenges.filter(group=challenge.group)
    targets.update(locked=locked)
    audit_record(
        actor=user,
        action="challenge.lock" if locked else "challenge.unlock",
        obj=challenge,
        summary=f"{'Locked' if locked else 'Unlocked'} the pairing of {challenge.host}",
    )
    challenge.refresh_from_db()
    return challenge


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
        actor=user, action="programme.publish", obj=programme, summary=f"Published {programme}"
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
