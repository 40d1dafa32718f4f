"""Each role's home says what to do next: what it shows, where its counts link, that those
links open for the person, that outsiders see nothing of it, and that its queries do not grow
with its rows (regions, requests, returns, bookings, challenges, flags)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from cib_portal import access
from regions.models import Council, Region
from tests.conftest import BRADFORD, LEEDS, MANCHESTER, NORTH_WEST, YORKSHIRE
from tests.earlysupport.conftest import risk_rules  # noqa: F401
from tests.earlysupport.test_triage import make_flag
from tests.factories import make_member
from tests.peerchallenge.conftest import (  # noqa: F401
    CALDERDALE,
    WAKEFIELD,
    _challenge,
    challenger,
    other_challenger,
    programme,
)

pytestmark = pytest.mark.django_db


def _home(client_for, user) -> str:
    response = client_for(user).get("/home/")
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, path: str = "/home/") -> int:
    client.get(path)  # warm: the session and the first request's one-offs
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# --- People and things -----------------------------------------------------------------------


@pytest.fixture
def region_pm(reference_data):
    return make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")


@pytest.fixture
def national_pm(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


@pytest.fixture
def agreement(reference_data, cib_admin):
    """Yorkshire's agreement for this financial year: its first returns are overdue."""
    from funds.selectors import current_financial_year
    from funds.services import agreement_create

    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=current_financial_year(),
        allocations={"early_support": 5_000_000, "project_management": 5_000_000},
        second_approval_threshold_pence=500_000,
    )


def _submitted(agreement, pm, amount_pence=120_000, description="Training day"):
    from funds.services import spend_request_create, spend_request_submit

    spend = spend_request_create(
        user=pm,
        agreement=agreement,
        purpose="early_support",
        amount_pence=amount_pence,
        description=description,
        supplier="Acme Training Ltd",
    )
    return spend_request_submit(user=pm, request=spend)


def _booking(
    code, *, product="lscb_diagnostic", weeks=3, status="requested", basis="subsidised", day=None
):
    from reviews.catalogue import products_sync
    from reviews.models import Booking, Product
    from reviews.services.bookings import booking_request

    products_sync()
    from accounts.models import User

    requester = User.objects.filter(email="booker@lga.example").first() or make_member(
        "national", "programme_manager", email="booker@lga.example"
    )
    booking = booking_request(
        council=Council.objects.get(gss_code=code),
        product=Product.objects.get(code=product),
        first_on_site_day=day or timezone.localdate() + timedelta(weeks=weeks),
        requested_by=requester,
        charging_basis=basis,
    )
    if status != "requested":
        Booking.objects.filter(pk=booking.pk).update(status=status)
        booking.refresh_from_db()
    return booking


# --- Who gets which home ---------------------------------------------------------------------


def test_the_national_programme_manager_gets_the_pipeline_home(
    national_pm, national_adviser, cib_admin
):
    assert access.home_kind(national_pm) == "programme_manager"
    assert access.home_kind(national_adviser) == "adviser"
    assert access.home_kind(cib_admin) == "adviser"


# --- The regional home -----------------------------------------------------------------------


def test_regional_home_queries_do_not_grow_with_regions(
    regional_lead, client_for, django_assert_num_queries
):
    one_region = _queries(client_for(regional_lead))
    lead = make_member(YORKSHIRE, "regional_lead_dcs", email="three@regions.example")
    make_member(NORTH_WEST, "regional_lead_dcs", email="three@regions.example")
    make_member("E12000007", "regional_lead_dcs", email="three@regions.example")  # London
    access.forget_grants(lead)
    client = client_for(lead)
    html = client.get("/home/").content.decode()
    assert "Your regions" in html and "Councils in London (33)" in html
    assert "Councils in North West (24)" in html and "Councils in Yorkshire and The Humber" in html
    with django_assert_num_queries(one_region):
        client.get("/home/")


