"""Devolved funds at scale: the budget page and the national view with ten years of
agreements for all nine regions and 1,000 spend requests a year per region (90,000).

Works on a database of its own: point DATABASE_URL at a scratch one, migrated and with the
reference data loaded, e.g.

    createdb -h 127.0.0.1 -U postgres bench_funds
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_funds
    python manage.py migrate && python manage.py load_reference_data
    python bench/funds.py [--requests 200] [--warmup 20] [--markdown FILE]

The first run seeds the data with bulk inserts (requests with realistic statuses, approval
and payment times spread over each year, the allocations' running totals set to match, the
approvals, and the four returns of each year); later runs reuse it. Each page is requested
through django.test.Client signed in with force_login (Django's whole stack without the
network): warm-up requests, then N timed ones (p50, p95 by nearest rank, max), and the SQL
query count of one request. Prints Markdown; --markdown FILE also writes it there.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pages as bp  # noqa: E402  (sets up Django)
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

YEARS = range(2017, 2027)  # ten financial years, 2017-18 to 2026-27 (the current one)
REQUESTS_PER_YEAR = 1000  # per region
TARGET_P95_MS = 100.0
EMAIL = "{role}.{region}@bench-funds.example"
# Pence allocated per purpose each year (£1.75m a region).
ALLOCATION = {
    "project_management": 50_000_000,
    "peer_challenger_training": 25_000_000,
    "peer_challenge_programme": 60_000_000,
    "early_support": 40_000_000,
}
SUPPLIERS = ["Acme Training Ltd", "North Consulting", "Council (recharge)", "Venue Hire Ltd", ""]


def _person(role: str, region, org_code: str):
    """A user holding `role` in `org_code`, with TOTP set up (leads and national staff need
    it) and a verified email, so force_login reaches the pages."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User
    from regions.models import Membership, Organisation

    email = EMAIL.format(role=role, region=region.gss_code if region else "national")
    user, _ = User.objects.get_or_create(
        email=email, defaults={"full_name": f"Bench {role.replace('_', ' ')}"}
    )
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
    """The CIB administrator, and each region's programme manager and two leads."""
    from regions.models import Region

    out = {"cib_admin": _person("cib_admin", None, "national"), "regions": {}}
    for region in Region.objects.order_by("name"):
        out["regions"][region.pk] = {
            "pm": _person("regional_programme_manager", region, region.gss_code),
            "leads": [
                _person("regional_lead_dcs", region, region.gss_code),
                _person("regional_lead_member", region, region.gss_code),
            ],
        }
    return out


def _aware(day: date, seconds: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        seconds=seconds
    )


