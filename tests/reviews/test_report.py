"""The review report: drafted by the lead reviewer, published by the council, as a PDF."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from regions.models import Council
from reports.models import ReportJob
from reports.services import report_render
from reviews.catalogue import products_sync
from reviews.models import Booking, BookingStatus, Product, Reviewer, TeamAssignment
from reviews.services.bookings import booking_request
from tests.factories import make_member
from tests.reviews.helpers import assemble_team

pytestmark = pytest.mark.django_db

FINDINGS = {
    "strengths": "Leaders know their services well.",
    "areas_for_consideration": "Supervision is not always recorded.",
    "recommendations": "Audit supervision records quarterly.",
}


@pytest.fixture
def on_site(reference_data, officer):
    products_sync()
    booking = booking_request(
        council=Council.objects.get(gss_code="E08000035"),
        product=Product.objects.get(code="safeguarding_peer_review"),
        first_on_site_day=date(2027, 3, 1),
        requested_by=officer,
    )
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.ON_SITE)
    booking.refresh_from_db()
    return booking


@pytest.fixture
def lead(on_site):
    user = make_member("national", "peer_reviewer", email="lead.reviewer@example.org")
    reviewer = Reviewer.objects.create(
        name="Lee Lead", email=user.email, user=user, types=["lead_reviewer"]
    )
    manager = make_member("national", "programme_manager", email="pm.report@lga.example")
    TeamAssignment.objects.create(
        booking=on_site,
        reviewer=reviewer,
        reviewer_type="lead_reviewer",
        on_site=on_site.on_site,
        assigned_by=manager,
    )
    return user


def test_lead_reviewer_drafts_and_the_dcs_publishes(on_site, lead, dcs, officer, client_for):
    url = f"/reviews/bookings/{on_site.pk}/report/"
    assert client_for(lead).post(url, FINDINGS).status_code == 302
    on_site.refresh_from_db()
    assert on_site.status == BookingStatus.REPORT_DRAFTED
    # A draft: the DCS reads it to publish it; other council staff do not see it yet.
    assert client_for(officer).get(url).status_code == 404
    page = client_for(dcs).get(url)
    assert b"Supervision is not always recorded." in page.content and b"Publish" in page.content
    assert client_for(dcs).post(f"{url}publish/").status_code == 302
    on_site.refresh_from_db()
    assert on_site.status == BookingStatus.REPORT_PUBLISHED
    assert b"Audit supervision records" in client_for(officer).get(url).content


def test_published_report_for_council_region_lead_adviser_and_outsider(
    on_site, lead, dcs, officer, regional_lead, adviser, other_officer, no_role_user, client_for
):
    url = f"/reviews/bookings/{on_site.pk}/report/"
    client_for(lead).post(url, FINDINGS)
    client_for(dcs).post(f"{url}publish/")
    for permitted in (officer, regional_lead, adviser, lead):
        assert client_for(permitted).get(url).status_code == 200
    for outsider in (other_officer, no_role_user):
        assert client_for(outsider).get(url).status_code == 404


def test_only_the_lead_reviewer_or_programme_manager_writes_it(on_site, lead, dcs, client_for):
    url = f"/reviews/bookings/{on_site.pk}/report/"
    assert client_for(dcs).post(url, FINDINGS).status_code == 404
    on_site.refresh_from_db()
    assert on_site.status == BookingStatus.ON_SITE


def test_an_incomplete_report_cannot_be_published(on_site, lead, dcs, client_for):
    url = f"/reviews/bookings/{on_site.pk}/report/"
    client_for(lead).post(url, {**FINDINGS, "recommendations": ""})
    response = client_for(dcs).post(f"{url}publish/", follow=True)
    assert b"needs strengths, areas for consideration and recommendations" in response.content
    on_site.refresh_from_db()
    assert on_site.status == BookingStatus.REPORT_DRAFTED


def test_the_published_report_pdf_renders(
    on_site, lead, dcs, officer, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    url = f"/reviews/bookings/{on_site.pk}/report/"
    client_for(lead).post(url, FINDINGS)
    assert client_for(officer).post(f"{url}pdf/").status_code == 404  # not published yet
    client_for(dcs).post(f"{url}publish/")
    with django_capture_on_commit_callbacks() as queued:
        response = client_for(officer).post(f"{url}pdf/")
    assert response.status_code == 302 and len(queued) == 1
    job = ReportJob.objects.get(kind="review_report")
    assert job.is_confidential
    report_render(job_id=str(job.pk))
    job.refresh_from_db()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    text = " ".join(text.split())
    assert "Leeds" in text and "Leaders know their services well." in text
    assert "Lee Lead" in text


def test_scheduling_into_a_full_week_is_refused(reference_data, officer):
    from reviews.services import capacity, lifecycle
    from reviews.services.bookings import BookingError

    products_sync()
    manager = make_member("national", "programme_manager", email="pm.cap@lga.example")
    capacity.weekly_cap_set(cap=1, actor=manager)
    diagnostic = Product.objects.get(code="safeguarding_practice_diagnostic")

    def booked(gss, day):
        return booking_request(
            council=Council.objects.get(gss_code=gss),
            product=diagnostic,
            first_on_site_day=day,
            requested_by=officer,
            charging_basis="subsidised",
        )

    def advance(booking, *steps):
        for step in steps:
            lifecycle.booking_advance(booking=booking, to_status=step, actor=manager)

    first, second = booked("E08000035", date(2027, 9, 6)), booked("E08000032", date(2027, 9, 8))
    assemble_team(first, by=manager)
    advance(first, "scoping", "team_assembled", "scheduled")
    assemble_team(second, by=manager)
    advance(second, "scoping", "team_assembled")
    with pytest.raises(BookingError, match="cannot be scheduled: 1 other review is already"):
        advance(second, "scheduled")
    second.refresh_from_db()
    assert second.status == BookingStatus.TEAM_ASSEMBLED
    capacity.weekly_cap_set(cap=2, actor=manager)
    advance(second, "scheduled")
