"""Would the rules have seen it coming? For each past date, the findings as of that date (in
memory, nothing written) against the first Ofsted judgement published after it, within a
horizon (36 months by default).

For each date, and summed over the dates (council-dates):
- councils with a following judgement ("judged"), and those with none, left out and counted;
- the base rate: how many of the judged were next judged Inadequate;
- per rule, per "any rule but Ofsted's" and per "any rule": councils flagged, flagged and
  judged, flagged and then Inadequate (the share of all later Inadequate councils caught), and
  flagged but then Good or Outstanding.

Caveats, said on the page and by the command: the evidence that indicators predict judgements
is mixed; the numbers are small; publication dates are approximated (see publication.py);
interventions and DCS history are not in the shipped data, so those rules cannot fire for past
dates; inspections follow a schedule, not risk, so "no inspection" says nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from .rules import Facts, add_months

DEFAULT_DATES = [dt.date(year, 4, 1) for year in range(2018, 2024)]
ANY_BUT_OFSTED = "any-except-ofsted"
ANY = "any"
GOOD_OR_BETTER = {"good", "outstanding"}
CAVEATS = [
    "The evidence that published indicators predict Ofsted judgements is mixed: treat these "
    "figures as a check on the rules, not as proof that they work.",
    "The numbers are small: a handful of councils either way changes the percentages a lot.",
    "Publication dates of the figures are approximated (1 December for the children in need "
    "and children looked after figures, 1 March of the following year for the workforce "
    "census), so a rule may use a figure a few weeks later than it really came out.",
    "Interventions and the history of directors of children's services are not in the shipped "
    "data, so the intervention and leadership rules cannot fire for past dates.",
    "Ofsted inspects on a schedule, not because of risk: councils with no inspection within "
    "the horizon are left out, and not being inspected says nothing about a council.",
]


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Row:
    code: str
    name: str
    flagged: int = 0
    flagged_judged: int = 0
    then_inadequate: int = 0
    then_good_or_better: int = 0

    def add(self, other: Row) -> None:
        self.flagged += other.flagged
        self.flagged_judged += other.flagged_judged
        self.then_inadequate += other.then_inadequate
        self.then_good_or_better += other.then_good_or_better


@dataclass
class DateResult:
    as_of: dt.date | None  # None for the sum over the dates
    councils: int = 0
    judged: int = 0
    not_judged: int = 0
    inadequate: int = 0
    good_or_better: int = 0
    rows: list[Row] = field(default_factory=list)

    @property
    def base_rate(self) -> float | None:
        return pct(self.inadequate, self.judged)

    def row_figures(self) -> list[dict]:
        out = []
        for r in self.rows:
            out.append(
                {
                    **asdict(r),
                    "caught_pct": pct(r.then_inadequate, self.inadequate),
                    "inadequate_pct": pct(r.then_inadequate, r.flagged_judged),
                    "good_or_better_pct": pct(r.then_good_or_better, r.flagged_judged),
                }
            )
        return out

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "councils": self.councils,
            "judged": self.judged,
            "not_judged": self.not_judged,
            "inadequate": self.inadequate,
            "good_or_better": self.good_or_better,
            "base_rate_pct": self.base_rate,
            "rows": self.row_figures(),
        }


@dataclass
class BacktestResult:
    horizon_months: int
    dates: list[DateResult]
    total: DateResult
    caveats: list[str] = field(default_factory=lambda: list(CAVEATS))

    def as_dict(self) -> dict:
        return {
            "horizon_months": self.horizon_months,
            "dates": [d.as_dict() for d in self.dates],
            "total": self.total.as_dict(),
            "caveats": self.caveats,
        }


def following_judgements(dates: list[dt.date], horizon_months: int) -> dict:
    """{date: {council id: overall}}: each council's first judgement published in
    (date, date + horizon]. One query."""
    from regions.models import OfstedInspection

    if not dates:
        return {}
    rows = list(
        OfstedInspection.objects.filter(
            publication_date__gt=min(dates),
            publication_date__lte=add_months(max(dates), horizon_months),
        )
        .order_by("publication_date", "inspection_date")
        .values_list("council_id", "publication_date", "overall")
    )
    out = {}
    for day in dates:
        end = add_months(day, horizon_months)
        first: dict[int, str] = {}
        for council_id, published, overall in rows:
            if day < published <= end and council_id not in first:
                first[council_id] = overall
        out[day] = first
    return out


def backtest(*, dates=None, horizon_months: int = 36, rules=None) -> BacktestResult:
    from regions.models import Council

    from .models import Rule
    from .services.evaluation import findings

    dates = sorted(dates or DEFAULT_DATES)
    if rules is None:
        rules = list(Rule.objects.filter(is_active=True))
    council_ids = set(Council.objects.values_list("id", flat=True))
    following = following_judgements(dates, horizon_months)
    results = []
    total = DateResult(as_of=None, rows=_rows(rules))
    for day in dates:
        flagged: dict[str, set[int]] = {r.code: set() for r in rules}
        for f in findings(as_of=day, rules=rules, facts=Facts(day)):
            flagged[f.rule.code].add(f.council_id)
        flagged[ANY_BUT_OFSTED] = set().union(
            *(flagged[r.code] for r in rules if r.kind != "ofsted")
        )
        flagged[ANY] = set().union(*(flagged[r.code] for r in rules))
        judged = {c: j for c, j in following[day].items() if c in council_ids}
        inadequate = {c for c, j in judged.items() if j == "inadequate"}
        good = {c for c, j in judged.items() if j in GOOD_OR_BETTER}
        result = DateResult(
            as_of=day,
            councils=len(council_ids),
            judged=len(judged),
            not_judged=len(council_ids) - len(judged),
            inadequate=len(inadequate),
            good_or_better=len(good),
            rows=_rows(rules),
        )
        for row in result.rows:
            councils = flagged[row.code]
            row.flagged = len(councils)
            row.flagged_judged = len(councils & judged.keys())
            row.then_inadequate = len(councils & inadequate)
            row.then_good_or_better = len(councils & good)
        results.append(result)
        for name in ("councils", "judged", "not_judged", "inadequate", "good_or_better"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
        for mine, theirs in zip(total.rows, result.rows, strict=True):
            mine.add(theirs)
    return BacktestResult(
        horizon_months=horizon_months,
        dates=results,
        total=total,
        caveats=[*CAVEATS, *_coverage_caveats(dates, horizon_months)],
    )


def _coverage_caveats(dates, horizon_months: int) -> list[str]:
    """What the judgements in the database cover, in words."""
    from django.db.models import Max, Min

    from regions.models import OfstedInspection

    span = OfstedInspection.objects.aggregate(
        first=Min("publication_date"), last=Max("publication_date")
    )
    if span["first"] is None:
        return ["There are no Ofsted judgements in the database, so nothing can be compared."]
    out = [
        f"The Ofsted judgements held run from {span['first']:%-d %B %Y} to "
        f"{span['last']:%-d %B %Y}: the Ofsted rules cannot fire on a date before a council's "
        "first judgement held."
    ]
    cut = [d for d in dates if add_months(d, horizon_months) > span["last"]]
    if cut:
        out.append(
            "For " + ", ".join(f"{d:%-d %B %Y}" for d in cut) + f", the {horizon_months}-month "
            f"horizon runs past the last judgement held, so fewer councils have a following "
            "judgement."
        )
    return out


def _rows(rules) -> list[Row]:
    return [Row(r.code, r.name) for r in rules] + [
        Row(ANY_BUT_OFSTED, "Any rule other than Ofsted's"),
        Row(ANY, "Any rule"),
    ]


def cache_key() -> str:
    """Changes when the data set, the judgements or the rules change."""
    from django.db import connection
    from django.db.models import Count, Max

    from datasets.selectors import latest_import_run_id
    from regions.models import OfstedInspection

    from .models import Rule

    run = latest_import_run_id()
    rules = Rule.objects.aggregate(m=Max("updated_at"), n=Count("id"))
    inspections = OfstedInspection.objects.aggregate(m=Max("id"), n=Count("id"))
    stamp = rules["m"].isoformat() if rules["m"] else "-"
    database = connection.settings_dict["NAME"]
    parts = [database, run, stamp, rules["n"], inspections["m"], inspections["n"]]
    return "earlysupport:backtest:v1:" + ":".join(str(p) for p in parts)


def backtest_cached(timeout: int = 7 * 24 * 60 * 60) -> dict:
    """The default backtest as a dict, from the cache when nothing it reads has changed."""
    from django.core.cache import cache

    key = cache_key()
    data = cache.get(key)
    if data is None:
        data = backtest().as_dict()
        cache.set(key, data, timeout)
    return data
