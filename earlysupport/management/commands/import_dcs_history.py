"""manage.py import_dcs_history FILE: import DCS history from CSV.

Columns: council, name, starts_on, ends_on, interim. The same checks as the upload page
(earlysupport.facts.dcs_import): all or nothing, every problem listed by line and column;
importing the same file again changes nothing."""

from earlysupport.facts import DCS_HISTORY, FactImportCommand


class Command(FactImportCommand):
    spec = DCS_HISTORY
    what = "DCS history"
