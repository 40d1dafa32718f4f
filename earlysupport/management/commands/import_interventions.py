"""manage.py import_interventions FILE: import DfE interventions from CSV.

Columns: council, kind, starts_on, ends_on, notes. The same checks as the upload page
(earlysupport.facts.interventions_import): all or nothing, every problem listed by line and column;
importing the same file again changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from earlysupport.facts import FactImportError, interventions_import


class Command(BaseCommand):
    help = (
        "Import DfE interventions from CSV (council, kind, starts_on, ends_on, notes): "
        "all or nothing, every problem "
        "listed by line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"There is no file {file}.") from exc
        try:
            result = interventions_import(user=None, data=data)
        except FactImportError as exc:
            raise CommandError(
                f"{file} was not imported; nothing was saved. Problems:\n- "
                + "\n- ".join(exc.errors)
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result}."))
