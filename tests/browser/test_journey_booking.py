"""Journey (a), as a new user takes it in real Chromium: a council officer signs in, follows
their home's link to book a safeguarding peer review, learns on the first page that it is free, and
books it; booking a second one, the first page now says when the next free review is and what
one costs until then, and the check page links the first. What the officer sees is asserted at
every step, and axe runs on every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import sign_in
from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

SERVICE = " – Book a review or diagnostic – CIB portal"


def _seen(page, heading: str) -> None:
    """The page is the one meant (its h1 and its title say the same), styled, and passes axe."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page).to_have_title(re.compile(re.escape(heading)))
    assert_styled(page)
    assert_accessible(page)


def _continue(page) -> None:
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def _first_on_site_day(page, day) -> None:
    page.fill("#id_first_on_site_day_0", str(day.day))
    page.fill("#id_first_on_site_day_1", str(day.month))
    page.fill("#id_first_on_site_day_2", str(day.year))


def _from_home_to_the_first_question(page, *, home_says: str) -> None:
    """Home, where the council's free review is mentioned, then its link to book one."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leeds")
    expect(page.locator("#free-review-E08000035")).to_contain_text(home_says)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Book a review or diagnostic").click()
    page.wait_for_load_state()


def test_a_council_officer_finds_out_a_review_is_free_books_it_then_learns_the_price(
    page, officer, live_server
):
    from reviews.catalogue import products_sync
    from reviews.models import Booking, Product

    products_sync()
    review = Product.objects.get(code="safeguarding_peer_review")
    review.subsidised_price_pence = 1250000  # the LGA has not set the whole-cost price
    review.save()
    officer.full_name = "Priya Shah"
    officer.save()
    today = timezone.localdate()
    first_day = today + relativedelta(months=4)
    second_day = today + relativedelta(months=8)

    sign_in(page, officer)
    expect(page).to_have_url(re.compile(r"/home/$"))
    _from_home_to_the_first_question(page, home_says="entitled to a free safeguarding peer review")

    # The first page: before any question, the answer to "is it free?".
    _seen(page, "What would you like to book?")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Leeds is entitled to a free safeguarding peer review.")
    expect(main).to_contain_text(f"{today + timedelta(days=1):%-d %B %Y}, the first day")
    _continue(page)  # nothing chosen: the error, and the title says so
    expect(page).to_have_title(re.compile(r"^Error: What would you like to book\?"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a review or diagnostic")
    assert_accessible(page)
    page.get_by_label("Safeguarding peer review").check()
    _continue(page)

    _seen(page, "When would you like the team to be on site?")
    _first_on_site_day(page, first_day)
    _continue(page)

    _seen(page, "What should the review look at?")
    page.get_by_label("What should the review look at?").fill("The front door and the MASH")
    _continue(page)

    # The contact page asks its question, filled in with the officer's own details.
    _seen(page, "Who should the LGA contact about this booking?")
    expect(page.get_by_label("Full name of the council's contact")).to_have_value("Priya Shah")
    expect(page.get_by_label("Contact's email address")).to_have_value(officer.email)
    expect(page.get_by_role("main")).to_contain_text("We have filled in your own details")
    _continue(page)

    _seen(page, "Check your answers before requesting the booking")
    cost = page.locator("#entitlement")
    expect(cost).to_contain_text("This booking is free.")
    expect(page.get_by_role("main")).to_contain_text("Priya Shah")
    expect(page.locator("#near-bookings")).to_have_count(0)
    page.get_by_role("button", name="Accept and send").click()
    page.wait_for_load_state()

    first = Booking.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text("Booking requested")
    expect(page.locator(".govuk-panel")).to_contain_text(f"B{first.pk}")
    expect(page.get_by_role("main")).to_contain_text(
        f"first on-site day {first_day:%-d %B %Y}: free"
    )
    assert_styled(page)
    assert_accessible(page)
    assert first.charging_basis == "free" and first.contact_name == "Priya Shah"

    # A second one: the first page now says when the next free review is, and the price.
    next_free = first_day + relativedelta(years=3)
    _from_home_to_the_first_question(page, home_says=f"{next_free:%-d %B %Y}")
    _seen(page, "What would you like to book?")
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        f"Leeds is not entitled to a free safeguarding peer review until {next_free:%-d %B %Y}."
    )
    expect(main).to_contain_text(
        "Booked to start before then, it would cost £12,500 subsidised. The whole-cost price "
        "is to be confirmed by the LGA."
    )
    expect(main).not_to_contain_text("cost price to be confirmed")
    blocking = main.get_by_role(
        "link", name=f"a free safeguarding peer review starting on {first_day:%-d %B %Y}"
    )
    expect(blocking).to_have_attribute("href", f"/reviews/bookings/{first.pk}/")
    page.get_by_label("Safeguarding peer review").check()
    _continue(page)

    _seen(page, "When would you like the team to be on site?")
    _first_on_site_day(page, second_day)
    _continue(page)
    _seen(page, "What should the review look at?")
    page.get_by_label("What should the review look at?").fill("Children looked after")
    _continue(page)
    _seen(page, "Who should the LGA contact about this booking?")
    _continue(page)

    _seen(page, "Check your answers before requesting the booking")
    cost = page.locator("#entitlement")
    expect(cost).to_contain_text(
        f"This booking is not free. The next free review could start on {next_free:%-d %B %Y}."
    )
    expect(cost).to_contain_text("Booked now, it would cost £12,500 subsidised.")
    near = page.locator("#near-bookings")
    expect(near.get_by_role("link")).to_have_text(
        f"Safeguarding peer review, first on-site day {first_day:%-d %B %Y}"
    )
    page.get_by_role("button", name="Accept and send").click()  # no basis chosen yet
    page.wait_for_load_state()
    expect(page).to_have_title(re.compile(r"^Error: Check your answers"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select subsidised or whole cost")
    assert_accessible(page)
    page.get_by_label("Subsidised: £12,500").check()
    page.get_by_role("button", name="Accept and send").click()
    page.wait_for_load_state()

    second = Booking.objects.exclude(pk=first.pk).get()
    expect(page.get_by_role("heading", level=1)).to_have_text("Booking requested")
    expect(page.get_by_role("main")).to_contain_text(
        f"first on-site day {second_day:%-d %B %Y}: subsidised"
    )
    assert_accessible(page)
    assert second.charging_basis == "subsidised" and second.price_pence == 1250000