@transaction.atomic
def seed(who: dict) -> None:
    """Ten years of agreements for every region with their allocations, returns and 1,000
    spend requests a year each; running totals that match the requests."""
    from funds.models import (
        Allocation,
        FundingAgreement,
        QuarterlyReturn,
        ReturnStatus,
        SpendApproval,
        SpendRequest,
        SpendStatus,
        quarter_bounds,
        return_due_on,
    )
    from funds.services.returns import return_figures
    from regions.models import Region

    expected = len(YEARS) * Region.objects.count() * REQUESTS_PER_YEAR
    if SpendRequest.objects.count() >= expected:
        return
    rng = random.Random(2027)
    today = timezone.localdate()
    admin = who["cib_admin"]
    regions = list(Region.objects.order_by("name"))
    agreements = FundingAgreement.objects.bulk_create(
        FundingAgreement(
            region=region,
            financial_year=year,
            terms="Deliver the regional sector-led improvement programme.",
            second_approval_threshold_pence=1_000_000,
            signed_on=date(year, 3, 15),
            created_by=admin,
        )
        for region in regions
        for year in YEARS
    )
    allocations = Allocation.objects.bulk_create(
        Allocation(agreement=a, purpose=p, amount_pence=amount)
        for a in agreements
        for p, amount in ALLOCATION.items()
    )
    by_agreement: dict[int, list] = {}
    for allocation in allocations:
        by_agreement.setdefault(allocation.agreement_id, []).append(allocation)

    requests: list[SpendRequest] = []
    approvers: list[tuple[int, object, object]] = []  # (index in requests, approver, raiser)
    for agreement in agreements:
        staff = who["regions"][agreement.region_id]
        pm, leads = staff["pm"], staff["leads"]
        year_start = date(agreement.financial_year, 4, 1)
        year_days = min(364, (today - year_start).days)  # the current year: up to today
        mine = by_agreement[agreement.pk]
        approved = {a.pk: 0 for a in by_agreement[agreement.pk]}
        paid = {a.pk: 0 for a in by_agreement[agreement.pk]}
        for _ in range(REQUESTS_PER_YEAR):
            # Each purpose's share of the requests follows its share of the money.
            allocation = rng.choices(mine, weights=[a.amount_pence for a in mine])[0]
            # Mostly £50 to £2,500; one in fifty a bigger item of £10,000 to £40,000 (above
            # the threshold: two leads approve it). Most of the year's £1.75m is used.
            pounds = rng.randint(10_000, 40_000) if rng.random() < 0.02 else rng.randint(50, 2500)
            amount = pounds * 100 + rng.choice([0, 0, 50, 99])
            created_day = year_start + timedelta(days=rng.randint(0, year_days))
            created = _aware(created_day, rng.randint(8 * 3600, 18 * 3600))
            age = (today - created_day).days
            roll = rng.random()
            if age < 7 and roll < 0.5:
                state = rng.choice([SpendStatus.DRAFT, SpendStatus.SUBMITTED])
            elif roll < 0.06:
                state = SpendStatus.REJECTED
            elif roll < 0.09:
                state = SpendStatus.WITHDRAWN
            elif roll < 0.25 or age < 30:
                state = SpendStatus.APPROVED
            else:
                state = SpendStatus.PAID
            if state in (SpendStatus.APPROVED, SpendStatus.PAID):
                if approved[allocation.pk] + amount > allocation.amount_pence:
                    state = SpendStatus.REJECTED  # it would have overspent
                else:
                    approved[allocation.pk] += amount
                    if state == SpendStatus.PAID:
                        paid[allocation.pk] += amount
            submitted_at = created + timedelta(hours=rng.randint(1, 48))
            decided_at = submitted_at + timedelta(hours=rng.randint(2, 24 * 7))
            now = timezone.now()
            decided_at = min(decided_at, now)
            paid_at = min(decided_at + timedelta(days=rng.randint(7, 45)), now)
            lead = rng.choice(leads)
            request = SpendRequest(
                agreement=agreement,
                allocation=allocation,
                amount_pence=amount,
                description=f"{allocation.get_purpose_display()}: item {len(requests) + 1}",
                supplier=rng.choice(SUPPLIERS),
                status=state,
                raised_by=pm,
                submitted_at=None if state == SpendStatus.DRAFT else submitted_at,
            )
            if state in (SpendStatus.APPROVED, SpendStatus.PAID):
                request.approved_at = decided_at
                approvers.append((len(requests), lead, pm))
                if amount > agreement.second_approval_threshold_pence:
                    other = leads[1] if lead is leads[0] else leads[0]
                    approvers.append((len(requests), other, pm))
            if state == SpendStatus.PAID:
                request.paid_at, request.paid_by = paid_at, pm
                request.payment_reference = f"INV-{agreement.financial_year}-{len(requests)}"
            if state == SpendStatus.REJECTED:
                request.rejected_at, request.rejected_by = decided_at, lead
                request.rejection_reason = "Not within the agreed plan for the year."
            if state == SpendStatus.WITHDRAWN:
                request.withdrawn_at = submitted_at
            request._created = created
            requests.append(request)
        for allocation in by_agreement[agreement.pk]:
            allocation.approved_pence = approved[allocation.pk]
            allocation.paid_pence = paid[allocation.pk]
    created_at = [r._created for r in requests]
    requests = SpendRequest.objects.bulk_create(requests, batch_size=5000)
    Allocation.objects.bulk_update(allocations, ["approved_pence", "paid_pence"], batch_size=500)
    SpendApproval.objects.bulk_create(
        (
            SpendApproval(request=requests[i], approver=lead, raised_by=pm)
            for i, lead, pm in approvers
        ),
        batch_size=5000,
    )
    # created_at is auto_now_add: put each request's own back in one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE funds_spendrequest AS r SET created_at = v.created_at "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, created_at) WHERE r.id = v.id",
            [[r.pk for r in requests], created_at],
        )

    returns = []
    for agreement in agreements:
        staff = who["regions"][agreement.region_id]
        for quarter in (1, 2, 3, 4):
            _, last = quarter_bounds(agreement.financial_year, quarter)
            due = return_due_on(agreement.financial_year, quarter)
            ret = QuarterlyReturn(
                agreement=agreement,
                quarter=quarter,
                due_on=due,
                narrative="",
                drafted_by=None,
            )
            if last < today:
                ret.narrative = "Peer challenges held as planned; training delivered."
                ret.outcomes = "Councils report improved practice."
                ret.drafted_by = staff["pm"]
                recent = due >= today - timedelta(days=60)
                ret.status = (
                    rng.choice(
                        [ReturnStatus.SIGNED_OFF, ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED]
                    )
                    if recent
                    else ReturnStatus.ACCEPTED
                )
                done = _aware(min(due, today), 10 * 3600)
                ret.signed_off_by, ret.signed_off_at = staff["leads"][0], done
                ret.figures = {
                    **return_figures(agreement, quarter),
                    "computed_at": done.isoformat(),
                }
                if ret.status != ReturnStatus.SIGNED_OFF:
                    ret.submitted_by, ret.submitted_at = staff["pm"], done
                if ret.status == ReturnStatus.ACCEPTED:
                    ret.reviewed_by, ret.reviewed_at = admin, done + timedelta(days=5)
            returns.append(ret)
    QuarterlyReturn.objects.bulk_create(returns)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(client: Client, path: str, accept: str, n: int, warmup: int) -> dict:
    for _ in range(warmup):
        bp.get(client, path, accept)
    times, cpu = [], []
    for _ in range(n):
        start, cpu_start = time.perf_counter(), time.process_time()
        bp.get(client, path, accept)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    times.sort()
    return {
        "cpu_p50": statistics.median(cpu),
        "p50": statistics.median(times),
        "p95": bp.percentile(times, 95),
        "max": times[-1],
    }


