"""Booking pages: the request wizard end to end, the check page's entitlement words, the list and
a booking's pages, each for the owner, a permitted role and an outsider."""

from datetime import date

import pytest
from django.urls import reverse

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Booking, Product
from reviews.services.bookings import booking_request
from tests.factories import make_member

pytestmark = pytest.mark.django_db

LEEDS = "E08000035"


@pytest.fixture
def review(reference_data):
    products_sync()
    return Product.objects.get(code="safeguarding_peer_review")


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code=LEEDS)


@pytest.fixture
def manager(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


@pytest.fixture
def booking(review, leeds, officer):
    return booking_request(
        council=leeds,
        product=review,
        first_on_site_day=date(2031, 3, 3),
        requested_by=officer,
        contact_name="Ann Contact",
        contact_email="ann@leeds.example",
    )


def walk_wizard(client, review, day=date(2031, 3, 3)):
    assert client.get(reverse("reviews:request_start")).status_code == 302
    step = lambda s: reverse("reviews:request_step", kwargs={"step": s})  # noqa: E731
    r = client.post(step("product"), {"product": review.pk})
    assert r.status_code == 302 and r.url == step("date")
    r = client.post(
        step("date"),
        {
            "first_on_site_day_day": day.day,
            "first_on_site_day_month": day.month,
            "first_on_site_day_year": day.year,
        },
    )
    assert r.status_code == 302 and r.url == step("scope")
    r = client.post(step("scope"), {"scope": "Front door and MASH", "key_lines_of_enquiry": ""})
    assert r.status_code == 302
    r = client.post(
        step("contact"), {"contact_name": "Ann Contact", "contact_email": "ann@leeds.example"}
    )
    assert r.status_code == 302 and r.url == reverse("reviews:request_check")


def test_wizard_end_to_end_books_a_free_review(client_for, officer, review):
    client = client_for(officer)
    walk_wizard(client, review)
    page = client.get(reverse("reviews:request_check"))
    text = page.content.decode()
    assert "This booking is free." in text and "Front door and MASH" in text
    r = client.post(reverse("reviews:request_check"), {})
    booking = Booking.objects.get()
    assert r.url == reverse("reviews:booking_confirmation", kwargs={"pk": booking.pk})
    assert booking.charging_basis == "free" and booking.contact_email == "ann@leeds.example"
    confirmation = client.get(r.url).content.decode()
    assert "Booking requested" in confirmation and f"B{booking.pk}" in confirmation


def test_check_page_says_when_the_next_free_review_is_and_what_it_costs(
    client_for, officer, review, booking
):
    review.subsidised_price_pence = 1250000
    review.save()
    client = client_for(officer)
    walk_wizard(client, review, day=date(2032, 6, 1))
    text = client.get(reverse("reviews:request_check")).content.decode()
    assert "This booking is not free. The next free review could start on 3 March 2034" in text
    assert (
        "Booked now, it would cost £12,500 subsidised. The whole-cost price is to be confirmed "
        "by the LGA." in text
    )
    assert "cost price to be confirmed" not in text
    r = client.post(reverse("reviews:request_check"), {})
    assert "Select subsidised or whole cost" in r.content.decode()
    r = client.post(reverse("reviews:request_check"), {"charging_basis": "whole_cost"})
    assert r.status_code == 302
    assert Booking.objects.filter(charging_basis="whole_cost").count() == 1


def test_check_page_for_a_product_with_no_free_entitlement_does_not_say_not_free(
    client_for, officer, review
):
    diagnostic = Product.objects.get(code="safeguarding_practice_diagnostic")
    client = client_for(officer)
    walk_wizard(client, diagnostic)
    text = client.get(reverse("reviews:request_check")).content.decode()
    assert "This booking is not free" not in text
    assert "has no free entitlement: whether it is free, subsidised or whole cost" in text


def test_a_past_date_is_refused(client_for, officer, review):
    client = client_for(officer)
    client.get(reverse("reviews:request_start"))
    client.post(reverse("reviews:request_step", kwargs={"step": "product"}), {"product": review.pk})
    r = client.post(
        reverse("reviews:request_step", kwargs={"step": "date"}),
        {
            "first_on_site_day_day": "1",
            "first_on_site_day_month": "1",
            "first_on_site_day_year": "2020",
        },
    )
    assert r.status_code == 200 and "must be in the future" in r.content.decode()


def test_skipping_ahead_goes_back_to_the_first_unanswered_question(client_for, officer):
    client = client_for(officer)
    client.get(reverse("reviews:request_start"))
    r = client.get(reverse("reviews:request_check"))
    assert r.url == reverse("reviews:request_step", kwargs={"step": "product"})


def test_a_person_with_two_councils_is_asked_which(client_for, officer, review):
    make_member("E08000032", "council_officer", email="officer@leeds.example")
    client = client_for(officer)
    r = client.get(reverse("reviews:request_start"))
    assert r.url == reverse("reviews:request_step", kwargs={"step": "council"})
    bradford = Council.objects.get(gss_code="E08000032")
    manchester = Council.objects.get(gss_code="E08000003")
    r = client.post(r.url, {"council": manchester.pk})
    assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
    r = client.post(
        reverse("reviews:request_step", kwargs={"step": "council"}), {"council": bradford.pk}
    )
    assert r.url == reverse("reviews:request_step", kwargs={"step": "product"})


@pytest.mark.parametrize("who", ["adviser", "no_role_user"])
def test_people_without_a_council_cannot_request(client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reviews:request_start")).status_code == 404


def test_the_list_shows_own_bookings_to_the_owner(client_for, officer, booking):
    text = client_for(officer).get(reverse("reviews:booking_list")).content.decode()
    assert "Leeds" in text and "1 booking" in text


def test_the_list_shows_every_booking_to_an_adviser(client_for, national_adviser, booking):
    text = client_for(national_adviser).get(reverse("reviews:booking_list")).content.decode()
    assert "1 booking" in text


def test_the_list_hides_other_councils_bookings(client_for, other_officer, booking):
    text = client_for(other_officer).get(reverse("reviews:booking_list")).content.decode()
    assert "No bookings found" in text


def test_the_list_filters_by_status_product_and_region(client_for, manager, booking):
    client = client_for(manager)
    assert (
        "1 booking"
        in client.get(reverse("reviews:booking_list"), {"status": "requested"}).content.decode()
    )
    assert (
        "No bookings"
        in client.get(reverse("reviews:booking_list"), {"status": "closed"}).content.decode()
    )
    assert (
        "1 booking"
        in client.get(
            reverse("reviews:booking_list"),
            {"product": "safeguarding_peer_review", "region": "E12000003"},
        ).content.decode()
    )
    assert (
        "No bookings"
        in client.get(reverse("reviews:booking_list"), {"region": "E12000002"}).content.decode()
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("regional_lead", 200),
        ("adviser", 200),
        ("other_officer", 404),
        ("other_regional_lead", 404),
        ("cib_admin", 404),
        ("no_role_user", 404),
    ],
)
def test_booking_detail_access(client_for, request, booking, who, status):
    client = client_for(request.getfixturevalue(who))
    r = client.get(reverse("reviews:booking_detail", kwargs={"pk": booking.pk}))
    assert r.status_code == status
    r = client.get(reverse("reviews:booking_confirmation", kwargs={"pk": booking.pk}))
    assert r.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("adviser", 200), ("regional_lead", 403), ("other_officer", 404)],
)
def test_reschedule_and_cancel_pages_access(client_for, request, booking, who, status):
    client = client_for(request.getfixturevalue(who))
    for name in ("reviews:booking_reschedule", "reviews:booking_cancel"):
        assert client.get(reverse(name, kwargs={"pk": booking.pk})).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("manager", 200), ("adviser", 403), ("other_officer", 404)]
)
def test_override_page_access(client_for, request, booking, who, status):
    client = client_for(request.getfixturevalue(who))
    assert (
        client.get(reverse("reviews:booking_override", kwargs={"pk": booking.pk})).status_code
        == status
    )


