"""axe-core on the booking pages (the request's question pages, check your answers, the
confirmation, the list, a booking and its change pages), in real Chromium."""

from __future__ import annotations

from datetime import date

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser


def _check(page, live_server, path: str, *, act=None) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    if act:
        act(page)
    assert_styled(page)
    assert_accessible(page)


def _submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def _booking(officer, *, day, charging_basis=None):
    from regions.models import Council
    from reviews.catalogue import products_sync
    from reviews.models import Product
    from reviews.services.bookings import booking_request

    products_sync()
    return booking_request(
        council=Council.objects.get(gss_code="E08000035"),
        product=Product.objects.get(code="safeguarding_peer_review"),
        first_on_site_day=day,
        requested_by=officer,
        charging_basis=charging_basis,
        contact_name="Ann Contact",
        contact_email="ann@leeds.example",
    )


def test_booking_request_pages_have_no_axe_violations(
    reference_data, signed_in_page, live_server, request
):
    officer = request.getfixturevalue("officer")
    _booking(officer, day=date(2031, 3, 3))
    page = signed_in_page(officer)
    page.goto("/reviews/bookings/new/")
    for step in ("product", "date", "scope", "contact"):
        path = f"/reviews/bookings/new/{step}/"
        _check(page, live_server, path)
        _check(page, live_server, path, act=_submit)  # the error summary and messages
    page.goto("/reviews/bookings/new/product/")
    page.get_by_label("Safeguarding peer review").check()
    _submit(page)
    page.fill("#id_first_on_site_day_0", "1")
    page.fill("#id_first_on_site_day_1", "6")
    page.fill("#id_first_on_site_day_2", "2032")
    _submit(page)
    page.get_by_label("What should the review look at?").fill("The front door")
    _submit(page)
    page.get_by_label("Full name of the council's contact").fill("Ann Contact")
    page.get_by_label("Contact's email address").fill("ann@leeds.example")
    _submit(page)
    _check(page, live_server, "/reviews/bookings/new/check/")
    assert "not free" in page.content()
    _check(page, live_server, "/reviews/bookings/new/check/", act=_submit)
    page.get_by_label("Subsidised").check()
    _submit(page)
    assert "Booking requested" in page.content()
    assert_accessible(page)


def test_booking_pages_have_no_axe_violations(reference_data, signed_in_page, live_server, request):
    from tests.factories import make_member

    officer = request.getfixturevalue("officer")
    free = _booking(officer, day=date(2031, 3, 3))
    paid = _booking(officer, day=date(2032, 3, 1), charging_basis="subsidised")
    manager = make_member("national", "programme_manager", email="pm@lga.example")
    page = signed_in_page(manager)
    for path in [
        "/reviews/bookings/",
        "/reviews/bookings/?status=requested&region=E12000003",
        f"/reviews/bookings/{free.pk}/",
        f"/reviews/bookings/{free.pk}/confirmation/",
        f"/reviews/bookings/{free.pk}/reschedule/",
        f"/reviews/bookings/{free.pk}/cancel/",
        f"/reviews/bookings/{paid.pk}/override/",
    ]:
        _check(page, live_server, path)
    _check(page, live_server, f"/reviews/bookings/{free.pk}/cancel/", act=_submit)


def test_reviewer_register_team_and_pipeline_pages_have_no_axe_violations(
    reference_data, signed_in_page, live_server, request
):
    from datetime import date as day

    from regions.models import Council
    from reviews.models import Accreditation, Reviewer
    from tests.factories import make_member

    officer = request.getfixturevalue("officer")
    booking = _booking(officer, day=day(2027, 5, 3))
    manager = make_member("national", "programme_manager", email="pm.axe@lga.example")
    reviewer_user = make_member("national", "peer_reviewer", email="rev.axe@example.org")
    reviewer = Reviewer.objects.create(
        name="Robin Reviewer",
        email="rev.axe@example.org",
        user=reviewer_user,
        home_council=Council.objects.get(gss_code="E08000003"),
        types=["lead_reviewer"],
    )
    accreditation = Accreditation.objects.create(
        reviewer=reviewer,
        reviewer_type="lead_reviewer",
        valid_from=day(2025, 1, 1),
        expires_on=day(2029, 1, 1),
    )
    page = signed_in_page(manager)
    for path in [
        "/reviewers/",
        "/reviewers/new/",
        f"/reviewers/{reviewer.pk}/",
        f"/reviewers/{reviewer.pk}/edit/",
        "/reviewers/import/",
        "/reviewers/pipeline/",
        f"/reviewers/bookings/{booking.pk}/team/",
        f"/reviewers/{reviewer.pk}/accreditation/{accreditation.pk}/remove/",
        f"/reviewers/{reviewer.pk}/unavailability/add/",
    ]:
        _check(page, live_server, path)
    _check(page, live_server, "/reviewers/new/", act=_submit)
    page = signed_in_page(reviewer_user)
    _check(page, live_server, f"/reviewers/{reviewer.pk}/")


def test_review_report_pages_have_no_axe_violations(
    reference_data, signed_in_page, live_server, request
):
    from datetime import date as day

    from reviews.models import Booking, BookingStatus
    from reviews.services.report import report_publish, report_save
    from tests.factories import make_member

    officer = request.getfixturevalue("officer")
    dcs = request.getfixturevalue("dcs")
    booking = _booking(officer, day=day(2027, 6, 7))
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.ON_SITE)
    manager = make_member("national", "programme_manager", email="pm.report.axe@lga.example")
    page = signed_in_page(manager)
    _check(page, live_server, f"/reviews/bookings/{booking.pk}/report/")
    report_save(
        booking=booking,
        author=manager,
        strengths="Strong leadership.",
        areas_for_consideration="Recording of supervision.",
        recommendations="Audit supervision quarterly.",
    )
    report_publish(booking=booking, publisher=dcs)
    page = signed_in_page(officer)
    _check(page, live_server, f"/reviews/bookings/{booking.pk}/report/")
