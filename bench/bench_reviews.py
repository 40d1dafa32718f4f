"""Reviews at scale: team_proposal for one booking, and the pipeline page, with 2,000 reviewers
and ten years of bookings.

Run it with bench/run_reviews.sh, which works on a database of its own (cib_bench_reviews) and
loads the reference data first. The first run seeds the data (bulk inserts, about a minute);
later runs reuse it. Prints Markdown; --markdown FILE also writes it there.

    python bench/bench_reviews.py [--runs 100] [--requests 200] [--warmup 20] [--markdown FILE]
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
from django.db.backends.postgresql.psycopg_any import DateRange  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REVIEWERS = 2000
YEARS = range(2020, 2030)  # ten years of bookings
BOOKINGS_PER_YEAR = 400
PM_EMAIL = "pm@bench-reviews.example"
TARGET_PROPOSAL_MS = 200.0
TARGET_PIPELINE_P95_MS = 150.0


def _pm():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User
    from regions.models import Membership, Organisation

    user, _ = User.objects.get_or_create(email=PM_EMAIL, defaults={"full_name": "Bench PM"})
    Membership.objects.get_or_create(
        user=user,
        organisation=Organisation.objects.get(code="national"),
        role="programme_manager",
        defaults={"starts_on": date(2020, 1, 1)},
    )
    if not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


@transaction.atomic
def seed(pm) -> None:
    """2,000 reviewers with accreditations, conflicts, employment and unavailability; ten years
    of bookings; teams on the bookings (never double-booking anyone)."""
    from regions.models import Council
    from reviews.catalogue import products_sync
    from reviews.models import (
        Accreditation,
        Booking,
        BookingStatus,
        Conflict,
        Product,
        RecentEmployment,
        Reviewer,
        ReviewerType,
        TeamAssignment,
        Unavailability,
        entitlement_end,
    )

    if Reviewer.objects.count() >= REVIEWERS:
        return
    rng = random.Random(2026)
    products_sync()
    products = list(Product.objects.all())
    councils = list(Council.objects.all())
    types = list(ReviewerType.values)
    reviewers = Reviewer.objects.bulk_create(
        Reviewer(
            name=f"Reviewer {i:04d}",
            email=f"reviewer{i:04d}@bench.example",
            home_council=rng.choice(councils) if rng.random() < 0.7 else None,
            types=sorted(rng.sample(types, rng.choice([1, 1, 2]))),
        )
        for i in range(REVIEWERS)
    )
    accreditations, conflicts, jobs, away = [], [], [], []
    for person in reviewers:
        for reviewer_type in person.types:
            start = date(rng.randint(2016, 2024), rng.randint(1, 12), 1)
            accreditations.append(
                Accreditation(
                    reviewer=person,
                    reviewer_type=reviewer_type,
                    valid_from=start,
                    expires_on=start + timedelta(days=365 * rng.randint(2, 8)),
                )
            )
        for council in rng.sample(councils, rng.randint(0, 2)):
            conflicts.append(Conflict(reviewer=person, council=council, reason="Family"))
        for council in rng.sample(councils, rng.randint(0, 2)):
            jobs.append(
                RecentEmployment(
                    reviewer=person,
                    council=council,
                    worked_from=date(rng.randint(2005, 2018), 1, 1),
                    worked_until=date(rng.randint(2019, 2025), 12, 31),
                )
            )
        for _ in range(rng.randint(0, 4)):
            first = date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28))
            away.append(
                Unavailability(
                    reviewer=person,
                    days=DateRange(first, first + timedelta(days=rng.randint(1, 14))),
                )
            )
    Accreditation.objects.bulk_create(accreditations)
    Conflict.objects.bulk_create(conflicts, ignore_conflicts=True)
    RecentEmployment.objects.bulk_create(jobs)
    Unavailability.objects.bulk_create(away)

    statuses = [s for s in BookingStatus.values if s != BookingStatus.CANCELLED]
    bookings = []
    for year in YEARS:
        for _ in range(BOOKINGS_PER_YEAR):
            product = rng.choice(products)
            start = date(year, 1, 1) + timedelta(days=rng.randint(0, 360))
            status = (
                rng.choice(statuses)
                if year >= 2026
                else rng.choice([BookingStatus.CLOSED, BookingStatus.CANCELLED])
            )
            bookings.append(
                Booking(
                    council=rng.choice(councils),
                    product=product,
                    status=status,
                    first_on_site_day=start,
                    on_site=DateRange(start, start + timedelta(days=product.on_site_days)),
                    charging_basis="subsidised",
                    entitlement_family=product.entitlement_family,
                    entitlement_window=DateRange(start, entitlement_end(start))
                    if product.entitlement_family
                    else None,
                    cancellation_reason="Bench" if status == BookingStatus.CANCELLED else "",
                    requested_by=pm,
                )
            )
    bookings = Booking.objects.bulk_create(bookings)

    by_type: dict[str, list] = {t: [r for r in reviewers if t in r.types] for t in types}
    busy: dict[int, list[DateRange]] = {}
    team = []
    for booking in bookings:
        if booking.status == BookingStatus.CANCELLED or booking.status == BookingStatus.REQUESTED:
            continue
        for reviewer_type, count in booking.product.team_make_up.items():
            picked = 0
            for person in rng.sample(by_type[reviewer_type], 40):
                spans = busy.setdefault(person.pk, [])
                if any(
                    s.lower < booking.on_site.upper and booking.on_site.lower < s.upper
                    for s in spans
                ):
                    continue
                spans.append(booking.on_site)
                team.append(
                    TeamAssignment(
                        booking=booking,
                        reviewer=person,
                        reviewer_type=reviewer_type,
                        on_site=booking.on_site,
                        assigned_by=pm,
                    )
                )
                picked += 1
                if picked == count:
                    break
    TeamAssignment.objects.bulk_create(team)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(fn, runs: int, warmup: int) -> dict:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": bp.percentile(times, 95), "max": times[-1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()

    from reviews.models import Booking, Reviewer, TeamAssignment
    from reviews.services.team import team_proposal

    pm = _pm()
    started = time.perf_counter()
    seed(pm)
    seeded_s = time.perf_counter() - started
    booking = (
        Booking.objects.filter(product__code="safeguarding_peer_review", status="requested")
        .filter(first_on_site_day__year=2027)
        .select_related("council", "product")
        .order_by("first_on_site_day")
        .first()
    )

    def propose():
        return team_proposal(booking)

    with CaptureQueriesContext(connection) as ctx:
        proposal = propose()
    proposal_queries = len(ctx.captured_queries)
    proposal_times = timed(propose, args.runs, max(1, args.warmup // 4))

    client = Client(HTTP_HOST=bp.HOST)
    client.force_login(pm)
    pages = [
        ("Pipeline by month (2027)", "/reviewers/pipeline/?by=month&year=2027"),
        ("Pipeline by week (2027)", "/reviewers/pipeline/?by=week&year=2027"),
        (
            "Pipeline by week, one product and region",
            "/reviewers/pipeline/?by=week&year=2027"
            f"&product={booking.product_id}&region={booking.council.region_id}",
        ),
        ("Team page (same booking)", f"/reviewers/bookings/{booking.pk}/team/"),
    ]
    page_results = []
    for label, path in pages:
        bp.get(client, path)
        with CaptureQueriesContext(connection) as ctx:
            bp.get(client, path)
        queries = len(ctx.captured_queries)  # now: the log is cleared when a connection opens
        result = timed(lambda p=path: bp.get(client, p), args.requests, args.warmup)
        page_results.append((label, path, result, queries))

    out = [
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}; data: {Reviewer.objects.count():,} "
        f"reviewers, {Booking.objects.count():,} bookings ({min(YEARS)}–{max(YEARS)}), "
        f"{TeamAssignment.objects.count():,} team assignments"
        + (f" (seeded in {seeded_s:.0f} s)" if seeded_s > 1 else " (seeded earlier)")
        + ".",
        "",
        "| Measure | p50 ms | p95 ms | max ms | SQL queries | Target |",
        "|---|---:|---:|---:|---:|---|",
        f"| `team_proposal` ({booking.product.name}, {len(proposal.proposed)} proposed, "
        f"{len(proposal.candidates)} other candidates, {len(proposal.excluded)} excluded; "
        f"{args.runs} runs) | {proposal_times['p50']:.1f} | {proposal_times['p95']:.1f} | "
        f"{proposal_times['max']:.1f} | {proposal_queries} | ≤ {TARGET_PROPOSAL_MS:.0f} ms |",
    ]
    for label, path, r, queries in page_results:
        target = f"p95 ≤ {TARGET_PIPELINE_P95_MS:.0f} ms" if "Pipeline" in label else ""
        out.append(
            f"| {label} `{path}` ({args.requests} requests) | {r['p50']:.1f} | {r['p95']:.1f} "
            f"| {r['max']:.1f} | {queries} | {target} |"
        )
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