def test_a_charged_booking_shows_its_price_or_that_it_is_to_be_confirmed(
    client_for, officer, review, leeds, booking
):
    unpriced = booking_request(
        council=leeds,
        product=review,
        first_on_site_day=date(2032, 3, 1),
        requested_by=officer,
        charging_basis="subsidised",
    )
    assert unpriced.price_pence is None
    page = client_for(officer).get(reverse("reviews:booking_detail", kwargs={"pk": unpriced.pk}))
    text = page.content.decode()
    assert "Subsidised: price to be confirmed by the LGA" in text and "£0" not in text
    review.whole_cost_price_pence = 2_500_000
    review.save()
    priced = booking_request(
        council=leeds,
        product=review,
        first_on_site_day=date(2032, 9, 6),
        requested_by=officer,
        charging_basis="whole_cost",
    )
    page = client_for(officer).get(reverse("reviews:booking_detail", kwargs={"pk": priced.pk}))
    assert "Whole cost (£25,000)" in page.content.decode()


def test_rescheduling_into_a_clash_shows_the_entitlement_message(
    client_for, officer, review, leeds, booking
):
    later = booking_request(
        council=leeds, product=review, first_on_site_day=date(2034, 6, 1), requested_by=officer
    )
    r = client_for(officer).post(
        reverse("reviews:booking_reschedule", kwargs={"pk": later.pk}),
        {
            "first_on_site_day_day": "1",
            "first_on_site_day_month": "6",
            "first_on_site_day_year": "2033",
        },
    )
    assert r.status_code == 200 and "less than three years" in r.content.decode()
    later.refresh_from_db()
    assert later.first_on_site_day == date(2034, 6, 1)


