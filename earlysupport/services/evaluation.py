"""Evaluating the risk rules: the findings as of a date (pure), and turning them into flags.

`findings(as_of=...)` reads only facts known on `as_of` (see `earlysupport.publication`) and
writes nothing: the backtest uses it for past dates. `evaluate_risk_flags()` applies today's
findings to the flags, keeping their triage history:

- a finding with an open (not closed) flag for the council and rule updates that flag's summary
  and evidence ("evidence_updated" only when the evidence changed; "evidence_back" if it had
  been proposed for closing);
- a finding with no open flag raises a new one ("raised"), even if an earlier flag for the same
  council and rule was closed;
- an open rule flag with no finding is proposed for closing ("evidence_gone", once): never
  deleted, its status never changed;
- flags raised by people and closed flags are not touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from ..models import Flag, FlagEvent, FlagStatus, Rule
from ..rules import Facts, Finding, evaluate_rule

if TYPE_CHECKING:
    from accounts.models import User

LOCK_KEY = 7_000_707  # pg advisory lock: one evaluation at a time


@dataclass
class Result:
    raised: int = 0
    updated: int = 0
    unchanged: int = 0
    gone: int = 0

    def __str__(self) -> str:
        return (
            f"{self.raised} raised, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.gone} proposed for closing"
        )


def findings(
    *,
    as_of: dt.date,
    rules: Iterable[Rule] | None = None,
    council_ids: Iterable[int] | None = None,
    facts: Facts | None = None,
) -> list[Finding]:
    """Every finding of the rules (the active ones by default) on `as_of`, for every council
    (or those in `council_ids`). Reads only what was public on `as_of`; writes nothing."""
    if rules is None:
        rules = list(Rule.objects.filter(is_active=True))
    facts = facts or Facts(as_of)
    wanted = set(council_ids) if council_ids is not None else None
    out: list[Finding] = []
    for rule in rules:
        for finding in evaluate_rule(rule, facts):
            if wanted is None or finding.council_id in wanted:
                out.append(finding)
    out.sort(key=lambda f: (f.rule.kind, f.rule.code, facts.councils.get(f.council_id, "")))
    return out


def _comparable(evidence: dict) -> dict:
    """Evidence without the evaluation date, to tell whether it changed."""
    return {k: v for k, v in (evidence or {}).items() if k != "as_of"}


@transaction.atomic
def evaluate_risk_flags(*, as_of: dt.date | None = None, actor: User | None = None) -> Result:
    """Raise, update or propose for closing the rule flags from the findings on `as_of`
    (today by default). All or nothing; one evaluation at a time."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    result = Result()
    found: dict[tuple[int, int | None], Finding] = {
        (f.council_id, f.rule.pk): f for f in findings(as_of=as_of)
    }
    open_flags = {
        (f.council_id, f.rule_id): f
        for f in Flag.objects.select_for_update()
        .filter(rule__isnull=False)
        .exclude(status=FlagStatus.CLOSED)
    }
    events: list[FlagEvent] = []
    changed: list[Flag] = []
    new_flags: list[Flag] = []
    for key, finding in found.items():
        flag = open_flags.get(key)
        if flag is None:
            new_flags.append(
                Flag(
                    council_id=finding.council_id,
                    rule=finding.rule,
                    severity=finding.severity,
                    status=FlagStatus.OPEN,
                    summary=finding.summary,
                    evidence=finding.evidence,
                    as_of=as_of,
                    raised_at=now,
                    last_evaluated_at=now,
                )
            )
            result.raised += 1
            continue
        differs = _comparable(flag.evidence) != _comparable(finding.evidence)
        if flag.evidence_gone_at is not None:
            flag.evidence_gone_at = None
            events.append(
                FlagEvent(flag=flag, actor=actor, kind="evidence_back", note=finding.summary)
            )
        if differs:
            events.append(
                FlagEvent(flag=flag, actor=actor, kind="evidence_updated", note=finding.summary)
            )
            result.updated += 1
        else:
            result.unchanged += 1
        flag.summary = finding.summary
        flag.evidence = finding.evidence
        flag.severity = finding.severity
        flag.as_of = as_of
        flag.last_evaluated_at = now
        changed.append(flag)
    for key, flag in open_flags.items():
        if key in found:
            continue
        flag.last_evaluated_at = now
        if flag.evidence_gone_at is None:
            flag.evidence_gone_at = now
            events.append(
                FlagEvent(
                    flag=flag,
                    actor=actor,
                    kind="evidence_gone",
                    note=(
                        f"The evaluation as of {as_of:%-d %B %Y} no longer finds this evidence: "
                        "proposed for closing."
                    ),
                )
            )
            result.gone += 1
        changed.append(flag)
    Flag.objects.bulk_update(
        changed,
        ["summary", "evidence", "severity", "as_of", "last_evaluated_at", "evidence_gone_at"],
        batch_size=500,
    )
    Flag.objects.bulk_create(new_flags, batch_size=500)
    events.extend(
        FlagEvent(flag=f, actor=actor, kind="raised", to_status=FlagStatus.OPEN, note=f.summary)
        for f in new_flags
    )
    FlagEvent.objects.bulk_create(events, batch_size=500)
    return result
