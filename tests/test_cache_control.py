"""Responses for a signed-in person are `Cache-Control: private, no-store` (issue 11, item 12):
a confidential page, a CSV, a PDF download and an API response; public pages and static files
keep their own caching, and so does a view that sets its own."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from cib_portal.caching import PrivateNoStoreMiddleware
from earlysupport.models import Flag
from regions.models import Council
from reports.models import ReportJob
from tests.conftest import LEEDS

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


@pytest.fixture
def flag(reference_data):
    from earlysupport.defaults import rules_sync
    from earlysupport.models import Rule

    rules_sync()
    rule = Rule.objects.get(code="deterioration")
    return Flag.objects.create(
        council=Council.objects.get(gss_code=LEEDS),
        rule=rule,
        severity=rule.severity,
        summary="Leeds: re-referrals rising for three years",
        raised_at=timezone.now(),
    )


def test_a_confidential_page(client_for, national_adviser, flag):
    response = client_for(national_adviser).get(f"/early-support/flags/{flag.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_csv(client_for, national_adviser, flag):
    response = client_for(national_adviser).get("/early-support/flags/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == PRIVATE


def test_a_pdf_download(client_for, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ReportJob.objects.create(
        kind="council_profile",
        requested_by=officer,
        subject_council=Council.objects.get(gss_code=LEEDS),
        status="done",
    )
    job.file.save("profile.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    response = client_for(officer).get(f"/reports/{job.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("how", ["session", "api client"])
def test_an_api_response(client_for, national_adviser, flag, how):
    if how == "session":
        client = client_for(national_adviser)
    else:
        client = APIClient()
        client.force_authenticate(national_adviser)
    response = client.get("/api/v1/risk-flags/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_public_pages_and_static_files_are_left_alone(client_for, reference_data):
    client = client_for(None)
    assert PRIVATE not in client.get("/healthz/").get("Cache-Control", "")
    assert PRIVATE not in client.get("/accounts/login/").get("Cache-Control", "")


def test_a_view_that_chose_its_caching_keeps_it(officer):
    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=60"
        return response

    request = RequestFactory().get("/somewhere/")
    request.user = officer
    assert PrivateNoStoreMiddleware(view)(request)["Cache-Control"] == "public, max-age=60"
    static = RequestFactory().get("/static/govuk/all.css")
    static.user = officer
    assert not PrivateNoStoreMiddleware(lambda r: HttpResponse("x"))(static).has_header(
        "Cache-Control"
    )
