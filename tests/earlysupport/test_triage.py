"""Raising and triaging flags (earlysupport.services.triage): the path's every allowed and
refused step with its message, support that must be the council's own, owners who may triage,
the history kept in order and an audit record for every change.

The helpers here (a Leeds rule flag, bookings and challenges) are used by the page and API
tests too. Flags are made directly with the models: the evaluator has its own tests.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone

from audit.models import AuditEvent
from earlysupport.models import Flag, FlagEvent, FlagStatus
from earlysupport.services import triage
from regions.models import Council, Region
from tests.conftest import BRADFORD, LEEDS, MANCHESTER, YORKSHIRE
from tests.factories import make_member

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "words": [
        "Leeds' social worker turnover rose to 22.1% in 2024, the highest of its neighbours.",
        "Agency workers are 18.0% of the workforce.",
    ],
    "figures": [
        {
            "indicator": "sw_turnover_rate",
            "indicator_name": "Social worker turnover rate (%)",
            "period": "2024",
            "value": "22.1",
            "sn_mean": "15.2",
            "sn_count": 10,
            "national_rank": 140,
            "rank_of": 153,
            "quartile": 4,
        }
    ],
    "periods": ["2023", "2024"],
    "comparison": "Leeds' ten statistical neighbours",
}


def council(code: str) -> Council:
    return Council.objects.get(gss_code=code)


def make_flag(rule=None, *, code=LEEDS, severity="amber", status="open", **extra) -> Flag:
    """A flag made directly. With a rule it is a rule flag; without, a person's (with a
    rationale and the `raised_by` given in extra)."""
    values = {
        "council": council(code),
        "rule": rule,
        "severity": severity,
        "status": status,
        "summary": "Workforce pressure: turnover and agency use are high.",
        "evidence": EVIDENCE,
        "as_of": date(2026, 11, 1),
        "raised_at": timezone.now(),
    }
    values.update(extra)
    if status == FlagStatus.CLOSED and "closed_at" not in extra:
        values["closed_at"] = timezone.now()
    flag = Flag.objects.create(**values)
    FlagEvent.objects.create(flag=flag, kind="raised", to_status=flag.status)
    return flag


def _pm():
    from accounts.models import User

    return User.objects.filter(email="pm@lga.example").first() or make_member(
        "national", "programme_manager", email="pm@lga.example"
    )


def make_booking(code: str = LEEDS, first_day: date = date(2026, 6, 1)):
    from reviews.catalogue import products_sync
    from reviews.models import Booking, Product

    products_sync()
    product = Product.objects.get(code="lscb_diagnostic")
    return Booking.objects.create(
        council=council(code),
        product=product,
        status="scoping",
        first_on_site_day=first_day,
        on_site=DateRange(first_day, first_day + timedelta(days=product.on_site_days)),
        charging_basis="subsidised",
        requested_by=_pm(),
    )


def make_challenge(host_code: str = LEEDS, region_code: str = YORKSHIRE, year: int = 2026):
    from peerchallenge.models import Challenge, Programme

    region = Region.objects.get(gss_code=region_code)
    programme, _ = Programme.objects.get_or_create(
        region=region,
        year=year,
        defaults={
            "model": "pairs",
            "starts_on": date(year, 4, 1),
            "ends_on": date(year + 1, 3, 31),
            "focus": "Help and protection",
            "status": "published",
            "created_by": _pm(),
        },
    )
    return Challenge.objects.create(
        programme=programme, host=council(host_code), status="preparing", focus="Help"
    )


@pytest.fixture
def flag(risk_rules):
    return make_flag(risk_rules["workforce-pressure"])


def statuses(flag) -> list[tuple[str, str]]:
    return list(
        flag.events.filter(kind="status")
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )


# --- Raising -------------------------------------------------------------------------------


def test_an_adviser_raises_a_flag_with_reasons(adviser):
    flag = triage.flag_raise(
        user=adviser,
        council=council(LEEDS),
        severity="red",
        summary="The DCS and two heads of service have left.",
        rationale="I met the chief executive on Monday: three senior posts are vacant.",
    )
    flag.refresh_from_db()
    assert flag.rule is None and flag.raised_by == adviser and flag.status == "open"
    assert flag.rationale.startswith("I met")
    event = flag.events.get()
    assert (event.kind, event.actor, event.to_status) == ("raised", adviser, "open")
    assert AuditEvent.objects.filter(action="flag.raise", actor=adviser).count() == 1


def test_raising_needs_a_rationale_and_a_summary(adviser):
    with pytest.raises(triage.FlagError, match="reasons"):
        triage.flag_raise(
            user=adviser, council=council(LEEDS), severity="red", summary="x", rationale="  "
        )
    with pytest.raises(triage.FlagError, match="summary"):
        triage.flag_raise(
            user=adviser, council=council(LEEDS), severity="red", summary="", rationale="why"
        )
    with pytest.raises(triage.FlagError, match="red or amber"):
        triage.flag_raise(
            user=adviser, council=council(LEEDS), severity="green", summary="x", rationale="y"
        )
    assert not Flag.objects.exists()


@pytest.mark.parametrize("who", ["regional_lead", "national_adviser"])
def test_leads_and_national_advisers_may_raise(request, who):
    user = request.getfixturevalue(who)
    flag = triage.flag_raise(
        user=user, council=council(BRADFORD), severity="amber", summary="s", rationale="r"
    )
    assert flag.raised_by == user


@pytest.mark.parametrize("who", ["dcs", "officer", "other_regional_lead", "cib_admin"])
def test_others_may_not_raise(request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionError):
        triage.flag_raise(
            user=user, council=council(LEEDS), severity="amber", summary="s", rationale="r"
        )
    assert not Flag.objects.exists()


# --- The path ------------------------------------------------------------------------------


def test_the_whole_path_keeps_its_history_in_order(flag, adviser):
    booking = make_booking()
    triage.flag_transition(user=adviser, flag=flag, to_status="acknowledged", note="Seen.")
    triage.flag_transition(
        user=adviser,
        flag=flag,
        to_status="support_agreed",
        support_kind="diagnostic",
        support_booking=booking,
        support_note="An LSCB diagnostic in June.",
    )
    triage.flag_transition(user=adviser, flag=flag, to_status="monitoring")
    triage.flag_transition(
        user=adviser, flag=flag, to_status="support_agreed", support_kind="mentoring"
    )
    triage.flag_transition(user=adviser, flag=flag, to_status="monitoring")
    triage.flag_transition(user=adviser, flag=flag, to_status="closed", note="Turnover is down.")
    flag.refresh_from_db()
    assert flag.status == "closed" and flag.closed_at is not None
    assert flag.support_kind == "mentoring" and flag.support_booking is None
    assert statuses(flag) == [
        ("open", "acknowledged"),
        ("acknowledged", "support_agreed"),
        ("support_agreed", "monitoring"),
        ("monitoring", "support_agreed"),
        ("support_agreed", "monitoring"),
        ("monitoring", "closed"),
    ]
    kinds = list(flag.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["raised"] + ["status"] * 6
    assert flag.events.order_by("at", "id").last().note == "Turnover is down."
    assert AuditEvent.objects.filter(action="flag.transition").count() == 6


@pytest.mark.parametrize("start", ["open", "acknowledged", "support_agreed", "monitoring"])
def test_any_flag_not_closed_may_be_closed_with_a_note(risk_rules, adviser, start):
    flag = make_flag(risk_rules["workforce-pressure"], status=start)
    with pytest.raises(triage.FlagError, match="why the flag is being closed"):
        triage.flag_transition(user=adviser, flag=flag, to_status="closed", note=" ")
    triage.flag_transition(user=adviser, flag=flag, to_status="closed", note="Resolved.")
    flag.refresh_from_db()
    assert flag.status == "closed" and flag.closed_at is not None


REFUSED = [
    (
        "open",
        "support_agreed",
        "A flag that is open cannot be moved to support agreed: "
        "it can be moved to acknowledged or closed.",
    ),
    ("open", "monitoring", "A flag that is open cannot be moved to monitoring"),
    ("open", "open", "This flag is already open."),
    ("acknowledged", "open", "A flag that is acknowledged cannot be moved to open"),
    (
        "acknowledged",
        "monitoring",
        "cannot be moved to monitoring: it can be moved to support agreed or closed.",
    ),
    ("support_agreed", "open", "A flag that is support agreed cannot be moved to open"),
    ("support_agreed", "acknowledged", "cannot be moved to acknowledged"),
    ("monitoring", "open", "A flag that is monitoring cannot be moved to open"),
    ("monitoring", "acknowledged", "cannot be moved to acknowledged"),
    ("closed", "open", "This flag is closed: a closed flag cannot change."),
    ("closed", "acknowledged", "This flag is closed"),
    ("closed", "monitoring", "This flag is closed"),
    ("open", "withdrawn", "'withdrawn' is not a status a flag can have."),
]


@pytest.mark.parametrize(("start", "to", "message"), REFUSED)
def test_refused_steps_say_why(risk_rules, adviser, start, to, message):
    flag = make_flag(risk_rules["workforce-pressure"], status=start)
    with pytest.raises(triage.FlagError) as caught:
        triage.flag_transition(user=adviser, flag=flag, to_status=to, note="n")
    assert message in str(caught.value)
    flag.refresh_from_db()
    assert flag.status == start
    assert not flag.events.filter(kind="status").exists()


def test_viewers_may_not_triage(flag, dcs, lead_member, other_regional_lead):
    for user in (dcs, lead_member, other_regional_lead):
        with pytest.raises(PermissionError):
            triage.flag_transition(user=user, flag=flag, to_status="acknowledged")
    flag.refresh_from_db()
    assert flag.status == "open"


# --- Support -------------------------------------------------------------------------------


def _acknowledged(risk_rules):
    return make_flag(risk_rules["workforce-pressure"], status="acknowledged")


def test_support_needs_a_kind(risk_rules, adviser):
    flag = _acknowledged(risk_rules)
    with pytest.raises(triage.FlagError, match="kind of support"):
        triage.flag_transition(user=adviser, flag=flag, to_status="support_agreed")


def test_diagnostic_support_needs_a_booking_of_that_council(risk_rules, adviser):
    flag = _acknowledged(risk_rules)
    with pytest.raises(triage.FlagError, match="booking"):
        triage.flag_transition(
            user=adviser, flag=flag, to_status="support_agreed", support_kind="diagnostic"
        )
    bradford_booking = make_booking(BRADFORD)
    with pytest.raises(triage.FlagError, match="That booking is not Leeds's"):
        triage.flag_transition(
            user=adviser,
            flag=flag,
            to_status="support_agreed",
            support_kind="diagnostic",
            support_booking=bradford_booking,
        )
    flag.refresh_from_db()
    assert flag.status == "acknowledged" and flag.support_booking is None
    own = make_booking(LEEDS)
    triage.flag_transition(
        user=adviser,
        flag=flag,
        to_status="support_agreed",
        support_kind="diagnostic",
        support_booking=own,
    )
    flag.refresh_from_db()
    assert (flag.status, flag.support_booking) == ("support_agreed", own)


def test_peer_challenge_support_needs_a_challenge_the_council_hosts(risk_rules, adviser):
    flag = _acknowledged(risk_rules)
    elsewhere = make_challenge(BRADFORD)
    with pytest.raises(triage.FlagError, match="not hosted by Leeds"):
        triage.flag_transition(
            user=adviser,
            flag=flag,
            to_status="support_agreed",
            support_kind="peer_challenge",
            support_challenge=elsewhere,
        )
    with pytest.raises(triage.FlagError, match="goes with diagnostic support only"):
        triage.flag_transition(
            user=adviser,
            flag=flag,
            to_status="support_agreed",
            support_kind="peer_challenge",
            support_challenge=make_challenge(LEEDS),
            support_booking=make_booking(LEEDS),
        )
    own = Flag.objects.get(pk=flag.pk)
    hosted = Council.objects.get(gss_code=LEEDS)
    challenge = make_challenge(LEEDS, year=2027)
    assert challenge.host == hosted
    triage.flag_transition(
        user=adviser,
        flag=own,
        to_status="support_agreed",
        support_kind="peer_challenge",
        support_challenge=challenge,
    )
    own.refresh_from_db()
    assert own.support_challenge == challenge


# --- Owners and notes ----------------------------------------------------------------------


def test_owner_must_be_someone_who_may_triage(
    flag, adviser, regional_lead, dcs, other_regional_lead
):
    triage.flag_assign(user=adviser, flag=flag, owner=regional_lead)
    flag.refresh_from_db()
    assert flag.owner == regional_lead
    for wrong in (dcs, other_regional_lead):
        with pytest.raises(triage.FlagError, match="must be someone who may triage"):
            triage.flag_assign(user=adviser, flag=flag, owner=wrong)
    with pytest.raises(triage.FlagError, match="already owns"):
        triage.flag_assign(user=adviser, flag=flag, owner=regional_lead)
    flag.refresh_from_db()
    assert flag.owner == regional_lead
    assert list(flag.events.filter(kind="owner").values_list("note", flat=True)) == [
        f"Owner: {regional_lead}"
    ]
    assert AuditEvent.objects.filter(action="flag.assign").count() == 1


def test_people_who_may_triage(
    flag, adviser, regional_lead, national_adviser, dcs, other_regional_lead, cib_admin
):
    people = set(triage.people_who_may_triage(council(LEEDS)))
    assert {adviser, regional_lead, national_adviser} <= people
    assert not people & {dcs, other_regional_lead, cib_admin}
    assert regional_lead not in set(triage.people_who_may_triage(council(MANCHESTER)))


def test_a_closed_flag_cannot_be_assigned(risk_rules, adviser):
    flag = make_flag(risk_rules["workforce-pressure"], status="closed")
    with pytest.raises(triage.FlagError, match="closed"):
        triage.flag_assign(user=adviser, flag=flag, owner=adviser)


def test_notes_join_the_history(flag, adviser):
    triage.flag_note(user=adviser, flag=flag, note="Spoke to the DCS.")
    triage.flag_transition(user=adviser, flag=flag, to_status="acknowledged")
    triage.flag_note(user=adviser, flag=flag, note="Agreed to meet in a month.")
    with pytest.raises(triage.FlagError, match="Enter the note"):
        triage.flag_note(user=adviser, flag=flag, note="  ")
    history = list(flag.events.order_by("at", "id").values_list("kind", "note"))
    assert history == [
        ("raised", ""),
        ("note", "Spoke to the DCS."),
        ("status", ""),
        ("note", "Agreed to meet in a month."),
    ]
