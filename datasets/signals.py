"""The data set's own signal, and the receivers that keep its cached comparisons fresh.

`data_set_changed` is sent once an import that changed figures has committed (when
settings.RISK_FLAGS_EVALUATE_AFTER_IMPORT is on): other apps connect to it (through
datasets.services) instead of the data set calling them; early support queues its evaluation
of the risk flags.

Cached comparisons go stale when what they are made from changes (comparison.data_changed).

Imports write figures in SQL and call data_changed themselves (imports.staging.merge_staging); these
receivers catch changes made through the models: the admin, indicator edits, reference data.
Observations' deletions are not watched (a receiver would stop Django deleting them in bulk);
whatever deletes figures deletes them through an import or with their indicator.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

data_set_changed = Signal()


def _changed(sender, **kwargs) -> None:
    from .comparison import data_changed

    data_changed()


def connect() -> None:
    from regions.models import Council, Region, StatisticalNeighbour

    from .models import Area, Indicator, Observation, Period

    for model in (Indicator, Period, Area, Council, Region, StatisticalNeighbour):
        post_save.connect(_changed, sender=model, dispatch_uid=f"datasets-data-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"datasets-data-del-{model.__name__}"
        )
    post_save.connect(_changed, sender=Observation, dispatch_uid="datasets-data-Observation")
