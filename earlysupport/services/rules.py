"""Editing a risk rule's settings, with a reason; audited with before, after and the reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record

from ..audit_actions import Action
from ..models import Rule, Severity

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

RULE_FIELDS = ("severity", "weight", "is_active", "rationale", "indicators", "params")


def _rule_state(rule: Rule, names: list[str]) -> dict:
    return {n: getattr(rule, n) for n in names}


@transaction.atomic
def rule_update(
    *, user: User | AnonymousUser | None, rule: Rule, reason: str, **changes: Any
) -> Rule:
    """Change a rule's severity, weight, is_active, rationale, indicators or params, with a
    reason; audited with before, after and the reason. Only changed fields are recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for this change"})
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"Rule fields that cannot be changed here: {', '.join(sorted(unknown))}")
    if "severity" in changes and changes["severity"] not in Severity.values:
        raise ValidationError({"severity": "Select red or amber"})
    if "weight" in changes and not (1 <= int(changes["weight"]) <= 10):
        raise ValidationError({"weight": "The weight must be between 1 and 10"})
    if "rationale" in changes and not (changes["rationale"] or "").strip():
        raise ValidationError({"rationale": "Enter the rationale"})
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    changed = [n for n in RULE_FIELDS if n in changes and getattr(rule, n) != changes[n]]
    before = _rule_state(rule, changed)
    for n in changed:
        setattr(rule, n, changes[n])
    rule.updated_by = user if user is not None and user.is_authenticated else None
    rule.save()
    audit_record(
        actor=user,
        action=Action.RULE_UPDATE,
        obj=rule,
        summary=f"Changed the rule ‘{rule.name}’"
        + (f" ({', '.join(changed)})" if changed else " (no change to its settings)"),
        before=before,
        after={**_rule_state(rule, changed), "reason": reason},
    )
    return rule
