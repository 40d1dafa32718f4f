"""manage.py load_reference_data: load the published reference data shipped in data/reference.

Idempotent: a second run reports that nothing changed.
"""

from django.core.management.base import BaseCommand, CommandError

from regions.reference import ReferenceDataError, load_reference_data


class Command(BaseCommand):
    help = "Load regions, councils, statistical neighbours and Ofsted judgements from data/."

    def handle(self, *args, **options):
        try:
            report = load_reference_data()
        except ReferenceDataError as exc:
            raise CommandError(
                "The reference data was not loaded (nothing was changed):\n- "
                + "\n- ".join(exc.problems)
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        from reviews.catalogue import products_sync

        self.stdout.write(f"review and diagnostic products: {products_sync()} created")
        from earlysupport.defaults import rules_sync

        self.stdout.write(f"risk rules: {rules_sync()} created")
        from datasets.services import ImportRejected, datasets_load

        try:
            datasets_load(stdout=self.stdout)
        except ImportRejected as exc:
            raise CommandError(
                "A shipped data file was rejected (nothing from it was saved):\n- "
                + "\n- ".join(exc.errors)
            ) from exc
        if report.changed:
            self.stdout.write(
                self.style.SUCCESS("Regions, councils, neighbours and Ofsted judgements loaded.")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    "Regions, councils, neighbours and Ofsted judgements already up to date."
                )
            )
