"""Saving and deleting the facts the risk rules read (DfE interventions, each council's DCS
history), each with an audit record of before and after. Their CSV imports share each kind's
FactSpec (earlysupport.services.fact_imports; the reading of the files: earlysupport.imports).

DCS tenures of one council must not overlap. A tenure runs from `starts_on` up to
`ends_on`; a director leaving on the day their successor starts is a handover, not an
overlap (the ranges are half open, like PostgreSQL's `daterange(starts_on, ends_on, '[)')`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record

from ..audit_actions import Action
from ..imports import intervention_row, overlaps, span_words, tenure_file_check, tenure_row
from ..models import DcsTenure, Intervention, InterventionKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from regions.models import Council

# --- Facts: what differs between interventions and DCS tenures -----------------------------


@dataclass(frozen=True)
class FactSpec:
    """One kind of fact (a dated span for a council) for the shared save, delete and import.

    `fields` are the saved fields in order (council first, then as in the CSV); `key` is what
    an import upserts on; `check` raises ValidationError before a save; `parse_row` checks a
    CSV row's own columns (appending errors) and returns their values; `check_file` looks at
    all the parsed rows together, with set-based SQL over the staged rows (the temporary table
    fact_staging); `lock_councils` locks each imported council's facts before writing."""

    model: type[Any]
    # What an import run of this kind is called (FactImportRun.kind).
    kind: str
    created: Action
    updated_action: Action
    deleted: Action
    imported: Action
    fields: tuple[str, ...]
    key: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    check: Callable[[Any], None]
    parse_row: Callable[[dict, int, list[str]], dict]
    check_file: Callable[[Any, list[str]], None] | None = None
    # A row's words, as the model's str() says them (an import audits each row without
    # making a model instance for it).
    words: Callable[[dict], str] = str
    lock_councils: bool = False

    @property
    def updated(self) -> tuple[str, ...]:
        return tuple(n for n in self.fields if n not in self.key)

    def state(self, obj: Any) -> dict:
        return self.item_state({name: getattr(obj, name) for name in self.fields})

    def item_state(self, item: dict) -> dict:
        """The audit state of a fact given as a dict of its fields (an import's row)."""
        state = {}
        for name in self.fields:
            value = item[name]
            if name == "council":
                value = value.gss_code
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            state[name] = value
        return state