def test_cancel_needs_a_reason_then_cancels(
    client_for, officer, booking, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    url = reverse("reviews:booking_cancel", kwargs={"pk": booking.pk})
    assert "Are you sure" in client.get(url).content.decode()
    r = client.post(url, {"reason": ""})
    assert "Enter why the booking is being cancelled" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"reason": "Our DCS has left."})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancellation_reason == "Our DCS has left."
    assert mailoutbox and "cancelled" in mailoutbox[0].subject


def test_programme_manager_grants_a_free_review_with_a_reason(
    client_for, manager, officer, review, leeds, booking
):
    paid = booking_request(
        council=leeds,
        product=review,
        first_on_site_day=date(2032, 3, 1),
        requested_by=officer,
        charging_basis="subsidised",
    )
    client = client_for(manager)
    url = reverse("reviews:booking_override", kwargs={"pk": paid.pk})
    assert "Enter why" in client.post(url, {"reason": " "}).content.decode()
    assert client.post(url, {"reason": "Statutory direction"}).status_code == 302
    paid.refresh_from_db()
    assert paid.charging_basis == "free" and paid.entitlement_override


def test_requesting_emails_the_contact_and_the_requester(
    client_for, officer, review, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    walk_wizard(client, review)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:request_check"), {})
    assert len(mailoutbox) == 1 and "requested" in mailoutbox[0].subject
    assert set(mailoutbox[0].to) == {"ann@leeds.example", "officer@leeds.example"}


def test_rescheduling_moves_the_dates_and_emails(
    client_for, adviser, booking, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(adviser).post(
            reverse("reviews:booking_reschedule", kwargs={"pk": booking.pk}),
            {
                "first_on_site_day_day": "7",
                "first_on_site_day_month": "4",
                "first_on_site_day_year": "2031",
            },
        )
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.first_on_site_day == date(2031, 4, 7)
    assert "new dates" in mailoutbox[0].subject and "7 April 2031" in mailoutbox[0].body


def test_rescheduling_to_the_same_day_is_a_form_error_with_no_history_or_email(
    client_for, adviser, booking, mailoutbox, django_capture_on_commit_callbacks
):
    from audit.models import AuditEvent

    before = AuditEvent.objects.filter(action="booking.reschedule").count()
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(adviser).post(
            reverse("reviews:booking_reschedule", kwargs={"pk": booking.pk}),
            {
                "first_on_site_day_day": "3",
                "first_on_site_day_month": "3",
                "first_on_site_day_year": "2031",
            },
        )
    text = r.content.decode()
    assert r.status_code == 200
    assert "govuk-error-summary" in text and "the same as the current one" in text
    assert "<title>Error:" in text.replace("\n", "").replace("  ", "")
    assert AuditEvent.objects.filter(action="booking.reschedule").count() == before
    assert not mailoutbox


def test_booking_history_and_its_names_write_dates_as_words(client_for, adviser, booking):
    from peerchallenge.models import DateOption

    client_for(adviser).post(
        reverse("reviews:booking_reschedule", kwargs={"pk": booking.pk}),
        {
            "first_on_site_day_day": "7",
            "first_on_site_day_month": "4",
            "first_on_site_day_year": "2031",
        },
    )
    page = client_for(adviser).get(reverse("reviews:booking_detail", kwargs={"pk": booking.pk}))
    text = page.content.decode()
    assert "from 3 March 2031, free" in text and "moved from 3 March 2031" in text
    assert "2031-03-03" not in text
    booking.refresh_from_db()
    assert str(booking).endswith(", 7 April 2031")
    option = DateOption(starts_on=date(2027, 2, 3), ends_on=date(2027, 2, 4))
    assert str(option) == "3 February 2027 to 4 February 2027"


def _to_date_step(client, review):
    client.get(reverse("reviews:request_start"))
    client.post(reverse("reviews:request_step", kwargs={"step": "product"}), {"product": review.pk})
    return reverse("reviews:request_step", kwargs={"step": "date"})


def test_a_preferred_month_is_enough(client_for, officer, review):
    client = client_for(officer)
    url = _to_date_step(client, review)
    r = client.post(url, {"preferred_month_month": "6", "preferred_month_year": "2032"})
    assert r.status_code == 302
    step = lambda s: reverse("reviews:request_step", kwargs={"step": s})  # noqa: E731
    client.post(step("scope"), {"scope": "Front door"})
    client.post(step("contact"), {"contact_name": "Ann", "contact_email": "ann@leeds.example"})
    text = client.get(reverse("reviews:request_check")).content.decode()
    assert "Preferred month" in text and "June 2032" in text and "1 June 2032" in text
    client.post(reverse("reviews:request_check"), {})
    booking = Booking.objects.get()
    assert booking.first_on_site_day == date(2032, 6, 1)
    assert "Preferred month: June 2032" in booking.scope


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Enter the first on-site day, or the month you would prefer"),
        (
            {
                "first_on_site_day_day": "1",
                "first_on_site_day_month": "6",
                "first_on_site_day_year": "2032",
                "preferred_month_month": "6",
                "preferred_month_year": "2032",
            },
            "Give either a day or a month, not both",
        ),
        ({"preferred_month_month": "13", "preferred_month_year": "2032"}, "a real month"),
        ({"preferred_month_month": "1", "preferred_month_year": "2020"}, "after this month"),
        (
            {
                "first_on_site_day_day": "31",
                "first_on_site_day_month": "2",
                "first_on_site_day_year": "2032",
            },
            "must be a real date",
        ),
    ],
)
def test_the_date_question_explains_what_is_wrong(client_for, officer, review, posted, message):
    client = client_for(officer)
    r = client.post(_to_date_step(client, review), posted)
    assert r.status_code == 200 and message in r.content.decode()


def test_a_reviewer_sees_a_booking_only_while_on_its_team(client_for, booking, manager):
    from reviews.models import Reviewer, TeamAssignment

    user = make_member("national", "peer_reviewer", email="rev@reviewers.example")
    reviewer = Reviewer.objects.create(name="Rev", email="rev@reviewers.example", user=user)
    client = client_for(user)
    url = reverse("reviews:booking_detail", kwargs={"pk": booking.pk})
    assert client.get(url).status_code == 404
    assignment = TeamAssignment.objects.create(
        booking=booking,
        reviewer=reviewer,
        reviewer_type="officer_peer",
        on_site=booking.on_site,
        assigned_by=manager,
    )
    assert client.get(url).status_code == 200
    assert "1 booking" in client.get(reverse("reviews:booking_list")).content.decode()
    assignment.is_active = False
    assignment.save()
    assert client.get(url).status_code == 404
