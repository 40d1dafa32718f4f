"""Support at scale: the advisers' list of requests waiting, a busy council's support page and
the catalogue with ten years of support requests from all 153 councils (about 20,000), beside
the signed-in floor, and again at a tenth of the rows (the query counts must not change).

Works on a database of its own: point DATABASE_URL at a scratch one, migrated and with the
reference data loaded, e.g.

    createdb -h 127.0.0.1 -U postgres cib_bench_support
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cib_bench_support DEBUG=false
    python manage.py migrate && python manage.py load_reference_data
    python bench/support.py [--requests 100] [--warmup 10] [--markdown FILE]

The first run loads the offer (support.demo.load_offers_demo: the seed's offers and the
leadership residentials) and seeds the requests with bulk inserts (not the services one by one:
the benchmark measures reads); later runs reuse them. The tenth is measured inside a
transaction that deletes nine requests in ten and is rolled back.

Every round requests each page once, in turn, the floor among them (bench_floor.py's empty
signed-in page), so a busy machine slows all of them alike: the ratio to the floor is the
figure to compare between runs. Per page: p50, p95 (nearest rank), the SQL queries of one
request and the ratio of its p50 to the floor's.
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

import bench_floor  # noqa: E402, F401  (sets up Django and adds /bench/floor/)
import bench_pages as bp  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

YEARS = 10
PER_COUNCIL_YEAR = 13  # 153 councils x 10 years x 13 = 19,890 requests
TARGET_P95_MS = 100.0
EMAIL = "{who}@bench-support.example"
BUSY_COUNCIL = "E08000035"  # Leeds (Yorkshire and The Humber), given the most requests
FLOOR = bench_floor.FLOOR


def _person(who: str, role: str, org_code: str):
    """A user holding `role` in `org_code`, with TOTP set up and a verified email."""
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
    from regions.models import Council

    leeds = Council.objects.select_related("region").get(gss_code=BUSY_COUNCIL)
    return {
        "adviser": _person("adviser", "principal_adviser", leeds.region.gss_code),
        "national-adviser": _person("national-adviser", "principal_adviser", "national"),
        "officer": _person("officer", "council_officer", leeds.gss_code),
    }


@transaction.atomic
def seed(who: dict) -> float:
    """The offer, then ~20,000 requests over 153 councils and ten years with realistic
    statuses (the old ones decided, delivered and closed; the recent ones still waiting)."""
    from regions.models import Council
    from support.demo import load_offers_demo
    from support.models import SupportOffer, SupportRequest

    councils = list(Council.objects.order_by("gss_code"))
    expected = len(councils) * YEARS * PER_COUNCIL_YEAR
    if SupportRequest.objects.count() >= expected * 0.9:
        return 0.0
    started = time.perf_counter()
    load_offers_demo()
    offers = list(SupportOffer.objects.filter(requestable=True, booking_url=""))
    assert offers, "no requestable offers"
    rng = random.Random(2014)
    now = timezone.now()
    today = timezone.localdate()
    adviser = who["adviser"]
    rows, created = [], []
    for council in councils:
        per_year = PER_COUNCIL_YEAR * (4 if council.gss_code == BUSY_COUNCIL else 1)
        for year in range(YEARS):
            for _ in range(per_year):
                day = today - timedelta(days=365 * year + rng.randint(0, 364))
                at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
                    seconds=rng.randint(8 * 3600, 18 * 3600)
                )
                age = (now - at).days
                roll = rng.random()
                offer = rng.choice(offers)
                req = SupportRequest(
                    council=council,
                    offer=offer,
                    requested_by=who["officer"],
                    need="Support for the improvement plan.",
                    why="A focused visit is due.",
                )
                decided = min(at + timedelta(days=rng.randint(1, 30)), now)
                if age < 60 and roll < 0.6:
                    req.status = "requested"
                elif age < 60 and roll < 0.7 and offer.waiting_list:
                    req.status, req.waitlisted_at = "waiting", decided
                elif roll < 0.1:
                    req.status, req.decider, req.decided_at = "declined", adviser, decided
                    req.decline_reason = "Another offer fits better."
                elif roll < 0.15:
                    req.status, req.cancelled_at = "cancelled", decided
                elif age < 120:
                    req.status, req.decider, req.decided_at = "accepted", adviser, decided
                else:
                    req.status, req.decider, req.decided_at = "closed", adviser, decided
                    req.delivery_started_at = decided
                    req.delivered_at = min(decided + timedelta(days=60), now)
                    req.closed_at = req.delivered_at
                    req.outcome_note = "Delivered as planned."
                    req.feedback_useful = rng.randint(1, 5)
                rows.append(req)
                created.append(at)
    rows = SupportRequest.objects.bulk_create(rows, batch_size=5000)
    # created_at is auto_now_add: put each request's own back in one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE support_supportrequest AS r SET created_at = v.created_at "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, created_at) WHERE r.id = v.id",
            [[r.pk for r in rows], created],
        )
        cursor.execute("ANALYZE support_supportrequest")
    return time.perf_counter() - started


def measure(paths: list[tuple[str, str, str]], clients: dict, n: int, warmup: int) -> dict:
    for _, p, who in paths:
        for _ in range(warmup):
            assert bp.get(clients[who], p).status_code == 200, p
    queries = {(p, who): bp.query_count(clients[who], p)[0] for _, p, who in paths}
    times: dict = {(p, who): [] for _, p, who in paths}
    for _ in range(n):
        for _, p, who in paths:
            start = time.perf_counter()
            bp.get(clients[who], p)
            times[(p, who)].append((time.perf_counter() - start) * 1000)
    out = {}
    for key, values in times.items():
        values.sort()
        out[key] = (statistics.median(values), bp.percentile(values, 95), queries[key])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()

    from support.models import SupportRequest

    who = people()
    seeded_s = seed(who)
    clients = {}
    for name, user in who.items():
        client = Client(HTTP_HOST=bp.HOST)
        client.force_login(user)
        clients[name] = client
    paths = [
        ("Signed-in floor", FLOOR, "adviser"),
        ("Requests waiting (regional adviser)", "/support/requests/waiting/", "adviser"),
        ("Signed-in floor", FLOOR, "national-adviser"),
        ("Requests waiting (national adviser)", "/support/requests/waiting/", "national-adviser"),
        ("Council support, Leeds (adviser)", f"/support/councils/{BUSY_COUNCIL}/", "adviser"),
        (
            "Council support, Leeds, last page",
            f"/support/councils/{BUSY_COUNCIL}/?page=999",
            "adviser",
        ),
        ("Catalogue", "/support/", "adviser"),
        ("Catalogue, filtered", "/support/?kind=mentoring&open_now=on", "adviser"),
        ("Signed-in floor", FLOOR, "officer"),
        ("Council support, Leeds (own officer)", f"/support/councils/{BUSY_COUNCIL}/", "officer"),
        ("Catalogue (council officer)", "/support/", "officer"),
    ]
    full_rows = SupportRequest.objects.count()
    full = measure(paths, clients, args.requests, args.warmup)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM support_supportrequest WHERE id % 10 <> 0")
            cursor.execute("ANALYZE support_supportrequest")
        tenth_rows = SupportRequest.objects.count()
        tenth = measure(paths, clients, max(args.requests // 2, 20), args.warmup)
        transaction.set_rollback(True)

    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    out = [
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}: {full_rows:,} support requests "
        f"(153 councils, {YEARS} years; Leeds {4 * PER_COUNCIL_YEAR * YEARS}), and a tenth "
        f"({tenth_rows:,})"
        + (f"; seeded in {seeded_s:.0f} s" if seeded_s else "; seeded earlier")
        + f". {args.warmup} warm-up requests per page, then {args.requests} rounds (the tenth: "
        f"{max(args.requests // 2, 20)}), each page once a round. Load average {load} on "
        f"{os.cpu_count()} CPUs.",
        "",
        "| Page | As | p50 ms | p95 ms | × floor (p50) | SQL queries | tenth: p50 ms "
        "| tenth: p95 ms | tenth: × floor | tenth: SQL queries | p95 ≤ 100 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, p, who_name in paths:
        p50, p95, q = full[(p, who_name)]
        t50, t95, tq = tenth[(p, who_name)]
        base, tenth_base = full[(FLOOR, who_name)][0], tenth[(FLOOR, who_name)][0]
        verdict = "met" if p95 <= TARGET_P95_MS else "**missed**"
        out.append(
            f"| {label} `{p}` | {who_name} | {p50:.1f} | {p95:.1f} | {p50 / base:.1f} | {q} "
            f"| {t50:.1f} | {t95:.1f} | {t50 / tenth_base:.1f} | {tq} | {verdict} |"
        )
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