def test_a_lead_sees_the_spend_request_waiting_for_them_and_where_to_decide(
    agreement, region_pm, regional_lead, client_for
):
    spend = _submitted(agreement, region_pm, description="Venue for the spring challenges")
    html = _home(client_for, regional_lead)
    assert "Spend requests waiting for your decision" in html
    region = Region.objects.get(gss_code=YORKSHIRE)
    listing = f"/funds/requests/?status=submitted&amp;region={region.pk}"
    assert f'href="{listing}">1 spend request waiting for your decision</a>' in html
    assert f'href="/funds/requests/{spend.pk}/"' in html
    assert "£1,200.00 for early support: Venue for the spring challenges" in html
    assert "Needs one lead's approval" in html
    # The links open, and the list is the filtered one with this request in it.
    client = client_for(regional_lead)
    assert client.get(f"/funds/requests/{spend.pk}/").status_code == 200
    page = client.get(listing.replace("&amp;", "&")).content.decode()
    assert f"/funds/requests/{spend.pk}/" in page


def test_a_request_the_lead_has_approved_waits_for_another_lead_not_them(
    agreement, region_pm, regional_lead, client_for
):
    from funds.services import spend_request_approve

    spend = _submitted(agreement, region_pm, amount_pence=900_000)  # over £5,000: two leads
    spend_request_approve(user=regional_lead, request=spend)
    html = _home(client_for, regional_lead)
    assert "No spend request is waiting for your decision. 1 submitted request waits for" in html
    assert f'href="/funds/requests/{spend.pk}/"' not in html
    second = make_member(YORKSHIRE, "regional_lead_member", email="member@yorkshire.example")
    html = _home(client_for, second)
    assert f'href="/funds/requests/{spend.pk}/"' in html
    assert "Needs two leads' approval: 1 of 2 so far." in html


def test_the_programme_manager_sees_requests_waiting_for_a_lead_and_an_outsider_nothing(
    agreement, region_pm, other_regional_lead, client_for
):
    spend = _submitted(agreement, region_pm)
    html = _home(client_for, region_pm)
    assert "Spend requests waiting for a regional lead" in html
    assert "waiting for your decision" not in html
    assert f'href="/funds/requests/{spend.pk}/"' in html
    html = _home(client_for, other_regional_lead)
    assert f"/funds/requests/{spend.pk}/" not in html
    assert "No spend request is waiting for your decision." in html
    assert "No quarterly return is overdue or due in the next two weeks." in html


def test_the_region_pm_sees_their_draft_to_submit_the_budget_and_where_to_raise(
    agreement, region_pm, regional_lead, client_for
):
    from funds.services import spend_request_create

    draft = spend_request_create(
        user=region_pm,
        agreement=agreement,
        purpose="early_support",
        amount_pence=750_000,
        description="Coaching for new managers",
        supplier="Acme Training Ltd",
    )
    html = _home(client_for, region_pm)
    region = Region.objects.get(gss_code=YORKSHIRE)
    href = f"/funds/requests/?status=draft&amp;region={region.pk}"
    assert f'href="{href}">1 draft spend request to submit</a>' in html
    assert f'href="/funds/requests/{draft.pk}/">£7,500.00 for early support' in html
    assert f'href="/funds/agreements/{agreement.pk}/">The budget {agreement.label}</a>' in html
    assert 'href="/funds/requests/new/">Raise a spend request</a>' in html
    client = client_for(region_pm)
    listing = client.get(href.replace("&amp;", "&")).content.decode()
    assert f"/funds/requests/{draft.pk}/" in listing
    assert client.get(f"/funds/agreements/{agreement.pk}/").status_code == 200
    assert client.get("/funds/requests/new/").status_code in (200, 302)
    # A lead decides; drafts are not theirs to see on their home.
    html = _home(client_for, regional_lead)
    assert "draft spend request" not in html and "Raise a spend request" not in html


def test_a_lead_sees_returns_due_or_overdue_with_links(agreement, regional_lead, client_for):
    from funds.selectors import returns_due_or_overdue

    due = returns_due_or_overdue(user=regional_lead)
    assert due, "the agreement of this financial year has a return due or overdue"
    html = _home(client_for, regional_lead)
    assert "Quarterly returns due or overdue" in html
    assert f">{len(due)} return{'s' if len(due) > 1 else ''} due or overdue</a>" in html
    for d in due:
        assert f'href="/funds/returns/{d.ret.pk}/"' in html
        assert client_for(regional_lead).get(f"/funds/returns/{d.ret.pk}/").status_code == 200
    assert ("Overdue</strong>" in html) == any(d.overdue for d in due)


