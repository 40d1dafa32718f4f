"""manage.py import_reviewers FILE: load reviewers and accreditations from CSV (atomic)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...services.reviewers import IMPORT_COLUMNS, ReviewerError, reviewers_import


class Command(BaseCommand):
    help = f"Import reviewers from a CSV file with the columns {','.join(IMPORT_COLUMNS)}."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            counts = reviewers_import(data=data)
        except ReviewerError as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(
            f"Reviewers: {counts['created']} added, {counts['updated']} changed; "
            f"{counts['accreditations']} accreditations added."
        )
