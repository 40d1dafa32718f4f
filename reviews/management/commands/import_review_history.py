"""manage.py import_review_history FILE: import past reviews so the entitlement sees them."""

from django.core.management.base import BaseCommand, CommandError

from ...services.history import HistoryImportError, review_history_import


class Command(BaseCommand):
    help = (
        "Import past reviews from CSV (council_code, product, first_on_site_day, "
        "charging_basis, status): all or nothing, with every problem listed by line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except FileNotFoundError as exc:
            raise CommandError(f"There is no file {file}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text.") from exc
        try:
            result = review_history_import(text=text)
        except HistoryImportError as exc:
            raise CommandError(
                f"{file} was not imported; nothing was saved. Problems:\n- "
                + "\n- ".join(exc.errors)
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported the review history: {result}."))