def test_regional_home_queries_do_not_grow_with_requests_or_returns(
    agreement, region_pm, regional_lead, client_for
):
    from funds.models import QuarterlyReturn

    _submitted(agreement, region_pm)
    QuarterlyReturn.objects.filter(agreement=agreement).update(
        due_on=timezone.localdate() + timedelta(days=30)
    )
    QuarterlyReturn.objects.filter(agreement=agreement, quarter=1).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    few = _queries(client_for(regional_lead))
    for i in range(3):
        _submitted(agreement, region_pm, description=f"More training {i}")
    QuarterlyReturn.objects.filter(agreement=agreement).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    html = _home(client_for, regional_lead)
    assert "4 spend requests waiting for your decision" in html
    assert html.count('href="/funds/returns/') >= 5  # the list and each of the returns
    assert _queries(client_for(regional_lead)) == few


def test_judgement_counts_link_to_the_filtered_councils_list_and_do_not_split(
    regional_lead, client_for
):
    html = _home(client_for, regional_lead)
    # The counts were a summary list whose narrow key column broke "Outstanding" mid-word.
    assert 'govuk-summary-list__key">Outstanding' not in html
    assert '<th scope="row" class="govuk-table__header">Outstanding</th>' in html
    href = f"/councils/?region={YORKSHIRE}&amp;ofsted=inadequate"
    assert f'href="{href}" aria-label="2 Inadequate in Yorkshire and The Humber">2</a>' in html
    listing = client_for(regional_lead).get(href.replace("&amp;", "&")).content.decode()
    assert "2 councils" in listing and "Bradford" in listing


# --- The council home ------------------------------------------------------------------------


def test_officer_sees_profile_bookings_and_the_free_review_due(officer, client_for):
    booking = _booking(LEEDS)
    html = _home(client_for, officer)
    assert f'href="/data/councils/{LEEDS}/">Leeds\'s data profile</a>' in html
    assert 'href="/reviews/bookings/">1 booking in progress</a>' in html
    assert f'href="/reviews/bookings/{booking.pk}/">LSCB diagnostic (pilot)</a>' in html
    assert "Leeds is entitled to a free safeguarding peer review now" in html
    assert 'href="/reviews/bookings/new/">Book a review or diagnostic</a>' in html
    assert client_for(officer).get(f"/reviews/bookings/{booking.pk}/").status_code == 200
    # An officer sees no risk flags: those are for the council's senior leaders.
    assert "Risk flags" not in html


def test_the_next_free_review_is_due_three_years_after_the_last(officer, client_for):
    from reviews.models import Booking

    start = timezone.localdate() - timedelta(days=400)
    past = _booking(LEEDS, product="safeguarding_peer_review", basis=None, day=start)
    assert past.charging_basis == "free"
    Booking.objects.filter(pk=past.pk).update(status="closed")
    due = start.replace(year=start.year + 3)
    html = _home(client_for, officer)
    assert (
        f"Leeds's next free safeguarding peer review is due from {due:%-d %B %Y}, three "
        f"years after the one starting {start:%-d %B %Y}." in html
    )


def test_another_councils_officer_sees_nothing_of_leeds(other_officer, client_for):
    booking = _booking(LEEDS)
    html = _home(client_for, other_officer)
    assert "Manchester" in html and "Leeds" not in html
    assert f"/reviews/bookings/{booking.pk}/" not in html
    assert "Manchester has no review or diagnostic booked." in html
    assert "is not being challenged in a published peer challenge programme" in html