def explain(sql_and_params: list[tuple[str, str]]) -> list[str]:
    """EXPLAIN ANALYZE of the slowest queries of one request (for the report)."""
    out = []
    with connection.cursor() as cursor:
        for sql, _ in sql_and_params:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            out.append("\n".join(row[0] for row in cursor.fetchall()))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--markdown", type=Path)
    parser.add_argument(
        "--explain", action="store_true", help="Print the plans of each page's slowest queries"
    )
    args = parser.parse_args()

    from funds.models import FundingAgreement, SpendApproval, SpendRequest
    from regions.models import Region

    who = people()
    started = time.perf_counter()
    seed(who)
    seeded_s = time.perf_counter() - started

    yorkshire = Region.objects.get(gss_code="E12000003")
    staff = who["regions"][yorkshire.pk]
    current = FundingAgreement.objects.get(region=yorkshire, financial_year=max(YEARS))
    oldest = FundingAgreement.objects.get(region=yorkshire, financial_year=min(YEARS))
    clients = {}
    for name, user in (("pm", staff["pm"]), ("lead", staff["leads"][0]), ("cib_admin", None)):
        client = Client(HTTP_HOST=bp.HOST)
        client.force_login(user or who["cib_admin"])
        clients[name] = client
    pages = [
        ("Budget page, current year, programme manager", f"/funds/agreements/{current.pk}/", "pm"),
        (
            "Budget page, current year, CIB administrator",
            f"/funds/agreements/{current.pk}/",
            "cib_admin",
        ),
        ("Budget page, 2017-18, regional lead", f"/funds/agreements/{oldest.pk}/", "lead"),
        ("National view, current year, CIB administrator", "/funds/", "cib_admin"),
        ("National view, 2018-19, CIB administrator", "/funds/?year=2018", "cib_admin"),
        ("National view CSV export", "/funds/export/", "cib_admin"),
        ("Region's agreements (programme manager)", "/funds/", "pm"),
        ("API: budget", f"/api/v1/agreements/{current.pk}/budget/", "pm"),
        (
            "API: spend requests of an agreement (first 200)",
            f"/api/v1/spend-requests/?agreement={current.pk}",
            "pm",
        ),
        (
            "API: spend requests of an agreement (limit=50)",
            f"/api/v1/spend-requests/?agreement={current.pk}&limit=50",
            "pm",
        ),
    ]
    results = []
    plans = []
    for label, path, who_name in pages:
        client = clients[who_name]
        accept = "application/json" if path.startswith("/api/") else "text/html"
        first = bp.get(client, path, accept)
        assert first.status_code == 200, (path, first.status_code)
        sql_times = []
        for _ in range(11):
            with CaptureQueriesContext(connection) as ctx:
                bp.get(client, path, accept)
            sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        queries = ctx.captured_queries
        if args.explain:
            slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:2]
            plans.append((label, [(q["sql"], q["time"]) for q in slowest]))
        result = timed(client, path, accept, args.requests, args.warmup)
        sql_ms = statistics.median(sql_times)
        results.append((label, path, result, len(queries), sql_ms))

    out = [
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}; data: "
        f"{FundingAgreement.objects.count():,} agreements ({Region.objects.count()} regions, "
        f"{min(YEARS)}-{(min(YEARS) + 1) % 100:02d} to {max(YEARS)}-{(max(YEARS) + 1) % 100:02d}), "
        f"{SpendRequest.objects.count():,} spend requests, "
        f"{SpendApproval.objects.count():,} approvals"
        + (f" (seeded in {seeded_s:.0f} s)" if seeded_s > 1 else " (seeded earlier)")
        + f". {args.warmup} warm-up requests, then {args.requests} timed ones per page.",
        "",
        "| Page | p50 ms | p95 ms | max ms | Python CPU p50 ms | SQL queries | SQL ms "
        "| Target p95 ≤ 100 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, path, r, queries, sql_ms in results:
        verdict = "met" if r["p95"] <= TARGET_P95_MS else "**missed**"
        out.append(
            f"| {label} `{path}` | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} "
            f"| {r['cpu_p50']:.1f} | {queries} | {sql_ms:.1f} | {verdict} |"
        )
    out += [
        "",
        "Python CPU: the benchmark process's CPU time per request (Django, templates, DRF), "
        "which waiting for a busy CPU does not inflate. SQL ms: the median over 11 requests of "
        "the time in the database (round trips, as Django times them, to the millisecond). "
        f"Load average at the end: "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs.",
    ]
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    for label, slowest in plans:
        print(f"\n### {label}\n")
        for (sql, ms), plan in zip(slowest, explain(slowest), strict=True):
            print(f"-- {ms} s: {sql[:300]}\n{plan}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
