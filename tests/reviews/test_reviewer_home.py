"""A peer reviewer's home: the bookings whose team they are on, with their dates and links
(the booking, its calendar file), and nothing of other teams' bookings."""

from datetime import date

import pytest

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Accreditation, Product, Reviewer
from reviews.services.bookings import booking_request
from reviews.services.team import team_assign
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _reviewer(email, name):
    user = make_member("national", "peer_reviewer", email=email)
    person = Reviewer.objects.create(user=user, name=name, email=email, types=["officer_peer"])
    Accreditation.objects.create(
        reviewer=person,
        reviewer_type="officer_peer",
        valid_from=date(2025, 1, 1),
        expires_on=date(2030, 1, 1),
    )
    return user, person


@pytest.fixture
def setting(reference_data, officer):
    """Sam is on Leeds' diagnostic team, Kim on Bradford's; Pat is on no team."""
    products_sync()
    pm = make_member("national", "programme_manager", email="pm.home@lga.example")
    product = Product.objects.get(code="lscb_diagnostic")

    def book(code, day):
        return booking_request(
            council=Council.objects.get(gss_code=code),
            product=product,
            first_on_site_day=day,
            requested_by=pm,
            charging_basis="subsidised",
        )

    leeds, bradford = book("E08000035", date(2027, 3, 1)), book("E08000032", date(2027, 5, 3))
    sam, sam_entry = _reviewer("sam.home@reviewers.example", "Sam Patel")
    kim, kim_entry = _reviewer("kim.home@reviewers.example", "Kim Lee")
    pat, _ = _reviewer("pat.home@reviewers.example", "Pat Jones")
    team_assign(booking=leeds, reviewer=sam_entry, reviewer_type="officer_peer", assigned_by=pm)
    team_assign(booking=bradford, reviewer=kim_entry, reviewer_type="officer_peer", assigned_by=pm)
    return {"leeds": leeds, "bradford": bradford, "sam": sam, "kim": kim, "pat": pat}


def test_a_reviewer_on_a_team_sees_its_booking_with_dates_and_links(setting, client_for):
    leeds, bradford = setting["leeds"], setting["bradford"]
    response = client_for(setting["sam"]).get("/home/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your reviews" in body and "Leeds" in body
    assert "1 March 2027 to 3 March 2027" in body
    assert f'href="/reviews/bookings/{leeds.pk}/"' in body
    assert f'href="/reviewers/bookings/{leeds.pk}/calendar.ics"' in body
    assert f"/reviews/bookings/{bradford.pk}/" not in body and "Bradford" not in body
    # What the home links to opens for them.
    client = client_for(setting["sam"])
    assert client.get(f"/reviews/bookings/{leeds.pk}/").status_code == 200
    assert client.get(f"/reviewers/bookings/{leeds.pk}/calendar.ics").status_code == 200
    api = client.get("/api/v1/bookings/").json()
    assert [b["id"] for b in api["results"]] == [leeds.pk]


def test_another_teams_reviewer_sees_only_their_own(setting, client_for):
    leeds, bradford = setting["leeds"], setting["bradford"]
    client = client_for(setting["kim"])
    body = client.get("/home/").content.decode()
    assert f'href="/reviews/bookings/{bradford.pk}/"' in body
    assert f"/reviews/bookings/{leeds.pk}/" not in body
    assert client.get(f"/reviews/bookings/{leeds.pk}/").status_code == 404
    assert client.get(f"/reviewers/bookings/{leeds.pk}/calendar.ics").status_code == 404


def test_a_reviewer_on_no_team_has_a_home_saying_so(setting, client_for):
    response = client_for(setting["pat"]).get("/home/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "You are not on any review team at the moment" in body
    assert "<table" not in body
    assert client_for(setting["pat"]).get("/api/v1/bookings/").json()["results"] == []
