"""Peer challenge's audit action names are declared once (peerchallenge.audit_actions), and the
events recorded under the old three-part names are renamed by migration 0003, and back."""

from __future__ import annotations

import importlib

from django.apps import apps

from audit.models import AuditEvent
from peerchallenge.audit_actions import Action

migration = importlib.import_module("peerchallenge.migrations.0003_audit_action_names")


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action, object_type="peerchallenge.action", object_id="1", summary="An action"
    )


def test_every_new_name_is_declared():
    assert set(migration.RENAMED.values()) <= {a.value for a in Action}


def test_the_migration_renames_recorded_events_and_back(db):
    for old in migration.RENAMED:
        _event(old)
    kept = _event(Action.CHALLENGE_STATUS)
    migration.forwards(apps, None)
    names = set(AuditEvent.objects.values_list("action", flat=True))
    assert names == {*migration.RENAMED.values(), Action.CHALLENGE_STATUS.value}
    migration.backwards(apps, None)
    names = set(AuditEvent.objects.values_list("action", flat=True))
    assert names == {*migration.RENAMED, Action.CHALLENGE_STATUS.value}
    kept.refresh_from_db()
    assert kept.action == "challenge.status"
