"""manage.py import_ees FILE [--spec NAME]: import an Explore Education Statistics CSV."""

from django.core.management.base import BaseCommand, CommandError

from datasets.imports import CONNECTION_ERRORS, ImportFailed, ImportRejected
from datasets.services import import_file


class Command(BaseCommand):
    help = "Import an EES open-data CSV (all or nothing); the specification may be detected."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--spec",
            default=None,
            help="import specification name (detected from the columns if omitted)",
        )

    def handle(self, *args, file, spec, **options):
        try:
            run, result = import_file(file, spec_name=spec)
        except ImportFailed as exc:
            raise CommandError(f"{file} was not imported. {exc.errors[0]}") from exc
        except CONNECTION_ERRORS as exc:
            raise CommandError(
                f"{file} was not imported: the database could not be reached. Nothing was saved."
            ) from exc
        except ImportRejected as exc:
            raise CommandError(
                f"{file} was rejected; nothing was saved. Problems:\n- " + "\n- ".join(exc.errors)
            ) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"There is no file {file}.") from exc
        self.stdout.write(f"Specification: {run.spec.name} ({run.spec.title})")
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Imported."))
