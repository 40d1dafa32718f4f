"""The booking request says what it costs before it asks anything: on its first page whether
the council is entitled to a free review, and if not when it next is and what a review costs
until then (the catalogue's prices; "to be confirmed" only where the LGA has set none). The
check page links the council's bookings near the date asked for; the contact page starts with
the signed-in person's details; each page's title is its heading."""

import html
import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Product
from reviews.services.bookings import booking_cancel, booking_request, charged_price_sentence
from tests.factories import make_member

pytestmark = pytest.mark.django_db

BANNED = "cost price to be confirmed"


@pytest.fixture
def review(reference_data):
    products_sync()
    return Product.objects.get(code="safeguarding_peer_review")


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code="E08000035")


def step(slug):
    return reverse("reviews:request_step", kwargs={"step": slug})


def book(council, product, day, user, **kw):
    return booking_request(
        council=council, product=product, first_on_site_day=day, requested_by=user, **kw
    )


def first_page(client) -> str:
    r = client.get(reverse("reviews:request_start"))
    return client.get(r.url).content.decode()


def words(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def title_and_h1(text: str) -> tuple[str, str]:
    title = html.unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1)).strip()
    h1 = words(re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1))
    return " ".join(title.split()), h1


def test_the_first_page_says_a_council_with_no_free_review_is_entitled(client_for, officer, review):
    text = first_page(client_for(officer))
    tomorrow = timezone.localdate() + timedelta(days=1)
    said = words(text)
    assert "Leeds is entitled to a free safeguarding peer review." in said
    assert "the first day one could start" in said and f"{tomorrow:%-d %B %Y}" in said
    # Before the question.
    assert text.index("is entitled to a free") < text.index('name="product"')


def test_the_first_page_says_when_the_next_free_review_is_and_what_it_costs(
    client_for, officer, review, leeds
):
    review.subsidised_price_pence, review.whole_cost_price_pence = 1250000, 3000000
    review.save()
    ahead = book(leeds, review, timezone.localdate() + relativedelta(months=8), officer)
    next_free = ahead.first_on_site_day + relativedelta(years=3)
    text = first_page(client_for(officer))
    said = words(text)
    assert (
        f"Leeds is not entitled to a free safeguarding peer review until {next_free:%-d %B %Y}."
        in said
    )
    assert (
        "Booked to start before then, it would cost £12,500 subsidised or £30,000 at whole cost."
        in said
    )
    assert reverse("reviews:booking_detail", kwargs={"pk": ahead.pk}) in text
    assert f"starting on {ahead.first_on_site_day:%-d %B %Y}, already booked." in said
    assert text.index("not entitled") < text.index('name="product"')


def test_a_past_free_review_is_said_to_be_less_than_three_years_ago(
    client_for, officer, review, leeds
):
    past = book(leeds, review, timezone.localdate() - relativedelta(years=1), officer)
    said = words(first_page(client_for(officer)))
    assert f"starting on {past.first_on_site_day:%-d %B %Y}, less than three years ago." in said


def test_with_no_prices_set_the_first_page_says_so_in_english(client_for, officer, review, leeds):
    book(leeds, review, timezone.localdate() + relativedelta(months=8), officer)
    said = words(first_page(client_for(officer)))
    assert (
        "Booked to start before then, it would be charged subsidised or at whole cost, at a "
        "price to be confirmed by the LGA." in said
    )
    assert BANNED not in said


def test_a_cancelled_free_review_shows_the_council_entitled_again(
    client_for, officer, review, leeds
):
    ahead = book(leeds, review, timezone.localdate() + relativedelta(months=8), officer)
    booking_cancel(booking=ahead, reason="Inspection came first", cancelled_by=officer)
    assert "Leeds is entitled to a free" in words(first_page(client_for(officer)))


def test_a_free_review_booked_far_ahead_is_linked_with_the_last_day_a_free_one_can_start(
    client_for, officer, review, leeds
):
    later = book(leeds, review, timezone.localdate() + relativedelta(years=3, months=6), officer)
    text = first_page(client_for(officer))
    said = words(text)
    free_by = later.first_on_site_day - relativedelta(years=3)
    assert "Leeds is entitled to a free safeguarding peer review." in said
    assert f"another free one must start on or before {free_by:%-d %B %Y}" in said
    assert reverse("reviews:booking_detail", kwargs={"pk": later.pk}) in text


def test_someone_with_two_councils_sees_each_councils_entitlement_first(
    client_for, officer, review, leeds
):
    make_member("E08000032", "council_officer", email="officer@leeds.example")
    book(leeds, review, timezone.localdate() + relativedelta(months=8), officer)
    text = first_page(client_for(officer))
    said = words(text)
    assert "Leeds is not entitled to a free safeguarding peer review until" in said
    assert "Bradford is entitled to a free safeguarding peer review." in said
    assert text.index("Bradford is entitled") < text.index('name="council"')


