"""Audit action names in the one style `<thing>.<what_happened>` (issue 13): the events already
recorded under the three-part names take the new ones (and back, reversed)."""

from django.db import migrations

RENAMED = {
    "challenge.self_assessment.share": "challenge.self_assessment_share",
    "challenge.document.upload": "challenge.document_upload",
    "challenge.document.delete": "challenge.document_delete",
    "challenge.feedback.issue": "challenge.feedback_issue",
    "challenge.action.status": "challenge.action_status",
    "challenge.action.delete": "challenge.action_delete",
    "challenge.action.overdue_reminder": "challenge.action_overdue_reminder",
}


def _rename(apps, names: dict[str, str]) -> None:
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for old, new in names.items():
        AuditEvent.objects.filter(action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("peerchallenge", "0002_proven_optimal"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
