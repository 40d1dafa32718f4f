"""The published review report's PDF follows the report's own rule: whoever may read the
published report (everyone who may see the booking, the reviewers on its team while they are
on it) may ask for it and download it; the rest get 404, as on the report."""

from datetime import date

import pytest
from django.urls import reverse

from regions.models import Council
from reports.models import ReportJob
from reports.services import report_render
from reviews.catalogue import products_sync
from reviews.models import Booking, BookingStatus, Product, Reviewer, TeamAssignment
from reviews.services.bookings import booking_request
from tests.factories import make_member

pytestmark = pytest.mark.django_db

FINDINGS = {
    "strengths": "Leaders know their services well.",
    "areas_for_consideration": "Supervision is not always recorded.",
    "recommendations": "Audit supervision records quarterly.",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(reference_data, officer, dcs, client_for):
    """Leeds' peer review, on site, its report written by the lead reviewer and published."""
    products_sync()
    booking = booking_request(
        council=Council.objects.get(gss_code="E08000035"),
        product=Product.objects.get(code="safeguarding_peer_review"),
        first_on_site_day=date(2027, 3, 1),
        requested_by=officer,
    )
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.ON_SITE)
    booking.refresh_from_db()
    user = make_member("national", "peer_reviewer", email="lead.pdf@reviewers.example")
    reviewer = Reviewer.objects.create(
        name="Lee Lead", email=user.email, user=user, types=["lead_reviewer"]
    )
    manager = make_member("national", "programme_manager", email="pm.pdf@lga.example")
    booking.assignment = TeamAssignment.objects.create(
        booking=booking,
        reviewer=reviewer,
        reviewer_type="lead_reviewer",
        on_site=booking.on_site,
        assigned_by=manager,
    )
    booking.lead = user
    url = f"/reviews/bookings/{booking.pk}/report/"
    assert client_for(user).post(url, FINDINGS).status_code == 302
    assert client_for(dcs).post(f"{url}publish/").status_code == 302
    return booking


def _ask_and_download(client, booking):
    """(report page, PDF request, download) status codes; the job is made by the real
    renderer."""
    url = f"/reviews/bookings/{booking.pk}/report/"
    page = client.get(url)
    asked = client.post(f"{url}pdf/")
    if asked.status_code != 302:
        return page.status_code, asked.status_code, None
    job = ReportJob.objects.filter(kind="review_report").latest("created_at")
    report_render(job_id=str(job.pk))
    downloaded = client.get(reverse("reports:job_download", args=[job.pk]))
    assert b"Download as PDF" in page.content
    return page.status_code, asked.status_code, downloaded.status_code


@pytest.mark.parametrize("who", ["officer", "lead", "regional_lead", "adviser"])
def test_who_reads_the_published_report_gets_its_pdf(who, published, request, client_for):
    user = published.lead if who == "lead" else request.getfixturevalue(who)
    assert _ask_and_download(client_for(user), published) == (200, 302, 200)


@pytest.mark.parametrize("who", ["other_officer", "cib_admin", "other_regional_lead"])
def test_who_cannot_read_the_report_gets_404_on_its_pdf(who, published, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert _ask_and_download(client, published) == (404, 404, None)
    assert not ReportJob.objects.exists()


def test_a_reviewer_taken_off_the_team_loses_the_report_and_its_pdf(published, client_for):
    client = client_for(published.lead)
    url = f"/reviews/bookings/{published.pk}/report/"
    assert client.post(f"{url}pdf/").status_code == 302
    job = ReportJob.objects.get(kind="review_report")
    report_render(job_id=str(job.pk))
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 200
    TeamAssignment.objects.filter(pk=published.assignment.pk).update(is_active=False)
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
