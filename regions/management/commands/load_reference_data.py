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
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Reference data already up to date: nothing changed.")
            )
