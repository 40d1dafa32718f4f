"""The early support risk dashboard at a realistic scale: 300 open flags over the 153
councils (and 200 closed ones), interventions, 150 review bookings, a published peer challenge
programme in every region and a funding agreement per region for the current financial year.

Works on a scratch database, migrated and with the reference data loaded, e.g.

    createdb -h 127.0.0.1 -U postgres bench_risk
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_risk
    python manage.py migrate && python manage.py load_reference_data
    python bench/risk_dashboard.py [--requests 200] [--warmup 20] [--markdown FILE]

Everything it makes is made inside one transaction that is rolled back at the end, so the
database is left as it was. Each page is requested through django.test.Client signed in with
force_login (Django's whole stack without the network): warm-up requests, then N timed ones
(p50, p95 by nearest rank, max), and the SQL query count of one request. The query count is
also taken with one open flag and with all of them, to show it does not grow.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pages as bp  # noqa: E402  (sets up Django)
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET_P95_MS = 200.0
OPEN_FLAGS = 300
CLOSED_FLAGS = 200
BOOKINGS = 150
INTERVENTIONS = 15
YORKSHIRE = "E12000003"
LEEDS = "E08000035"
EMAIL = "{who}@bench-risk.example"


class Rollback(Exception):
    pass


def _person(who: str, org_code: str, role: str):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User
    from regions.models import Membership, Organisation

    email = EMAIL.format(who=who)
    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": f"Bench {who}"})
    Membership.objects.get_or_create(
        user=user,
        organisation=Organisation.objects.get(code=org_code),
        role=role,
        defaults={"starts_on": date(2016, 1, 1)},
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def people() -> dict:
    return {
        "national-adviser": _person("national-adviser", "national", "principal_adviser"),
        "regional-lead": _person("regional-lead", YORKSHIRE, "regional_lead_dcs"),
        "dcs": _person("dcs", LEEDS, "dcs"),
    }


def seed(rng: random.Random, staff) -> None:
    from django.db.backends.postgresql.psycopg_any import DateRange

    from earlysupport.defaults import rules_sync
    from earlysupport.models import Flag, Intervention, Rule
    from earlysupport.selectors.dashboards import current_financial_year
    from funds.models import Allocation, FundingAgreement, Purpose
    from peerchallenge.models import Participant, Programme
    from regions.models import Council, Region
    from reviews.catalogue import products_sync
    from reviews.models import Booking, Product

    rules_sync()
    rules = list(Rule.objects.all())
    councils = list(Council.objects.all())
    now = timezone.now()
    today = timezone.localdate()
    slots = [(c, r) for c in councils for r in rules]
    rng.shuffle(slots)
    open_statuses = ["open", "open", "acknowledged", "support_agreed", "monitoring"]
    flags = [
        Flag(
            council=c,
            rule=r,
            severity=r.severity,
            status=rng.choice(open_statuses),
            summary=f"{r.name}: {c.name} (bench flag)",
            evidence={"words": ["Synthetic evidence for the benchmark."]},
            raised_at=now - timedelta(days=rng.randint(1, 400)),
        )
        for c, r in slots[:OPEN_FLAGS]
    ]
    flags += [
        Flag(
            council=c,
            rule=r,
            severity=r.severity,
            status="closed",
            summary=f"{r.name}: {c.name} (closed bench flag)",
            raised_at=now - timedelta(days=rng.randint(400, 900)),
            closed_at=now - timedelta(days=rng.randint(1, 399)),
        )
        for c, r in (rng.choice(slots) for _ in range(CLOSED_FLAGS))
    ]
    Flag.objects.bulk_create(flags)
    Intervention.objects.bulk_create(
        Intervention(
            council=c,
            kind=rng.choice(["improvement_notice", "statutory_direction"]),
            starts_on=today - timedelta(days=rng.randint(10, 700)),
        )
        for c in rng.sample(councils, INTERVENTIONS)
    )
    products_sync()
    product = Product.objects.get(code="lscb_diagnostic")
    statuses = ["requested", "scoping", "team_assembled", "scheduled", "on_site"]
    statuses += ["report_drafted", "report_published", "closed", "cancelled"]
    bookings = []
    for i in range(BOOKINGS):
        first = today + timedelta(days=rng.randint(-200, 300))
        status = rng.choice(statuses)
        bookings.append(
            Booking(
                council=councils[i % len(councils)],
                product=product,
                status=status,
                first_on_site_day=first,
                on_site=DateRange(first, first + timedelta(days=product.on_site_days)),
                charging_basis="subsidised",
                requested_by=staff,
                cancellation_reason="Not needed" if status == "cancelled" else "",
            )
        )
    Booking.objects.bulk_create(bookings)
    year = current_financial_year()
    for region in Region.objects.all():
        programme, _ = Programme.objects.get_or_create(
            region=region,
            year=year,
            defaults={
                "model": "pairs",
                "starts_on": date(year, 4, 1),
                "ends_on": date(year + 1, 3, 31),
                "status": "published",
                "created_by": staff,
            },
        )
        members = [c for c in councils if c.region_id == region.pk]
        Participant.objects.bulk_create(
            [Participant(programme=programme, council=c) for c in members[:-2]],
            ignore_conflicts=True,
        )
        agreement, made = FundingAgreement.objects.get_or_create(
            region=region, financial_year=year, defaults={"created_by": staff}
        )
        if made:
            for purpose in Purpose.values:
                amount = rng.randint(100, 600) * 100_000
                approved = amount * rng.randint(10, 90) // 100
                Allocation.objects.create(
                    agreement=agreement,
                    purpose=purpose,
                    amount_pence=amount,
                    approved_pence=approved,
                    paid_pence=approved // 2,
                )


def client_for(user) -> Client:
    client = Client(HTTP_HOST=bp.HOST)
    client.force_login(user)
    return client


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return len(ctx.captured_queries)


def timed(client: Client, path: str, n: int, warmup: int) -> dict:
    for _ in range(warmup):
        client.get(path)
    count = queries(client, path)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "queries": count,
        "bytes": len(response.content),
        "p50": statistics.median(times),
        "p95": bp.percentile(times, 95),
        "max": times[-1],
    }


PAGES = [
    ("Adviser dashboard (national)", "/early-support/", "national-adviser"),
    ("Adviser dashboard, filtered (red)", "/early-support/?level=red", "national-adviser"),
    ("Councils table as CSV (national)", "/early-support/councils.csv", "national-adviser"),
    ("Regional lead dashboard (Yorkshire)", "/early-support/", "regional-lead"),
    ("Senior leader's flags (Leeds DCS)", "/early-support/", "dcs"),
]


def run(args, out: list[str]) -> None:
    from earlysupport.models import Flag

    rng = random.Random(7)
    users = people()
    staff = users["national-adviser"]
    clients = {who: client_for(user) for who, user in users.items()}
    empty = queries(clients["national-adviser"], "/early-support/")
    seed(rng, staff)
    open_flags = Flag.objects.exclude(status="closed").count()
    flagged = Flag.objects.exclude(status="closed").values("council").distinct().count()
    out.append(
        f"Data: {open_flags} open flags over {flagged} of 153 councils, "
        f"{Flag.objects.filter(status='closed').count()} closed flags, {INTERVENTIONS} "
        f"interventions, {BOOKINGS} bookings, a published programme and an agreement in each "
        "region."
    )
    out.append("")
    out.append("| Page | Path | As | p50 ms | p95 ms | max ms | SQL queries | KB |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for label, path, who in PAGES:
        r = timed(clients[who], path, args.requests, args.warmup)
        worst = max(worst, r["p95"]) if who == "national-adviser" else worst
        out.append(
            f"| {label} | `{path}` | {who} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['max']:.1f} | {r['queries']} | {r['bytes'] / 1024:.0f} |"
        )
    full = queries(clients["national-adviser"], "/early-support/")
    out.append("")
    out.append(
        f"SQL queries of the national adviser's dashboard: {empty} with no flags, {full} with "
        f"{open_flags} open flags (the count does not grow with flags or councils)."
    )
    out.append("")
    verdict = "meets" if worst <= TARGET_P95_MS else "MISSES"
    out.append(
        f"Adviser dashboard p95 {worst:.1f} ms: {verdict} the target of {TARGET_P95_MS:.0f} ms."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args()

    from regions.models import Council

    if Council.objects.count() != 153:
        raise SystemExit("Reference data missing: run manage.py load_reference_data first.")
    out: list[str] = [
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}: {args.requests} timed requests per page "
        f"after {args.warmup} warm-up requests; server time through django.test.Client.",
        "",
        "| Machine | |\n|---|---|",
        *(f"| {k} | {v} |" for k, v in bp.machine().items()),
        "",
    ]
    try:
        with transaction.atomic():
            run(args, out)
            raise Rollback
    except Rollback:
        pass
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