def test_host_staff_and_the_challenger_see_the_challenge_with_its_next_date(
    programme,  # noqa: F811
    challenger,  # noqa: F811
    other_challenger,  # noqa: F811
    officer,
    client_for,
):
    challenge = _challenge(programme, LEEDS, BRADFORD, challenger)
    start = timezone.localdate() + timedelta(days=40)
    challenge.starts_on, challenge.ends_on = start, start + timedelta(1)
    challenge.status = "scheduled"
    challenge.save()
    link = f'href="/challenges/{challenge.pk}/"'
    html = _home(client_for, challenger)
    assert "Challenges you are on as a peer challenger" in html
    assert f"{link}>Challenge of Leeds</a>" in html
    assert f"On site from {start:%-d %B %Y}." in html
    assert client_for(challenger).get(f"/challenges/{challenge.pk}/").status_code == 200
    html = _home(client_for, officer)
    assert f"{link}>Leeds's challenge, Yorkshire and The Humber programme 2026</a>" in html
    assert "Challenged by Bradford; dates agreed." in html
    assert "Challenges you are on as a peer challenger" not in html
    # Calderdale's DCS challenges Wakefield, not Leeds: nothing of this one.
    html = _home(client_for, other_challenger)
    assert link not in html and "Challenges you are on" not in html


def test_a_dcs_who_is_also_a_challenger_sees_both_and_dates_to_answer(
    programme,  # noqa: F811
    dcs,
    regional_lead,
    client_for,
):
    from peerchallenge.services.scheduling import date_option_propose

    hosted = _challenge(programme, LEEDS, BRADFORD, None)
    theirs = _challenge(programme, WAKEFIELD, LEEDS, dcs)
    option = timezone.localdate() + timedelta(days=50)
    date_option_propose(
        challenge=theirs, starts_on=option, ends_on=option + timedelta(1), proposed_by=regional_lead
    )
    html = _home(client_for, dcs)
    assert f'href="/challenges/{theirs.pk}/">Challenge of Wakefield</a>' in html
    assert f"Dates proposed from {option:%-d %B %Y}." in html
    assert f'href="/challenges/{theirs.pk}/dates/">Say which proposed dates you can do' in html
    assert f'href="/challenges/{hosted.pk}/">Leeds\'s challenge' in html
    assert "No dates agreed yet." in html
    assert client_for(dcs).get(f"/challenges/{theirs.pk}/dates/").status_code == 200


def test_the_dcs_is_asked_to_publish_a_drafted_report_and_sees_open_flags(
    dcs,
    officer,
    risk_rules,  # noqa: F811
    client_for,
):
    drafted = _booking(LEEDS, status="report_drafted", weeks=-4)
    make_flag(risk_rules["workforce-pressure"], severity="red")
    html = _home(client_for, dcs)
    assert "Waiting for you" in html
    assert f'href="/reviews/bookings/{drafted.pk}/report/">Publish the report of Leeds' in html
    href = f"/early-support/flags/?council={LEEDS}"
    assert f'href="{href}">1 open risk flag for Leeds</a>' in html
    assert client_for(dcs).get(href).status_code == 200
    html = _home(client_for, officer)
    assert "Waiting for you" not in html and "open risk flag" not in html


def test_council_home_queries_do_not_grow_with_bookings_or_challenges(
    programme,  # noqa: F811
    dcs,
    risk_rules,  # noqa: F811
    client_for,
):
    # One of each thing the page lists, then more of each: the count stays.
    _booking(LEEDS)
    _booking(LEEDS, status="report_drafted", weeks=-8)
    _challenge(programme, LEEDS, BRADFORD, None)
    _challenge(programme, WAKEFIELD, LEEDS, dcs)
    make_flag(risk_rules["workforce-pressure"])
    few = _queries(client_for(dcs))
    _booking(LEEDS, product="care_practice_diagnostic", weeks=6)
    _booking(LEEDS, product="safeguarding_practice_diagnostic", status="report_drafted", weeks=-3)
    _challenge(programme, CALDERDALE, LEEDS, dcs)
    _challenge(programme, "E08000034", LEEDS, dcs)  # Kirklees
    make_flag(risk_rules["ofsted-inadequate"], severity="red")
    html = _home(client_for, dcs)
    assert "4 bookings in progress" in html and "2 open risk flags for Leeds" in html
    assert html.count("Publish the report of") == 2
    assert _queries(client_for(dcs)) == few


# --- The adviser's home ----------------------------------------------------------------------