def actor_or_none(user: User | AnonymousUser | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _check_span(starts_on: datetime.date | None, ends_on: datetime.date | None) -> None:
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        raise ValidationError(
            {"ends_on": "The end date must be the same as or after the start date"}
        )


@transaction.atomic
def fact_save(
    spec: FactSpec, *, user: User | AnonymousUser | None, obj: Any = None, **fields: Any
) -> Any:
    """Create a fact, or change `obj`; checked by the spec, audited with before and after."""
    before = spec.state(obj) if obj else None
    obj = obj or spec.model()
    for name in spec.fields:
        if name in fields:
            setattr(obj, name, fields[name])
    _check_span(obj.starts_on, obj.ends_on)
    spec.check(obj)
    obj.updated_by = actor_or_none(user)
    obj.save()
    audit_record(
        actor=user,
        action=spec.updated_action if before else spec.created,
        obj=obj,
        summary=f"{'Changed' if before else 'Added'} {obj}",
        before=before,
        after=spec.state(obj),
    )
    return obj


@transaction.atomic
def fact_delete(spec: FactSpec, *, user: User | AnonymousUser | None, obj: Any) -> None:
    audit_record(
        actor=user,
        action=spec.deleted,
        obj=obj,
        summary=f"Deleted {obj}",
        before=spec.state(obj),
    )
    obj.delete()


# --- Interventions -------------------------------------------------------------------------


def _intervention_check(obj: Intervention) -> None:
    clash = Intervention.objects.filter(
        council=obj.council, kind=obj.kind, starts_on=obj.starts_on
    ).exclude(pk=obj.pk)
    if clash.exists():
        raise ValidationError(
            {"starts_on": "This council already has this kind of intervention from this date"}
        )


INTERVENTIONS = FactSpec(
    model=Intervention,
    kind="intervention",
    created=Action.INTERVENTION_CREATE,
    updated_action=Action.INTERVENTION_UPDATE,
    deleted=Action.INTERVENTION_DELETE,
    imported=Action.INTERVENTION_IMPORT,
    fields=("council", "kind", "starts_on", "ends_on", "notes"),
    key=("council", "kind", "starts_on"),
    required=("council", "kind", "starts_on"),
    optional=("ends_on", "notes"),
    check=_intervention_check,
    parse_row=intervention_row,
    words=lambda i: f"{i['council']}: {InterventionKind(i['kind']).label} from {i['starts_on']}",
)


def intervention_save(
    *, user: User | AnonymousUser | None, intervention: Intervention | None = None, **fields: Any
) -> Intervention:
    """Create an intervention, or change `intervention`; audited with before and after."""
    return fact_save(INTERVENTIONS, user=user, obj=intervention, **fields)


def intervention_delete(*, user: User | AnonymousUser | None, intervention: Intervention) -> None:
    fact_delete(INTERVENTIONS, user=user, obj=intervention)


# --- DCS history ---------------------------------------------------------------------------


def dcs_overlapping(
    *,
    council: Council,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    exclude: list[int] | None = None,
) -> list[DcsTenure]:
    """The recorded tenures of `council` that overlap the given span."""
    qs = DcsTenure.objects.filter(council=council).exclude(pk__in=exclude or [])
    return [t for t in qs if overlaps(starts_on, ends_on, t.starts_on, t.ends_on)]


def _tenure_check(obj: DcsTenure) -> None:
    """No other director of the council from the same day, and no overlap."""
    # Lock the council's tenures so two saves cannot both pass the overlap check.
    list(DcsTenure.objects.select_for_update().filter(council=obj.council))
    if (
        DcsTenure.objects.filter(council=obj.council, starts_on=obj.starts_on)
        .exclude(pk=obj.pk)
        .exists()
    ):
        raise ValidationError(
            {"starts_on": "This council already has a director recorded from this date"}
        )
    clashes = dcs_overlapping(
        council=obj.council,
        starts_on=obj.starts_on,
        ends_on=obj.ends_on,
        exclude=[obj.pk] if obj.pk else [],
    )
    if clashes:
        other = clashes[0]
        raise ValidationError(
            {
                "starts_on": (
                    f"This overlaps the recorded tenure of {other.name} "
                    f"({span_words(other.starts_on, other.ends_on)})"
                )
            }
        )


DCS_HISTORY = FactSpec(
    model=DcsTenure,
    kind="dcs_tenure",
    created=Action.DCS_TENURE_CREATE,
    updated_action=Action.DCS_TENURE_UPDATE,
    deleted=Action.DCS_TENURE_DELETE,
    imported=Action.DCS_TENURE_IMPORT,
    fields=("council", "name", "starts_on", "ends_on", "interim"),
    key=("council", "starts_on"),
    required=("council", "name", "starts_on"),
    optional=("ends_on", "interim"),
    check=_tenure_check,
    parse_row=tenure_row,
    check_file=tenure_file_check,
    lock_councils=True,
    words=lambda i: f"{i['name']}, DCS of {i['council']} from {i['starts_on']}",
)


FACT_SPECS: dict[str, FactSpec] = {s.kind: s for s in (INTERVENTIONS, DCS_HISTORY)}


def dcs_tenure_save(
    *, user: User | AnonymousUser | None, tenure: DcsTenure | None = None, **fields: Any
) -> DcsTenure:
    """Create or change a DCS tenure; it must not overlap another of the same council."""
    return fact_save(DCS_HISTORY, user=user, obj=tenure, **fields)


def dcs_tenure_delete(*, user: User | AnonymousUser | None, tenure: DcsTenure) -> None:
    fact_delete(DCS_HISTORY, user=user, obj=tenure)
