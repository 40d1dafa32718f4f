"""The reciprocity ledger: the figures (challenges and reviews, given and received, the DCS's
days and the warnings), the year's edges, the page, the CSV, and who may see which."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateRange
from django.test.utils import CaptureQueriesContext

from peerchallenge.selectors.ledger import ledger_rows
from regions.models import Council, Region
from tests.conftest import BRADFORD, LEEDS, NORTH_WEST, YORKSHIRE
from tests.factories import make_member
from tests.peerchallenge.conftest import CALDERDALE, WAKEFIELD, YEAR, _challenge

pytestmark = pytest.mark.django_db

LEDGER = "/peer-challenge/ledger/"
EXPORT = "/peer-challenge/ledger/export.csv"


def by_code(rows):
    return {r.code: r for r in rows}


def yorkshire_rows(year=YEAR):
    return by_code(ledger_rows(year=year, region_id=Region.objects.get(gss_code=YORKSHIRE).pk))


def _pm():
    from accounts.models import User

    user = User.objects.filter(email="pm@lga.example").first()
    return user or make_member("national", "programme_manager", email="pm@lga.example")


def booking(council_code, first_day, *, code="lscb_diagnostic", status="scoping"):
    """A booking made directly (its dates may be in the past), not free."""
    from reviews.catalogue import products_sync
    from reviews.models import Booking, Product

    products_sync()
    product = Product.objects.get(code=code)
    extra = {"cancellation_reason": "Not needed"} if status == "cancelled" else {}
    return Booking.objects.create(
        council=Council.objects.get(gss_code=council_code),
        product=product,
        status=status,
        first_on_site_day=first_day,
        on_site=DateRange(first_day, first_day + timedelta(days=product.on_site_days)),
        charging_basis="subsidised",
        requested_by=_pm(),
        **extra,
    )


def on_team(booking_, user, home_code, *, active=True):
    from reviews.models import Reviewer, TeamAssignment

    reviewer, _ = Reviewer.objects.get_or_create(
        email=user.email,
        defaults={
            "name": user.full_name,
            "user": user,
            "home_council": Council.objects.get(gss_code=home_code),
            "types": ["officer_peer"],
        },
    )
    return TeamAssignment.objects.create(
        booking=booking_,
        reviewer=reviewer,
        reviewer_type="officer_peer",
        on_site=booking_.on_site,
        is_active=active,
        assigned_by=booking_.requested_by,
    )


@pytest.fixture
def figures(challenge, challenger, officer, dcs):
    """Leeds challenged by Bradford's DCS (2 days); an LSCB diagnostic (3 days) at Wakefield
    in June 2026 with Bradford's DCS and a Leeds officer on the team. Leeds has a DCS who gave
    no days; Wakefield and the rest have no DCS recorded."""
    diagnostic = booking(WAKEFIELD, date(YEAR, 6, 1))
    on_team(diagnostic, challenger, BRADFORD)
    on_team(diagnostic, officer, LEEDS)
    return diagnostic


# --- The figures -----------------------------------------------------------------------------


def test_days_given_and_received_per_council_and_the_dcs_days(figures):
    rows = yorkshire_rows()
    bradford, leeds, wakefield = rows[BRADFORD], rows[LEEDS], rows[WAKEFIELD]
    assert bradford.challenge_days_given == Decimal(2)
    assert bradford.review_days_given == Decimal(3)
    assert bradford.days_given == Decimal(5)
    assert bradford.days_received == 0
    assert bradford.balance == Decimal(5)
    assert bradford.dcs_days_given == Decimal(5)  # its DCS both challenged and reviewed
    assert bradford.warning == ""
    assert leeds.challenge_days_received == Decimal(2)
    assert leeds.review_days_given == Decimal(3)  # an officer's days count for the council
    assert leeds.dcs_days_given == 0  # but not for its DCS
    assert leeds.days_received == Decimal(2)
    assert leeds.balance == Decimal(1)
    assert leeds.warning == "under"
    assert wakefield.review_days_received == Decimal(6)  # 3 days times a team of two
    # No DCS recorded: no DCS days (not nought) and nobody to call under-committed.
    assert (wakefield.dcs, wakefield.dcs_days, wakefield.warning) == ("", None, "")
    assert wakefield.days_given == 0
    assert rows[CALDERDALE].days_given == rows[CALDERDALE].days_received == 0


def test_the_dcs_is_named(figures, challenger):
    assert yorkshire_rows()[BRADFORD].dcs == challenger.full_name


def test_a_draft_programme_does_not_count(challenge, programme):
    assert yorkshire_rows()[BRADFORD].challenge_days_given == Decimal(2)
    programme.status = "draft"
    programme.save()
    rows = yorkshire_rows()
    assert rows[BRADFORD].challenge_days_given == 0
    assert rows[LEEDS].challenge_days_received == 0


def test_a_cancelled_booking_and_an_inactive_assignment_do_not_count(challenger, officer):
    cancelled = booking(WAKEFIELD, date(YEAR, 6, 1), status="cancelled")
    on_team(cancelled, challenger, BRADFORD)
    other = booking(WAKEFIELD, date(YEAR, 9, 1))
    on_team(other, officer, LEEDS, active=False)
    rows = yorkshire_rows()
    assert rows[BRADFORD].review_days_given == 0
    assert rows[LEEDS].review_days_given == 0
    assert rows[WAKEFIELD].review_days_received == 0


def test_a_review_on_31_march_counts_in_the_year_ending_then_and_1_april_in_the_next(
    challenger, officer
):
    on_team(booking(WAKEFIELD, date(YEAR + 1, 3, 31)), challenger, BRADFORD)
    assert yorkshire_rows(YEAR)[BRADFORD].review_days_given == Decimal(3)
    assert yorkshire_rows(YEAR + 1)[BRADFORD].review_days_given == 0
    on_team(booking(CALDERDALE, date(YEAR + 1, 4, 1)), officer, LEEDS)
    assert yorkshire_rows(YEAR)[LEEDS].review_days_given == 0
    assert yorkshire_rows(YEAR)[CALDERDALE].review_days_received == 0
    assert yorkshire_rows(YEAR + 1)[LEEDS].review_days_given == Decimal(3)
    assert yorkshire_rows(YEAR + 1)[CALDERDALE].review_days_received == Decimal(3)
    assert yorkshire_rows(YEAR + 1)[BRADFORD].review_days_given == 0


def test_a_programme_of_another_year_does_not_count(challenge):
    assert yorkshire_rows(YEAR + 1)[BRADFORD].challenge_days_given == 0
    assert yorkshire_rows(YEAR - 1)[LEEDS].challenge_days_received == 0


@pytest.mark.parametrize(
    ("days", "warning"),
    [("3.9", "under"), ("4.0", ""), ("5.0", ""), ("6.0", ""), ("6.1", "over")],
)
def test_warnings_at_the_thresholds(challenge, programme, days, warning):
    programme.days_per_challenge = Decimal(days)
    programme.save()
    bradford = yorkshire_rows()[BRADFORD]
    assert bradford.dcs_days_given == Decimal(days)
    assert bradford.warning == warning


# --- The page --------------------------------------------------------------------------------


def test_regional_page_shows_the_figures_and_warnings(figures, regional_lead, client_for):
    response = client_for(regional_lead).get(LEDGER, {"year": YEAR, "region": YORKSHIRE})
    assert response.status_code == 200
    rows = {r.code: r for r in response.context["rows"]}
    assert rows[BRADFORD].days_given == Decimal(5)
    assert set(r.region for r in response.context["rows"]) == {"Yorkshire and The Humber"}
    html = response.content.decode()
    assert "Reciprocity ledger: Yorkshire and The Humber" in html
    assert "govuk-tag govuk-tag--yellow" in html  # Leeds's DCS is under-committed
    wakefield = re.search(r"<th scope=\"row\"[^>]*>Wakefield.*?</tr>", html, re.S).group(0)
    assert wakefield.count("Not recorded</td>") == 2  # the DCS, and the DCS's days (not 0.0)
    assert "Under-committed" not in wakefield
    summary = response.context["summary"]
    assert summary["given"] == Decimal(8)  # Bradford 5 + Leeds 3
    assert summary["received"] == Decimal(8)  # Leeds 2 + Wakefield 6
    assert summary["over"] == 0
    assert summary["under"] == 1  # Leeds; the councils with no DCS recorded are not counted


def test_over_committed_is_a_red_tag(challenge, programme, regional_lead, client_for):
    programme.days_per_challenge = Decimal(7)
    programme.save()
    html = client_for(regional_lead).get(LEDGER, {"year": YEAR}).content.decode()
    assert 'govuk-tag govuk-tag--red">Over-committed' in html


def test_show_only_warnings_and_sorting(figures, regional_lead, client_for):
    client = client_for(regional_lead)
    response = client.get(LEDGER, {"year": YEAR, "warnings": "1"})
    codes = [r.code for r in response.context["rows"]]
    assert BRADFORD not in codes and LEEDS in codes
    response = client.get(LEDGER, {"year": YEAR, "sort": "-given"})
    assert [r.code for r in response.context["rows"]][:2] == [BRADFORD, LEEDS]
    response = client.get(LEDGER, {"year": YEAR, "sort": "received"})
    assert [r.code for r in response.context["rows"]][-2:] == [LEEDS, WAKEFIELD]
    assert 'aria-sort="ascending"' in response.content.decode()


def test_a_regional_user_gets_their_region_by_default(regional_lead, client_for):
    response = client_for(regional_lead).get(LEDGER)
    assert response.status_code == 200
    assert response.context["query"].region.gss_code == YORKSHIRE
    assert response.context["region_summary"] == []


def test_the_year_select_lists_programme_years_and_the_current_one(
    programme, regional_lead, client_for
):
    from peerchallenge.views.ledger import current_programme_year

    years = [y for y, _label in client_for(regional_lead).get(LEDGER).context["years"]]
    assert YEAR in years and current_programme_year() in years


def test_national_view_has_a_summary_per_region_linking_to_its_ledger(
    figures, national_adviser, client_for
):
    response = client_for(national_adviser).get(LEDGER, {"year": YEAR})
    assert response.status_code == 200
    assert response.context["query"].region is None
    assert len(response.context["rows"]) == Council.objects.count()
    regions = {e["name"]: e for e in response.context["region_summary"]}
    assert len(regions) == Region.objects.count()
    yorkshire = regions["Yorkshire and The Humber"]
    assert yorkshire["councils"] == Council.objects.filter(region__gss_code=YORKSHIRE).count()
    assert yorkshire["under"] == 1  # Leeds's DCS; councils with no DCS recorded have no warning
    assert regions["North West"]["over"] == 0
    assert f"?year={YEAR}&amp;region={YORKSHIRE}" in response.content.decode()
    # Every council is in the table, fifty a page.
    assert len(response.context["page_obj"]) == 50
    last = response.context["page_obj"].paginator.num_pages
    final = client_for(national_adviser).get(LEDGER, {"year": YEAR, "page": last})
    assert len(final.context["page_obj"]) == Council.objects.count() - 50 * (last - 1)


def test_query_count_does_not_grow_with_rows(
    challenge, other_challenge, regional_lead, national_adviser, client_for
):
    client = client_for(regional_lead)
    client.get(LEDGER, {"year": YEAR})  # warm the session
    with CaptureQueriesContext(connection) as before:
        client.get(LEDGER, {"year": YEAR})
    diagnostic = booking(WAKEFIELD, date(YEAR, 6, 1))
    on_team(diagnostic, make_member(LEEDS, "dcs", email="dcs@leeds.example"), LEEDS)
    _challenge(challenge.programme, BRADFORD, LEEDS, None)
    with CaptureQueriesContext(connection) as after:
        client.get(LEDGER, {"year": YEAR})
    assert len(after) == len(before)
    national = client_for(national_adviser)
    national.get(LEDGER, {"year": YEAR})
    with CaptureQueriesContext(connection) as everywhere:
        national.get(LEDGER, {"year": YEAR})
    assert len(everywhere) == len(before)  # every council, the same queries


# --- CSV -------------------------------------------------------------------------------------


def read_csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_has_the_same_rows_and_figures(figures, regional_lead, client_for):
    client = client_for(regional_lead)
    for response in (
        client.get(EXPORT, {"year": YEAR, "region": YORKSHIRE}),
        client.get(LEDGER, {"year": YEAR, "region": YORKSHIRE, "format": "csv"}),
    ):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "reciprocity-ledger-2026-27-E12000003.csv" in response["Content-Disposition"]
        rows = {r["Council code"]: r for r in read_csv(response)}
        assert len(rows) == Council.objects.filter(region__gss_code=YORKSHIRE).count()
        assert rows[BRADFORD]["Challenge days given"] == "2.0"
        assert rows[BRADFORD]["Review days given"] == "3.0"  # one decimal place throughout
        assert rows[LEEDS]["Balance"] == "1.0"
        assert Decimal(rows[BRADFORD]["Total days given"]) == 5
        assert Decimal(rows[BRADFORD]["DCS days"]) == 5
        assert rows[BRADFORD]["Warning"] == ""
        assert rows[LEEDS]["Warning"].startswith("Under-committed")
        assert rows[WAKEFIELD]["DCS days"] == "Not recorded"
        assert rows[WAKEFIELD]["Warning"] == ""
        assert Decimal(rows[WAKEFIELD]["Days received"]) == 6


def test_csv_keeps_the_warnings_filter(figures, regional_lead, client_for):
    response = client_for(regional_lead).get(EXPORT, {"year": YEAR, "warnings": "1"})
    codes = {r["Council code"] for r in read_csv(response)}
    assert BRADFORD not in codes and LEEDS in codes


def test_csv_access(regional_lead, other_regional_lead, officer, national_adviser, client_for):
    assert client_for(regional_lead).get(EXPORT, {"region": NORTH_WEST}).status_code == 404
    assert client_for(other_regional_lead).get(EXPORT, {"region": YORKSHIRE}).status_code == 404
    assert client_for(officer).get(EXPORT).status_code == 404
    national = client_for(national_adviser).get(EXPORT)
    assert national.status_code == 200
    assert len(read_csv(national)) == Council.objects.count()
    anonymous = client_for(None).get(EXPORT)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "region", "status"),
    [
        ("regional_lead", YORKSHIRE, 200),
        ("regional_lead", NORTH_WEST, 404),
        ("regional_lead", "", 200),  # their own region
        ("programme_manager_region", YORKSHIRE, 200),
        ("adviser", YORKSHIRE, 200),
        ("adviser", NORTH_WEST, 404),
        ("national_adviser", "", 200),
        ("national_adviser", NORTH_WEST, 200),
        ("cib_admin", "", 200),  # national staff see the national ledger
        ("other_regional_lead", YORKSHIRE, 404),
        ("officer", "", 404),
        ("officer", YORKSHIRE, 404),
        ("dcs", YORKSHIRE, 404),
        ("challenger", YORKSHIRE, 404),
        ("no_role_user", "", 404),
        ("regional_lead", "E99999999", 404),
    ],
)
def test_who_may_see_which_ledger(request, client_for, person, region, status):
    user = request.getfixturevalue(person)
    params = {"region": region} if region else {}
    assert client_for(user).get(LEDGER, params).status_code == status


def test_adviser_default_is_their_region_and_national_is_refused(adviser, client_for):
    response = client_for(adviser).get(LEDGER)
    assert response.context["query"].region.gss_code == YORKSHIRE
    assert not response.context["query"].national_allowed
    assert [code for code, _ in response.context["region_choices"]] == [YORKSHIRE]


def test_anonymous_is_sent_to_sign_in(client_for):
    response = client_for(None).get(LEDGER)
    assert response.status_code == 302 and "login" in response["Location"]


def test_days_in_the_tables_share_one_decimal_place(figures, programme, regional_lead, client_for):
    """Half days are possible, so every figure has one decimal ("2.5" beside "3.0", not "3")."""
    programme.days_per_challenge = Decimal("2.5")
    programme.save()
    html = client_for(regional_lead).get(LEDGER, {"year": YEAR, "region": YORKSHIRE}).text
    table = html[html.index('id="ledger-councils"') :]
    table = table[table.index("<tbody") : table.index("</tbody>")]
    cells = re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', table)
    figures_ = [c for c in cells if c != "Not recorded"]  # DCS days with no DCS recorded
    assert figures_ and all(re.fullmatch(r"-?\d+\.\d", c) for c in figures_), cells
    assert "5.5" in cells and "0.0" in cells
