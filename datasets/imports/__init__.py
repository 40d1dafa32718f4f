"""Importing figures: EES open-data CSVs (ees.py) and DfE's LAIT benchmarking data (lait.py),
read and checked (parsing.py), loaded through a staging table and one set-based merge
(staging.py), each recorded on its ImportRun (runs.py).

The names other modules use are here; lait.py (and pyarrow with it) is loaded only by a LAIT
import.
"""

from .ees import import_ees_file
from .parsing import (
    CONNECTION_ERRORS,
    ImportFailed,
    ImportRejected,
    ImportResult,
    file_sha256,
    parse_value,
)
from .runs import STOPPED_ERROR
from .staging import create_staging, merge_staging

__all__ = [
    "CONNECTION_ERRORS",
    "STOPPED_ERROR",
    "ImportFailed",
    "ImportRejected",
    "ImportResult",
    "create_staging",
    "file_sha256",
    "import_ees_file",
    "merge_staging",
    "parse_value",
]
