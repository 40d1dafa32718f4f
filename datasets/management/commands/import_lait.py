"""manage.py import_lait [FILE] [--force]: import DfE's LAIT benchmarking data (parquet)."""

import time

from django.core.management.base import BaseCommand, CommandError

from datasets.imports import ImportRejected
from datasets.services import LAIT_FILE, lait_import


class Command(BaseCommand):
    help = (
        "Import the LAIT long parquet file (all or nothing); defaults to the shipped "
        f"data/datasets/{LAIT_FILE}. A file already imported unchanged is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=None)
        parser.add_argument(
            "--force", action="store_true", help="import even if this file was imported before"
        )

    def handle(self, *args, file, force, **options):
        started = time.monotonic()
        try:
            run, result = lait_import(path=file, force=force)
        except ImportRejected as exc:
            raise CommandError(
                f"{file or LAIT_FILE} was rejected; nothing was saved. Problems:\n- "
                + "\n- ".join(exc.errors)
            ) from exc
        if result is None:
            self.stdout.write("Already imported (same SHA-256); nothing to do. Use --force.")
            return
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Imported in {time.monotonic() - started:.1f} seconds.")
        )
