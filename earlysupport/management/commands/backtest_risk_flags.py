"""Backtest the risk rules against the Ofsted judgements that followed.

python manage.py backtest_risk_flags [--dates 2018-04-01,2019-04-01] [--horizon 36]
                                     [--rules workforce-pressure,deterioration] [--json]
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from .evaluate_risk_flags import parse_date


def _pct(value) -> str:
    return "–" if value is None else f"{value:.1f}%"


class Command(BaseCommand):
    help = "Compare past findings of the risk rules with the Ofsted judgements that followed."

    def add_arguments(self, parser):
        parser.add_argument("--dates", default="", help="comma-separated YYYY-MM-DD dates")
        parser.add_argument("--horizon", type=int, default=36, help="months (default 36)")
        parser.add_argument("--rules", default="", help="comma-separated rule codes")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        from earlysupport.backtest import backtest
        from earlysupport.models import Rule

        dates = [parse_date(d.strip()) for d in options["dates"].split(",") if d.strip()]
        rules = None
        if options["rules"]:
            codes = [c.strip() for c in options["rules"].split(",") if c.strip()]
            rules = list(Rule.objects.filter(code__in=codes))
            unknown = set(codes) - {r.code for r in rules}
            if unknown:
                raise CommandError(f"Unknown rules: {', '.join(sorted(unknown))}.")
        if options["horizon"] < 1:
            raise CommandError("The horizon is a number of months, at least 1.")
        result = backtest(dates=dates or None, horizon_months=options["horizon"], rules=rules)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        self.stdout.write(
            f"Backtest: findings on each date against the first Ofsted judgement published "
            f"within {result.horizon_months} months after it.\n"
        )
        for part in [*result.dates, result.total]:
            title = part.as_of.isoformat() if part.as_of else "All dates (council-dates)"
            self.stdout.write(
                f"\n{title}: {part.councils} councils; {part.judged} judged within the horizon "
                f"({part.not_judged} with no judgement left out); {part.inadequate} judged "
                f"Inadequate (base rate {_pct(part.base_rate)}), {part.good_or_better} Good or "
                "Outstanding."
            )
            header = (
                f"  {'Rule':<34} {'Flagged':>7} {'Judged':>6} {'Inad.':>5} {'Caught':>7} "
                f"{'Inad. rate':>10} {'Good+':>5} {'Good+ rate':>10}"
            )
            self.stdout.write(header)
            for row in part.row_figures():
                self.stdout.write(
                    f"  {row['code']:<34} {row['flagged']:>7} {row['flagged_judged']:>6} "
                    f"{row['then_inadequate']:>5} {_pct(row['caught_pct']):>7} "
                    f"{_pct(row['inadequate_pct']):>10} {row['then_good_or_better']:>5} "
                    f"{_pct(row['good_or_better_pct']):>10}"
                )
        self.stdout.write(
            "\nCaught = share of the councils later judged Inadequate that the rule had "
            "flagged; Inad. rate = share of the flagged and judged councils next judged "
            "Inadequate (compare with the base rate).\n\nCaveats:"
        )
        for caveat in result.caveats:
            self.stdout.write(f"- {caveat}")
