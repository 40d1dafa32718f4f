"""manage.py import_interventions FILE: import DfE interventions from CSV.

Columns: council, kind, starts_on, ends_on, notes. The same checks as the upload page
(earlysupport.services.fact_imports.interventions_import): all or nothing, every problem listed
by line and column; importing the same file again changes nothing."""

from earlysupport.management.fact_import_command import FactImportCommand
from earlysupport.services.facts import INTERVENTIONS


class Command(FactImportCommand):
    spec = INTERVENTIONS
    what = "DfE interventions"
