"""The reviews API: products, entitlement, bookings (request, list, read, reschedule, cancel),
each for the owner council's staff, a permitted role and an outsider."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Booking, Product
from reviews.services.bookings import booking_request

pytestmark = pytest.mark.django_db

LEEDS = "E08000035"


@pytest.fixture
def review(reference_data):
    products_sync()
    return Product.objects.get(code="safeguarding_peer_review")


@pytest.fixture
def booking(review, officer):
    return booking_request(
        council=Council.objects.get(gss_code=LEEDS),
        product=review,
        first_on_site_day=date(2031, 3, 3),
        requested_by=officer,
    )


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_products_lists_the_catalogue(review, officer):
    data = api_as(officer).get("/api/v1/products/").json()
    codes = {p["code"] for p in data}
    assert "safeguarding_peer_review" in codes and len(codes) == 4
    peer = next(p for p in data if p["code"] == "safeguarding_peer_review")
    assert peer["on_site_days"] == 5 and peer["subsidised_price_pence"] is None


def test_products_refused_without_a_role(review, no_role_user):
    assert api_as(no_role_user).get("/api/v1/products/").status_code == 403


def test_entitlement_free_then_blocked(review, officer, booking):
    client = api_as(officer)
    url = f"/api/v1/councils/{LEEDS}/entitlement/"
    free = client.get(url, {"product": review.code, "start": "2034-03-03"}).json()
    assert free["entitled"] is True and free["blocking_booking"] is None
    blocked = client.get(url, {"product": review.code, "start": "2032-01-10"}).json()
    assert blocked == {
        "entitled": False,
        "reason": blocked["reason"],
        "next_free_date": "2034-03-03",
        "blocking_booking": {"id": booking.pk, "first_on_site_day": "2031-03-03"},
    }
    assert "3 March 2031" in blocked["reason"]


def test_entitlement_needs_product_and_start(review, officer):
    client = api_as(officer)
    url = f"/api/v1/councils/{LEEDS}/entitlement/"
    assert client.get(url, {"start": "2031-01-01"}).status_code == 400
    assert client.get(url, {"product": review.code, "start": "nope"}).status_code == 400


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 200), ("adviser", 200), ("other_officer", 404)]
)
def test_entitlement_access(request, review, who, status):
    client = api_as(request.getfixturevalue(who))
    r = client.get(
        f"/api/v1/councils/{LEEDS}/entitlement/", {"product": review.code, "start": "2031-01-01"}
    )
    assert r.status_code == status


def test_post_booking_returns_basis_and_status(review, officer):
    client = api_as(officer)
    r = client.post(
        "/api/v1/bookings/",
        {"council": LEEDS, "product": review.code, "start": "2031-03-03"},
        format="json",
    )
    assert r.status_code == 201
    body = r.json()
    assert body["charging_basis"] == "free" and body["status"] == "requested"
    assert body["council"] == LEEDS and body["start"] == "2031-03-03"
    assert body["last_on_site_day"] == "2031-03-07"
    # Not entitled and no basis given: refused with the prices, nothing booked (never charged
    # silently); asked again with a basis, it is booked on it.
    told = client.post(
        "/api/v1/bookings/",
        {"council": LEEDS, "product": review.code, "start": "2032-03-03"},
        format="json",
    )
    assert told.status_code == 400
    assert "Nothing has been booked" in told.json()["detail"]
    assert set(told.json()["charged_prices_pence"]) == {"subsidised", "whole_cost"}
    assert Booking.objects.filter(first_on_site_day="2032-03-03").count() == 0
    second = client.post(
        "/api/v1/bookings/",
        {
            "council": LEEDS,
            "product": review.code,
            "start": "2032-03-03",
            "charging_basis": "subsidised",
        },
        format="json",
    ).json()
    assert second["charging_basis"] == "subsidised"


def test_post_booking_asking_free_when_not_entitled_is_a_400(review, officer, booking):
    r = api_as(officer).post(
        "/api/v1/bookings/",
        {"council": LEEDS, "product": review.code, "start": "2032-03-03", "charging_basis": "x"},
        format="json",
    )
    assert r.status_code == 400


def test_post_booking_rule_refusal_is_a_400_with_the_message(review, officer):
    diag = Product.objects.get(code="lscb_diagnostic")
    diag.charging_options = ["free"]
    diag.save()
    r = api_as(officer).post(
        "/api/v1/bookings/",
        {"council": LEEDS, "product": diag.code, "start": "2031-03-03"},
        format="json",
    )
    assert r.status_code == 400 and "cannot be booked on a subsidised basis" in r.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 201), ("adviser", 403), ("other_officer", 404)]
)
def test_post_booking_access(request, review, who, status):
    r = api_as(request.getfixturevalue(who)).post(
        "/api/v1/bookings/",
        {"council": LEEDS, "product": review.code, "start": "2031-03-03"},
        format="json",
    )
    assert r.status_code == status


@pytest.mark.parametrize(
    ("who", "count", "status"),
    [("officer", 1, 200), ("national_adviser", 1, 200), ("other_officer", 0, 404)],
)
def test_list_and_read_bookings(request, booking, who, count, status):
    client = api_as(request.getfixturevalue(who))
    assert client.get("/api/v1/bookings/").json()["count"] == count
    assert client.get(f"/api/v1/bookings/{booking.pk}/").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("adviser", 200), ("regional_lead", 403), ("other_officer", 404)],
)
def test_patch_start_reschedules(request, booking, who, status):
    r = api_as(request.getfixturevalue(who)).patch(
        f"/api/v1/bookings/{booking.pk}/", {"start": "2031-04-07"}, format="json"
    )
    assert r.status_code == status
    booking.refresh_from_db()
    expected = date(2031, 4, 7) if status == 200 else date(2031, 3, 3)
    assert booking.first_on_site_day == expected


def test_patch_to_the_same_start_is_a_400_and_sends_nothing(officer, booking, mailoutbox):
    r = api_as(officer).patch(
        f"/api/v1/bookings/{booking.pk}/", {"start": "2031-03-03"}, format="json"
    )
    assert r.status_code == 400 and "same as the current one" in r.json()["detail"]
    assert not mailoutbox


def test_patch_into_a_clash_is_a_400(review, officer, booking):
    later = booking_request(
        council=booking.council,
        product=review,
        first_on_site_day=date(2034, 6, 1),
        requested_by=officer,
    )
    r = api_as(officer).patch(
        f"/api/v1/bookings/{later.pk}/", {"start": "2033-06-01"}, format="json"
    )
    assert r.status_code == 400 and "less than three years" in r.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("adviser", 200), ("regional_lead", 403), ("other_officer", 404)],
)
def test_cancel(request, booking, who, status):
    r = api_as(request.getfixturevalue(who)).post(
        f"/api/v1/bookings/{booking.pk}/cancel/", {"reason": "Not needed"}, format="json"
    )
    assert r.status_code == status
    booking.refresh_from_db()
    assert booking.status == ("cancelled" if status == 200 else "requested")
    if status == 200:
        assert r.json()["status"] == "cancelled"


def test_cancel_needs_a_reason(booking, officer):
    r = api_as(officer).post(f"/api/v1/bookings/{booking.pk}/cancel/", {}, format="json")
    assert r.status_code == 400
    assert Booking.objects.get(pk=booking.pk).status == "requested"


def test_schema_documents_the_review_endpoints(officer):
    schema = api_as(officer).get("/api/v1/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/products/",
        "/api/v1/councils/{gss_code}/entitlement/",
        "/api/v1/bookings/",
        "/api/v1/bookings/{id}/",
        "/api/v1/bookings/{id}/cancel/",
    ):
        assert path in schema["paths"], path
    assert "patch" in schema["paths"]["/api/v1/bookings/{id}/"]
    assert "post" in schema["paths"]["/api/v1/bookings/"]
    entitlement = schema["components"]["schemas"]["Entitlement"]["properties"]
    assert {"entitled", "reason", "next_free_date", "blocking_booking"} <= set(entitlement)


def test_asking_for_a_free_booking_is_refused(review, officer):
    r = api_as(officer).post(
        "/api/v1/bookings/",
        {"council": LEEDS, "product": review.code, "start": "2031-03-03", "charging_basis": "free"},
        format="json",
    )
    assert r.status_code == 400 and "charging_basis" in r.json()
