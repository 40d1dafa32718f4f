"""manage.py import_interventions FILE: import DfE interventions from CSV.

Columns: council, kind, starts_on, ends_on, notes. The same checks as the upload page
(earlysupport.facts.interventions_import): all or nothing, every problem listed by line and column;
importing the same file again changes nothing."""

from earlysupport.facts import INTERVENTIONS, FactImportCommand


class Command(FactImportCommand):
    spec = INTERVENTIONS
    what = "DfE interventions"
