"""The base of the `import_interventions` and `import_dcs_history` commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from earlysupport.imports import FactImportError
from earlysupport.services.fact_imports import fact_import
from earlysupport.services.facts import FactSpec


class FactImportCommand(BaseCommand):
    """The base of the `import_interventions` and `import_dcs_history` commands: import FILE
    with `spec`, all or nothing, listing every problem by line."""

    spec: FactSpec
    what: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = ", ".join(self.spec.required + self.spec.optional)
        rest = "all or nothing, every problem listed by line."
        self.help = f"Import {self.what} from CSV ({columns}): {rest}"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"There is no file {file}.") from exc
        try:
            result = fact_import(self.spec, user=None, data=data)
        except FactImportError as exc:
            raise CommandError(
                f"{file} was not imported; nothing was saved. Problems:\n- "
                + "\n- ".join(exc.errors)
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {result}."))