def test_adviser_sees_red_and_amber_councils_of_their_region_reddest_first(
    adviser,
    risk_rules,  # noqa: F811
    client_for,
):
    amber = make_flag(risk_rules["workforce-pressure"], code=LEEDS, severity="amber")
    red = make_flag(
        risk_rules["ofsted-inadequate"], code=BRADFORD, severity="red", summary="Bradford red"
    )
    elsewhere = make_flag(risk_rules["ofsted-inadequate"], code=MANCHESTER, severity="red")
    html = _home(client_for, adviser)
    assert "Councils with open risk flags" in html
    assert 'href="/early-support/?level=red#councils">1 council at red</a>' in html
    assert 'href="/early-support/?level=amber#councils">1 at amber</a>' in html
    bradford = html.index(f'href="/early-support/flags/?council={BRADFORD}">Bradford')
    leeds = html.index(f'href="/early-support/flags/?council={LEEDS}">Leeds')
    assert bradford < leeds
    assert f'href="/early-support/flags/{red.pk}/">Bradford red</a>' in html
    assert f'href="/early-support/flags/{amber.pk}/"' in html
    assert f"/early-support/flags/{elsewhere.pk}/" not in html and "Manchester" not in html
    client = client_for(adviser)
    assert client.get(f"/early-support/flags/{red.pk}/").status_code == 200
    assert "Bradford" in client.get(f"/early-support/flags/?council={BRADFORD}").content.decode()


def test_adviser_sees_bookings_waiting_for_a_decision_in_their_regions(
    adviser, national_adviser, client_for
):
    leeds = _booking(LEEDS)
    manchester = _booking(MANCHESTER)
    _booking(BRADFORD, status="scoping")  # decided: not waiting
    html = _home(client_for, adviser)
    href = f"/reviews/bookings/?status=requested&amp;region={YORKSHIRE}"
    assert f'href="{href}">1 requested booking to mark as scoping or cancel</a>' in html
    assert f'href="/reviews/bookings/{leeds.pk}/">Leeds: LSCB diagnostic (pilot)</a>' in html
    assert f"/reviews/bookings/{manchester.pk}/" not in html
    listing = client_for(adviser).get(href.replace("&amp;", "&")).content.decode()
    assert f"/reviews/bookings/{leeds.pk}/" in listing
    # The home's words are the booking page's buttons.
    page = client_for(adviser).get(f"/reviews/bookings/{leeds.pk}/").content.decode()
    assert "Mark as scoping" in page and "Cancel the booking" in page
    assert f"/reviews/bookings/{manchester.pk}/" not in listing
    html = _home(client_for, national_adviser)
    assert "2 requested bookings to mark as scoping or cancel" in html
    assert f"/reviews/bookings/{manchester.pk}/" in html


def test_adviser_ofsted_figures_link_to_the_councils_of_their_region(
    adviser, national_adviser, client_for
):
    html = _home(client_for, adviser)
    href = f"/councils/?region={YORKSHIRE}&amp;ofsted=inadequate"
    figure = f'class="govuk-link govuk-link--no-visited-state" href="{href}"'
    assert figure in html
    assert 'href="/councils/?ofsted=' not in html
    listing = client_for(adviser).get(href.replace("&amp;", "&")).content.decode()
    assert "2 councils" in listing and "Bradford" in listing
    # National staff count all of England, and their figures link to all of it.
    html = _home(client_for, national_adviser)
    assert 'govuk-link--no-visited-state" href="/councils/?ofsted=inadequate"' in html


def test_the_empty_adviser_home_says_so_in_words(adviser, client_for):
    html = _home(client_for, adviser)
    assert "No council in the regions you advise has an open risk flag." in html
    assert "No requested booking in the regions you advise is waiting for a decision." in html


def test_the_cib_administrator_sees_returns_not_flags(agreement, cib_admin, client_for):
    html = _home(client_for, cib_admin)
    assert "Councils with open risk flags" not in html
    assert "Bookings waiting for a decision" not in html
    assert "Quarterly returns due or overdue" in html
    assert "Yorkshire and The Humber, quarter 1 return" in html


def test_adviser_home_queries_do_not_grow_with_flags_or_bookings(
    adviser,
    risk_rules,  # noqa: F811
    client_for,
):
    make_flag(risk_rules["workforce-pressure"], code=LEEDS)
    _booking(LEEDS)
    few = _queries(client_for(adviser))
    for code in (BRADFORD, WAKEFIELD, CALDERDALE):
        make_flag(risk_rules["ofsted-inadequate"], code=code, severity="red")
        _booking(code)
    html = _home(client_for, adviser)
    assert "3 councils at red" in html and "4 requested bookings" in html
    assert _queries(client_for(adviser)) == few


