"""manage.py import_dcs_history FILE: import DCS history from CSV.

Columns: council, name, starts_on, ends_on, interim. The same checks as the upload page
(earlysupport.services.fact_imports.dcs_import): all or nothing, every problem listed by line
and column; importing the same file again changes nothing."""

from earlysupport.management.fact_import_command import FactImportCommand
from earlysupport.services.facts import DCS_HISTORY


class Command(FactImportCommand):
    spec = DCS_HISTORY
    what = "DCS history"
