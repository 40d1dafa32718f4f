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


INTERVENTIONS = Source(
    key="intervention",
    model=Intervention,
    what="DfE intervention data",
    who_loads=NATIONAL_TEAM,
)
DCS_HISTORY = Source(
    key="dcs_tenure",
    model=DcsTenure,
    what="The history of directors of children's services",
    who_loads=NATIONAL_TEAM,
)


def source_loaded(source: Source) -> bool:
    """True once the source holds a row or an import of it has succeeded: one query, whichever
    way it turns out, so a page's query count does not depend on the data."""
    rows_sql, rows_params = source.model._default_manager.values("pk")[:1].query.sql_with_params()
    runs = FactImportRun.objects.filter(kind=source.key, status=FactImportStatus.SUCCEEDED)
    runs_sql, runs_params = runs.values("pk")[:1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS ({rows_sql}) OR EXISTS ({runs_sql})", (*rows_params, *runs_params)
        )
        return bool(cursor.fetchone()[0])