# --- The programme manager's home ------------------------------------------------------------


def test_programme_manager_sees_the_next_weeks_and_bookings_waiting(national_pm, client_for):
    soon = _booking(LEEDS, weeks=2)
    _booking(MANCHESTER, weeks=2, status="scoping")
    _booking(BRADFORD, weeks=30)  # beyond the next eight weeks
    html = _home(client_for, national_pm)
    assert '<h1 class="govuk-heading-l">Reviews and diagnostics</h1>' in html
    assert 'href="/reviews/bookings/?status=requested">2 requested bookings' in html
    assert f'href="/reviews/bookings/{soon.pk}/">Leeds: LSCB diagnostic (pilot)</a>' in html
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    assert html.count("Week starting ") == 8
    assert f"Week starting {monday:%-d %B %Y}" in html
    week = soon.first_on_site_day - timedelta(days=soon.first_on_site_day.weekday())
    row = html[html.index(f"Week starting {week:%-d %B %Y}") :]
    row = row[: row.index("</dd>")]
    assert "2 requested or scoping</a>" in row
    listed = f"/reviews/bookings/?stage=requested&amp;week={week:%Y-%m-%d}"
    assert f'href="{listed}">2 requested or scoping</a>' in row
    listing = client_for(national_pm).get(listed.replace("&amp;", "&")).content.decode()
    assert "2 bookings" in listing and "bookings requested or scoping" in listing
    assert "Bradford" not in listing
    assert "Nothing starts" in html
    # The whole pipeline from this week on: the next weeks may run into the next year.
    whole = f"/reviewers/pipeline/?by=week&amp;start={monday:%Y-%m-%d}"
    assert f'href="{whole}"' in html
    pipeline = client_for(national_pm).get(whole.replace("&amp;", "&")).content.decode()
    assert f"from {monday:%-d %B %Y}" in pipeline
    assert f"{week:%-d %B %Y}" in pipeline
    assert "Requested or scoping</th>" in pipeline


def test_national_staff_who_load_risk_facts_find_their_pages_from_home(
    national_pm, cib_admin, officer, client_for
):
    from earlysupport.models import FactImportRun, FactImportStatus

    for person in (national_pm, cib_admin):
        html = _home(client_for, person)
        assert 'href="/early-support/interventions/">DfE interventions</a>: not loaded yet' in html
        assert (
            'href="/early-support/dcs/">Directors of children&#x27;s services</a>: '
            "not loaded yet" in html
        )
        client = client_for(person)
        assert client.get("/early-support/interventions/").status_code == 200
        assert client.get("/early-support/dcs/").status_code == 200
    FactImportRun.objects.create(
        kind="intervention", filename="i.csv", status=FactImportStatus.SUCCEEDED
    )
    html = _home(client_for, national_pm)
    assert 'href="/early-support/interventions/">DfE interventions</a>: loaded.' in html
    assert "/early-support/interventions/" not in _home(client_for, officer)


def test_programme_manager_home_empty_and_its_queries_do_not_grow(national_pm, client_for):
    html = _home(client_for, national_pm)
    assert "No requested booking is waiting for a decision." in html
    assert "No review or diagnostic starts in the next 8 weeks." in html
    few = _queries(client_for(national_pm))
    for code in (LEEDS, BRADFORD, MANCHESTER, WAKEFIELD):
        _booking(code, weeks=1)
    assert "4 requested bookings" in _home(client_for, national_pm)
    assert _queries(client_for(national_pm)) == few


def test_the_home_escapes_what_people_typed(agreement, region_pm, regional_lead, client_for):
    _submitted(agreement, region_pm, description="<script>alert(1)</script>")
    html = _home(client_for, regional_lead)
    assert "<script>alert(1)</script>" not in html
    assert escape("<script>alert(1)</script>") in html


