"""Calendars: a booking's .ics file and a reviewer's private feed, with who may have them."""

from datetime import date

import pytest

from regions.models import Council
from reviews.calendars import ics_escape
from reviews.catalogue import products_sync
from reviews.models import Accreditation, Product, Reviewer
from reviews.services.bookings import booking_request
from reviews.services.reviewers import feed_token_revoke, feed_token_rotate
from reviews.services.team import team_assign
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


@pytest.fixture
def reviewer_user(reference_data):
    return make_member("national", "peer_reviewer", email="sam@reviewers.example")


@pytest.fixture
def sam(reviewer_user):
    person = Reviewer.objects.create(
        user=reviewer_user, name="Sam Patel", email="sam@reviewers.example", types=["officer_peer"]
    )
    Accreditation.objects.create(
        reviewer=person,
        reviewer_type="officer_peer",
        valid_from=date(2025, 1, 1),
        expires_on=date(2030, 1, 1),
    )
    return person


def _book(code, day, user):
    products_sync()
    return booking_request(
        council=Council.objects.get(gss_code=code),
        product=Product.objects.get(code="lscb_diagnostic"),
        first_on_site_day=day,
        requested_by=user,
        charging_basis="subsidised",
        scope="Scope, with; commas",
    )


@pytest.fixture
def leeds_booking(officer):
    return _book("E08000035", date(2027, 3, 1), officer)


@pytest.fixture
def bradford_booking(pm):
    return _book("E08000032", date(2027, 5, 3), pm)


def test_ics_escapes_text():
    assert ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_council_officer_downloads_their_bookings_calendar(leeds_booking, officer, client_for):
    response = client_for(officer).get(f"/reviewers/bookings/{leeds_booking.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert f"UID:booking-{leeds_booking.pk}@" in body
    assert "DTSTART;VALUE=DATE:20270301\r\n" in body
    assert "DTEND;VALUE=DATE:20270304\r\n" in body  # three days on site, end exclusive


def test_programme_manager_and_team_member_download_it(
    leeds_booking, pm, sam, reviewer_user, client_for
):
    url = f"/reviewers/bookings/{leeds_booking.pk}/calendar.ics"
    assert client_for(pm).get(url).status_code == 200
    assert client_for(reviewer_user).get(url).status_code == 404
    team_assign(booking=leeds_booking, reviewer=sam, reviewer_type="officer_peer", assigned_by=pm)
    assert client_for(reviewer_user).get(url).status_code == 200


def test_outsider_cannot_download_a_bookings_calendar(leeds_booking, other_officer, client_for):
    url = f"/reviewers/bookings/{leeds_booking.pk}/calendar.ics"
    assert client_for(other_officer).get(url).status_code == 404


def test_reviewers_feed_shows_only_their_own_bookings(
    leeds_booking, bradford_booking, pm, sam, client
):
    other = Reviewer.objects.create(name="Other", email="o@example.org", types=["officer_peer"])
    Accreditation.objects.create(
        reviewer=other,
        reviewer_type="officer_peer",
        valid_from=date(2025, 1, 1),
        expires_on=date(2030, 1, 1),
    )
    team_assign(booking=leeds_booking, reviewer=sam, reviewer_type="officer_peer", assigned_by=pm)
    team_assign(
        booking=bradford_booking, reviewer=other, reviewer_type="officer_peer", assigned_by=pm
    )
    token = feed_token_rotate(reviewer=sam, actor=pm)

    response = client.get(f"/reviewers/feed/{token}.ics")  # calendar apps do not sign in

    body = response.content.decode()
    assert response.status_code == 200
    assert f"UID:booking-{leeds_booking.pk}@" in body
    assert f"UID:booking-{bradford_booking.pk}@" not in body


def test_a_rotated_or_revoked_token_is_a_404(sam, pm, client):
    old = feed_token_rotate(reviewer=sam, actor=pm)
    new = feed_token_rotate(reviewer=sam, actor=pm)
    assert client.get(f"/reviewers/feed/{old}.ics").status_code == 404
    assert client.get(f"/reviewers/feed/{new}.ics").status_code == 200
    feed_token_revoke(reviewer=sam, actor=pm)
    assert client.get(f"/reviewers/feed/{new}.ics").status_code == 404
    assert client.get("/reviewers/feed/guess.ics").status_code == 404


def test_reviewer_turns_on_and_revokes_their_own_feed(sam, reviewer_user, client_for):
    client = client_for(reviewer_user)
    client.post(f"/reviewers/{sam.pk}/feed/", {"action": "rotate"})
    sam.refresh_from_db()
    assert sam.feed_token and sam.feed_token.encode() in client.get(f"/reviewers/{sam.pk}/").content
    client.post(f"/reviewers/{sam.pk}/feed/", {"action": "revoke"})
    sam.refresh_from_db()
    assert sam.feed_token == ""


def test_programme_manager_rotates_a_reviewers_feed(sam, pm, client_for):
    client_for(pm).post(f"/reviewers/{sam.pk}/feed/", {"action": "rotate"})
    sam.refresh_from_db()
    assert len(sam.feed_token) >= 40


def test_outsider_cannot_rotate_a_reviewers_feed(sam, other_officer, client_for):
    response = client_for(other_officer).post(f"/reviewers/{sam.pk}/feed/", {"action": "rotate"})
    sam.refresh_from_db()
    assert response.status_code == 404 and sam.feed_token == ""


def test_long_lines_are_folded_at_75_octets():
    from reviews.calendars import _fold

    folded = _fold("SUMMARY:" + "é" * 100)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts) and len(parts) > 1
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == "SUMMARY:" + "é" * 100


# --- The .ics file follows the booking's own rule (reviews.permissions.can_view_booking) ----


@pytest.fixture
def region_pm(reference_data):
    """Yorkshire's regional programme manager: prepares the programme, not bookings."""
    return make_member("E12000003", "regional_programme_manager", email="rpm@yorkshire.example")


def _booking_urls(booking):
    return [
        f"/reviews/bookings/{booking.pk}/",
        f"/api/v1/bookings/{booking.pk}/",
        f"/reviewers/bookings/{booking.pk}/calendar.ics",
    ]


@pytest.mark.parametrize("who", ["officer", "pm", "regional_lead", "adviser", "national_adviser"])
def test_who_may_see_the_booking_gets_its_page_api_and_calendar(
    who, leeds_booking, request, client_for
):
    client = client_for(request.getfixturevalue(who))
    for url in _booking_urls(leeds_booking):
        assert client.get(url).status_code == 200, url


def test_a_reviewer_on_the_team_gets_the_page_api_and_calendar_while_on_it(
    leeds_booking, pm, sam, reviewer_user, client_for
):
    client = client_for(reviewer_user)
    assert [client.get(u).status_code for u in _booking_urls(leeds_booking)] == [404] * 3
    team_assign(booking=leeds_booking, reviewer=sam, reviewer_type="officer_peer", assigned_by=pm)
    assert [client.get(u).status_code for u in _booking_urls(leeds_booking)] == [200] * 3


@pytest.mark.parametrize("who", ["region_pm", "cib_admin", "other_officer", "other_regional_lead"])
def test_who_gets_404_on_the_booking_gets_404_on_its_calendar(
    who, leeds_booking, request, client_for
):
    client = client_for(request.getfixturevalue(who))
    for url in _booking_urls(leeds_booking):
        assert client.get(url).status_code == 404, url
