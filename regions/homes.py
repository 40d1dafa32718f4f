"""What each role's home page shows: the things waiting for the person and the way to them.

One function per home, each reading through the selectors of the apps it draws on, in a fixed
number of queries whatever the number of regions, councils, bookings, challenges, flags or
requests (tests/regions/test_homes.py counts them).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cib_portal import access
from reviews import permissions as review_permissions

from .governance import GOVERNANCE_ROLES
from .models import Council, Judgement, Role
from .selectors import region_people, user_councils, user_regions

# How many councils at risk the adviser's home lists before "see them all".
AT_RISK_SHOWN = 10
PIPELINE_WEEKS = 8


def _challenger_context(user: Any) -> dict:
    from peerchallenge.selectors import challenges_as_challenger

    return {"challenging": challenges_as_challenger(user=user)}


def at_risk(*, user: Any, kinds: tuple[str, ...]) -> dict:
    """The risk dashboard's red and amber councils the user sees, most serious first, when
    the dashboard they get is one of `kinds` ("adviser", "regional")."""
    from earlysupport.permissions import dashboard_audience
    from earlysupport.selectors.dashboards import dashboard_picture

    audience = dashboard_audience(user)
    if audience is None or audience.kind not in kinds:
        return {"sees_risk": False}
    rows = [r for r in dashboard_picture(audience).rows if r.level in ("red", "amber")]
    return {
        "sees_risk": True,
        "at_risk": rows[:AT_RISK_SHOWN],
        "at_risk_total": len(rows),
        "red_total": sum(1 for r in rows if r.level == "red"),
        "amber_total": sum(1 for r in rows if r.level == "amber"),
    }


def regional_home(*, user: Any) -> dict:
    """A regional lead's or programme manager's home: spend requests waiting for a decision,
    returns due or overdue, and each region's councils, judgements and leads."""
    from funds.permissions import may_see_any_funds
    from funds.selectors import (
        returns_due_or_overdue,
        spend_requests_awaiting_decision,
        spend_to_raise,
    )

    regions = user_regions(user=user)
    region_ids = [r.pk for r in regions]
    people = region_people(region_ids=region_ids)
    councils_by_region: dict[int, list[Council]] = {pk: [] for pk in region_ids}
    for council in (
        Council.objects.filter(region_id__in=region_ids)
        .select_related("latest_inspection")
        .order_by("name")
    ):
        councils_by_region[council.region_id].append(council)
    blocks = []
    for region in regions:
        councils = councils_by_region[region.pk]
        counts = {v: 0 for v in Judgement.values}
        for c in councils:
            if c.latest_inspection:
                counts[c.latest_inspection.overall] += 1
        blocks.append(
            {
                "region": region,
                "councils": councils,
                "people": people[region.pk],
                "counts": [(v, label, counts[v]) for v, label in Judgement.choices],
                "not_inspected": sum(1 for c in councils if not c.latest_inspection),
            }
        )
    spend = spend_requests_awaiting_decision(user=user)
    may_decide = bool(access.led_region_ids(user))
    return {
        "blocks": blocks,
        "governance_roles": [(r, Role(r).label) for r in GOVERNANCE_ROLES],
        "may_decide": may_decide,
        "spend_for_me": [s for s in spend if s.for_me],
        "spend_waiting": spend,
        "single_region": regions[0] if len(regions) == 1 else None,
        "returns_due": returns_due_or_overdue(user=user),
        "sees_funds": bool(may_see_any_funds(user)),
        "spend_to_raise": spend_to_raise(user=user),
        "covers_all": False,
        "risk_scope": "the region you lead" if len(regions) == 1 else "the regions you lead",
        **at_risk(user=user, kinds=("regional",)),
        **_challenger_context(user),
    }


def council_home(*, user: Any) -> dict:
    """A council's people's home: for each of their councils its Ofsted judgement, data
    profile, bookings and when its next free review could start, its challenges, and what
    waits for them (reports to publish, dates to answer, open risk flags)."""
    from earlysupport.selectors.dashboards import council_flags_for
    from peerchallenge.selectors import challenges_hosted
    from reviews.selectors import (
        council_bookings,
        free_review_due,
        free_review_product,
        reports_to_publish,
    )

    ids = list(access.grants_for(user).council_roles)
    councils = user_councils(user=user)
    bookings = list(council_bookings(user=user, council_ids=ids))
    hosted = challenges_hosted(user=user, council_ids=ids)
    flags = {e["council"].pk: e for e in council_flags_for(user=user, councils=councils)}
    product = free_review_product()
    sections = []
    for council in councils:
        sections.append(
            {
                "council": council,
                "bookings": [b for b in bookings if b.council_id == council.pk],
                "free_review": free_review_due(council=council, product=product),
                "challenges": [c for c in hosted if c.host_id == council.pk],
                "flags": flags.get(council.pk),
            }
        )
    return {
        "councils": councils,
        "sections": sections,
        "reports_to_publish": list(reports_to_publish(user=user)),
        **_challenger_context(user),
    }


def risk_facts(*, user: Any) -> list[dict]:
    """For those who load them (the fact pages' own rule): each source of facts the risk rules
    read, with whether it was ever loaded. One query; nothing for anyone else."""
    from earlysupport.selectors.facts import fact_sources_loaded

    return fact_sources_loaded(user=user)


def adviser_home(*, user: Any) -> dict:
    """An adviser's (and national staff's) home: the risk dashboard's red and amber councils,
    bookings waiting for a decision, then the Ofsted picture of their regions."""
    from funds.selectors import returns_due_or_overdue
    from reviews.selectors import bookings_awaiting_decision

    from .selectors import national_overview

    context: dict = national_overview(user=user)
    context["judgements"] = Judgement.choices
    region_ids = access.adviser_region_ids(user)
    context["covers_all"] = region_ids is None
    context.update(at_risk(user=user, kinds=("adviser",)))
    context["risk_scope"] = "the regions you advise"
    context["sees_bookings"] = review_permissions.can_manage_bookings(user)
    context["bookings_waiting"] = (
        list(bookings_awaiting_decision(user=user)) if context["sees_bookings"] else []
    )
    context["single_region_code"] = (
        context["regions"][0].gss_code if region_ids is not None and len(region_ids) == 1 else ""
    )
    context["sees_returns"] = access.is_cib_admin(user)
    context["returns_due"] = returns_due_or_overdue(user=user) if context["sees_returns"] else []
    context["risk_facts"] = risk_facts(user=user)
    return context


def programme_manager_home(*, user: Any) -> dict:
    """The national programme manager's home: the review pipeline's next weeks and the
    bookings waiting for a decision."""
    from reviews.selectors import bookings_awaiting_decision, pipeline_next_weeks, weekly_cap

    weeks = pipeline_next_weeks(user=user, weeks=PIPELINE_WEEKS)
    return {
        "weeks": weeks,
        "weeks_total": sum(w.total for w in weeks),
        "cap": weekly_cap(),
        "bookings_waiting": list(bookings_awaiting_decision(user=user)),
        # The pipeline from this week on, so weeks in the next year are not dropped.
        "start": weeks[0].starts_on if weeks else None,
        "bookings_url": reverse("reviews:booking_list"),
        "risk_facts": risk_facts(user=user),
    }
