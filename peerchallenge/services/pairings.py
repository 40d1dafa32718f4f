"""Making a programme's pairings: what the optimiser is given (councils, forbidden pairs and
why, locked groups, scores), running it, and the regional team's changes by hand (choosing a
host's challengers, locking a pairing).

The programme row is locked while its pairings change, so two people pressing "make the
pairings" at once get one result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from peerchallenge import scoring, solver
from peerchallenge.audit_actions import Action as Audit
from peerchallenge.models import (
    Challenge,
    Challenger,
    DeclaredConflict,
    Preference,
    Programme,
    ProgrammeModel,
    ProgrammeStatus,
)
from regions.models import Council, Membership, Role

from .programmes import ProgrammeError, _require_draft

if TYPE_CHECKING:
    from accounts.models import User


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
    from peerchallenge.selectors.ledger import ledger_rows

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
        action=Audit.PROGRAMME_GENERATE,
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
        action=Audit.CHALLENGE_CHALLENGERS_SET,
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
        action=Audit.CHALLENGE_LOCK if locked else Audit.CHALLENGE_UNLOCK,
        obj=challenge,
        summary=f"{'Locked' if locked else 'Unlocked'} the pairing of {challenge.host}",
    )
    challenge.refresh_from_db()
    return challenge