def test_the_price_sentence_names_only_the_missing_price_as_to_be_confirmed(review):
    review.subsidised_price_pence = 1250050
    assert charged_price_sentence(review) == (
        "Booked now, it would cost £12,500.50 subsidised. The whole-cost price is to be "
        "confirmed by the LGA."
    )
    review.whole_cost_price_pence = 2000000
    assert charged_price_sentence(review) == (
        "Booked now, it would cost £12,500.50 subsidised or £20,000 at whole cost."
    )
    review.charging_options = ["free", "whole_cost"]
    review.whole_cost_price_pence = None
    assert charged_price_sentence(review) == (
        "Booked now, it would be charged at whole cost, at a price to be confirmed by the LGA."
    )


def answer_up_to_contact(client, review, day):
    client.get(reverse("reviews:request_start"))
    client.post(step("product"), {"product": review.pk})
    client.post(
        step("date"),
        {
            "first_on_site_day_day": day.day,
            "first_on_site_day_month": day.month,
            "first_on_site_day_year": day.year,
        },
    )
    client.post(step("scope"), {"scope": "The front door", "key_lines_of_enquiry": ""})


def test_the_contact_page_asks_its_question_and_starts_with_the_persons_details(
    client_for, officer, review
):
    officer.full_name = "Olive Officer"
    officer.save()
    client = client_for(officer)
    answer_up_to_contact(client, review, date(2031, 3, 3))
    text = client.get(step("contact")).content.decode()
    title, h1 = title_and_h1(text)
    assert h1 == "Who should the LGA contact about this booking?"
    assert title.startswith(h1 + " – ")
    assert 'value="Olive Officer"' in text and 'value="officer@leeds.example"' in text
    # Once answered, the answer is kept, not the person's details.
    client.post(step("contact"), {"contact_name": "Ann", "contact_email": "ann@leeds.example"})
    text = client.get(step("contact")).content.decode()
    assert 'value="Ann"' in text and "Olive Officer" not in text


@pytest.mark.parametrize("slug", ["product", "date", "scope", "contact"])
def test_each_question_pages_title_is_its_heading_and_says_error_when_it_failed(
    client_for, officer, review, slug
):
    client = client_for(officer)
    answer_up_to_contact(client, review, date(2031, 3, 3))
    title, h1 = title_and_h1(client.get(step(slug)).content.decode())
    assert title == f"{h1} – Book a review or diagnostic – CIB portal"
    data = {"contact_name": "", "contact_email": ""} if slug == "contact" else {}
    failed, _h1 = title_and_h1(client.post(step(slug), data).content.decode())
    assert failed == f"Error: {h1} – Book a review or diagnostic – CIB portal"


def test_the_check_page_links_the_councils_bookings_near_the_date_and_no_others(
    client_for, officer, review, leeds
):
    diagnostic = Product.objects.get(code="safeguarding_practice_diagnostic")
    day = date(2031, 3, 3)
    near = book(leeds, diagnostic, day + timedelta(days=40), officer)
    far = book(leeds, diagnostic, day + timedelta(days=400), officer)
    gone = book(leeds, diagnostic, day - timedelta(days=20), officer)
    booking_cancel(booking=gone, reason="Not needed", cancelled_by=officer)
    bradford = Council.objects.get(gss_code="E08000032")
    elsewhere = book(bradford, diagnostic, day, officer)
    client = client_for(officer)
    answer_up_to_contact(client, review, day)
    client.post(step("contact"), {"contact_name": "Ann", "contact_email": "ann@leeds.example"})
    text = client.get(reverse("reviews:request_check")).content.decode()
    title, h1 = title_and_h1(text)
    assert title == f"{h1} – Book a review or diagnostic – CIB portal"
    link = lambda b: reverse("reviews:booking_detail", kwargs={"pk": b.pk})  # noqa: E731
    assert "bookings near this date" in text and link(near) in text
    assert f"first on-site day {near.first_on_site_day:%-d %B %Y}" in words(text)
    for other in (far, gone, elsewhere):
        assert link(other) not in text


def test_the_check_page_links_the_free_review_that_stops_this_one(
    client_for, officer, review, leeds
):
    blocking = book(leeds, review, date(2030, 1, 6), officer)
    client = client_for(officer)
    answer_up_to_contact(client, review, date(2032, 6, 1))
    client.post(step("contact"), {"contact_name": "Ann", "contact_email": "ann@leeds.example"})
    text = client.get(reverse("reviews:request_check")).content.decode()
    assert "View the free safeguarding peer review starting on 6 January 2030" in text
    assert reverse("reviews:booking_detail", kwargs={"pk": blocking.pk}) in text
    assert BANNED not in words(text)
