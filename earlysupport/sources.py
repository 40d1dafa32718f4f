"""Whether a source of facts has ever been loaded, so a page can tell "none" from "not known".

An empty interventions table means "no council is in intervention" only once someone has
loaded the interventions: the shipped data has none, and saying "no council is in
intervention" then claims what the data does not support. A source counts as loaded when it
holds a row or an import of it has succeeded (an import can leave it empty: every
intervention has ended and was removed).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Model

from .models import DcsTenure, FactImportRun, FactImportStatus, Intervention

NATIONAL_TEAM = (
    "the national team (a national adviser, the programme manager or the CIB administrator)"
)


@dataclass(frozen=True)
class Source:
    key: str  # the FactImportRun kind (the FactSpec's action)
    model: type[Model]
    what: str  # in words, for "… have not been loaded"
    who_loads: str  # in words, for "… can load them"
    # In words, what cannot be said while it is not loaded, for "…, so …".
    consequence: str = ""
    page_url_name: str = ""  # where it is loaded
    page_name: str = ""  # that page, in words, for "on the … page"


INTERVENTIONS = Source(
    key="intervention",
    model=Intervention,
    what="DfE intervention data",
    who_loads=NATIONAL_TEAM,
    consequence=(
        "no one can say which councils are in intervention, and the intervention rule raises "
        "no flags"
    ),
    page_url_name="earlysupport:intervention_list",
    page_name="DfE interventions",
)
DCS_HISTORY = Source(
    key="dcs_tenure",
    model=DcsTenure,
    what="The history of directors of children's services",
    who_loads=NATIONAL_TEAM,
    consequence=(
        "the leadership instability rule raises no flags: a council's risk level leaves out "
        "changes of director"
    ),
    page_url_name="earlysupport:dcs_list",
    page_name="directors of children's services",
)


def sources_loaded(*sources: Source) -> dict[str, bool]:
    """{key: loaded} for each source: loaded once it holds a row or an import of it has
    succeeded. One query for them all, whichever way it turns out, so a page's query count
    does not depend on the data."""
    parts, params = [], []
    for source in sources:
        rows = source.model._default_manager.values("pk")[:1]
        runs = FactImportRun.objects.filter(kind=source.key, status=FactImportStatus.SUCCEEDED)
        for queryset in (rows, runs.values("pk")[:1]):
            sql, sql_params = queryset.query.sql_with_params()
            parts.append(f"EXISTS ({sql})")
            params.extend(sql_params)
    if not parts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        found = cursor.fetchone()
    return {s.key: bool(found[2 * i] or found[2 * i + 1]) for i, s in enumerate(sources)}


def source_loaded(source: Source) -> bool:
    """True once the source holds a row or an import of it has succeeded: one query."""
    return sources_loaded(source)[source.key]


def not_loaded(loaded: dict[str, bool]) -> list[Source]:
    """The sources among ALL that `loaded` (from sources_loaded) says were never loaded."""
    return [s for s in ALL if not loaded.get(s.key, True)]


ALL = (INTERVENTIONS, DCS_HISTORY)
