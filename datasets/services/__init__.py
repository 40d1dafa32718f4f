"""Writes for the common data set, by feature: loading the reference data (areas, the
catalogue, the shipped files), imports and derived indicators, national staff's edits and
comparison groups, and councils' local indicators. Each change a page, the API or a command
makes goes through here, with its audit.

Other apps connect to `data_set_changed` (sent once an import that changed figures commits)
rather than being called by the data set.
"""

from __future__ import annotations

from .editing import (
    EDITABLE_FIELDS,
    DataEditError,
    comparison_group_create,
    comparison_group_delete,
    comparison_group_update,
    indicator_update,
)
from .imports import (
    ImportRejected,
    data_set_changed,
    derived_indicators_compute,
    import_file,
    import_progress_get,
    import_progress_set,
    import_run_execute,
    import_run_fail,
    import_run_reclaim_stale,
    import_run_start,
    risk_flags_evaluate_later,
)
from .local import (
    LOCAL_FIELDS,
    LOCAL_THEME,
    LOCAL_TIME_IDENTIFIER,
    MAX_VALUES_FILE_BYTES,
    LocalIndicatorError,
    LocalValueInvalid,
    local_indicator_create,
    local_indicator_delete,
    local_indicator_share,
    local_indicator_update,
    local_period_years,
    local_value_set,
    local_values_upload,
)
from .reference import (
    DATASETS_DIR,
    LAIT_DICTIONARY,
    LAIT_FILE,
    LAIT_LA_CODES,
    DatasetError,
    areas_sync,
    catalogue_sync,
    datasets_load,
    lait_import,
    shipped_files_import,
)

__all__ = [
    "ImportRejected",
    "DATASETS_DIR",
    "DatasetError",
    "areas_sync",
    "catalogue_sync",
    "shipped_files_import",
    "LAIT_FILE",
    "LAIT_DICTIONARY",
    "LAIT_LA_CODES",
    "lait_import",
    "datasets_load",
    "derived_indicators_compute",
    "import_file",
    "risk_flags_evaluate_later",
    "import_run_start",
    "import_run_execute",
    "import_progress_set",
    "import_progress_get",
    "import_run_fail",
    "import_run_reclaim_stale",
    "data_set_changed",
    "EDITABLE_FIELDS",
    "DataEditError",
    "indicator_update",
    "comparison_group_create",
    "comparison_group_update",
    "comparison_group_delete",
    "LOCAL_THEME",
    "LOCAL_TIME_IDENTIFIER",
    "LOCAL_FIELDS",
    "MAX_VALUES_FILE_BYTES",
    "LocalIndicatorError",
    "local_period_years",
    "LocalValueInvalid",
    "local_indicator_create",
    "local_indicator_update",
    "local_indicator_share",
    "local_indicator_delete",
    "local_value_set",
    "local_values_upload",
]