def test_an_unused_date_is_not_a_next_date():
    from peerchallenge.models import Challenge
    from peerchallenge.selectors import next_date

    today = date(2027, 1, 10)
    past = Challenge(starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 2), follow_up_months=6)
    assert next_date(past, today=today).label == "Follow-up review due"
    assert next_date(past, today=today).on == date(2027, 6, 2)


def test_the_demo_data_gives_every_home_something_to_show(
    reference_data,
    risk_rules,  # noqa: F811
    settings,
    client_for,
):
    import contextlib
    import io

    from django.core.management import call_command

    from accounts.models import User
    from regions.demo import DEMO_DOMAIN

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_demo_data", verbosity=0, stdout=io.StringIO())
        call_command("load_demo_data", verbosity=0, stdout=io.StringIO())  # runs once

    def home(local_part: str) -> str:
        return _home(client_for, User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}"))

    html = home("officer")
    assert "1 booking in progress" in html and "Leeds is entitled to a free" in html
    html = home("dcs")
    assert "Challenges you are on as a peer challenger" in html
    assert "Say which proposed dates you can do" in html
    html = home("challenger")
    assert "Challenges you are on as a peer challenger" in html and "On site from " in html
    for lead in ("regional-lead", "lead-member"):
        html = home(lead)
        assert "1 spend request waiting for your decision" in html
        assert "due or overdue</a>" in html
    assert "1 submitted spend request waiting for a regional lead" in home("region-pm")
    html = home("adviser")
    assert "council at red" in html or "councils at red" in html
    assert "2 requested bookings to mark as scoping or cancel" in html
    html = home("programme-manager")
    assert "2 requested bookings" in html and "requested or scoping" in html
    assert "due or overdue</a>" in home("cib-admin")
    # The demo catalogue has prices: a charged demo booking says what it costs.
    from reviews.models import Booking

    leeds = Booking.objects.get(council__gss_code=LEEDS)
    officer = User.objects.get(email=f"officer@{DEMO_DOMAIN}")
    page = client_for(officer).get(f"/reviews/bookings/{leeds.pk}/").content.decode()
    assert "Subsidised (£6,000)" in page
    # Every demo visit is in a working week: Monday to Friday, never over Christmas.
    for booking in Booking.objects.all():
        first, after = booking.on_site.lower, booking.on_site.upper
        assert first.weekday() == 0 and (after - first).days <= 5, booking
        assert not any(
            (first + timedelta(days=i)).strftime("%m-%d") in ("12-25", "12-26", "01-01")
            for i in range((after - first).days)
        ), booking


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        (date(2026, 12, 14), date(2026, 12, 14)),
        (date(2026, 12, 21), date(2027, 1, 4)),  # Christmas week, then New Year's
        (date(2026, 12, 28), date(2027, 1, 4)),
        (date(2026, 12, 16), date(2026, 12, 14)),  # a Wednesday: its week's Monday
        (date(2027, 12, 20), date(2028, 1, 3)),  # Friday 24 December
    ],
)
def test_demo_visits_start_on_the_monday_of_a_working_week(monday, expected):
    from regions.demo import demo_working_week

    assert demo_working_week(monday) == expected


def test_a_regional_lead_sees_the_red_and_amber_councils_of_their_region(
    regional_lead,
    region_pm,
    other_regional_lead,
    risk_rules,  # noqa: F811
    client_for,
):
    red = make_flag(risk_rules["ofsted-inadequate"], code=BRADFORD, severity="red")
    make_flag(risk_rules["workforce-pressure"], code=MANCHESTER, severity="red")
    html = _home(client_for, regional_lead)
    assert "Councils with open risk flags" in html
    assert "From the" in html and "in the region you lead" in html
    assert 'href="/early-support/?level=red#councils">1 council at red</a>' in html
    assert f'href="/early-support/flags/{red.pk}/"' in html and "Manchester" not in html
    assert client_for(regional_lead).get("/early-support/?level=red").status_code == 200
    # The programme manager has no risk dashboard; the North West's lead sees only theirs.
    assert "Councils with open risk flags" not in _home(client_for, region_pm)
    html = _home(client_for, other_regional_lead)
    assert f"/early-support/flags/{red.pk}/" not in html
    assert "Manchester" in html and "1 council at red" in html
