"""Writing the audit trail."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


# One style for every action name: "<thing>.<what happened>", two snake_case words joined by
# one dot ("spend.approve", "challenge.action_status"). Each app declares its names once, as
# an enum.StrEnum in its `audit_actions.py`; services pass those constants, never a string.
ACTION_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*\.[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _json_safe(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime, Decimal)):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def fields_of(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The named fields of `obj` as JSON-safe values (foreign keys by id), for before/after."""
    values = {}
    for name in names:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _json_safe(getattr(obj, attname))
    return values


@contextmanager
def audited_change(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model,
    fields: Iterable[str],
    summary: str = "",
) -> Iterator[None]:
    """Record the change the block makes to `obj`'s fields, before and after, with one event:

        with audited_change(actor=user, action=Action.SPEND_UPDATE, obj=spend,
                            fields=("amount_pence", "purpose"), summary=f"Changed {spend}"):
            spend.amount_pence = new_amount
            spend.save()

    Nothing is recorded if the block raises (the caller's transaction rolls back the change)."""
    names = tuple(fields)
    before = fields_of(obj, names)
    yield
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        summary=summary or f"Changed {obj}",
        before=before,
        after=fields_of(obj, names),
    )


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model,
    summary: str,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Record a sensitive change to `obj` by `actor` (None for the system or a command)."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:300],
        before=before,
        after=after,
    )


def audit_record_many(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    model: type[models.Model],
    events: list[tuple[int, str, dict | None, dict | None]],
) -> None:
    """One audit row for each (pk of a `model` row, summary, before, after), as audit_record
    writes it, copied in at once (COPY): a big import audits every row it adds or changes."""
    import csv
    import io
    import json

    from django.db import connection
    from django.utils import timezone

    if not events:
        return
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    now = timezone.now().isoformat()
    object_type = model._meta.label_lower
    for pk, summary, before, after in events:
        writer.writerow(
            [
                now,
                "" if actor_id is None else actor_id,
                action,
                object_type,
                str(pk),
                summary[:300],
                "" if before is None else json.dumps(before),
                "" if after is None else json.dumps(after),
            ]
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {AuditEvent._meta.db_table} (at, actor_id, action, object_type, object_id, "
            "summary, before, after) FROM STDIN WITH (FORMAT csv, "
            "FORCE_NULL (actor_id, before, after))",
            buffer,
        )
