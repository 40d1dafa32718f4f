"""Evaluate the risk rules and raise, update or propose flags for closing.

python manage.py evaluate_risk_flags [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date like 2024-04-01.") from exc


class Command(BaseCommand):
    help = "Evaluate the risk rules as of a date (today by default) and update the flags."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=parse_date, default=None, help="YYYY-MM-DD")

    def handle(self, *args, **options):
        from earlysupport.services.evaluation import evaluate_risk_flags

        result = evaluate_risk_flags(as_of=options["as_of"])
        self.stdout.write(
            f"raised: {result.raised}\nupdated: {result.updated}\n"
            f"unchanged: {result.unchanged}\nproposed for closing: {result.gone}"
        )
