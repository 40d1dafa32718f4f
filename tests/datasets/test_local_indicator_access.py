"""Who reads a council's unshared local indicators (issue 11, item 6).

The council's own people, its region's leads and the advisers covering its region; nobody
else: not the regional programme managers (of its region or another), not the national
programme manager, not the CIB administrator (the reasons are in access.py). Tested in threes
(owner, permitted, outsider) on the page, the CSV, the API and the data profile PDF.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from datasets import services
from regions.models import Council
from reports import permissions as report_permissions
from reports import services as report_services
from reports.models import ReportJob
from tests.conftest import LEEDS, NORTH_WEST, YORKSHIRE
from tests.factories import make_member

pytestmark = pytest.mark.empty_data_set

NAME = "Visits within 5 days"

PEOPLE = {
    # the owner
    "officer": lambda: make_member(LEEDS, "council_officer", email="o@leeds.example"),
    # permitted
    "regional_lead": lambda: make_member(YORKSHIRE, "regional_lead_dcs", email="l@y.example"),
    "adviser": lambda: make_member(YORKSHIRE, "principal_adviser", email="a@lga.example"),
    "national_adviser": lambda: make_member("national", "improvement_adviser", email="n@lga"),
    # outsiders
    "regional_pm": lambda: make_member(
        YORKSHIRE, "regional_programme_manager", email="pm@y.example"
    ),
    "other_regional_pm": lambda: make_member(
        NORTH_WEST, "regional_programme_manager", email="pm@nw.example"
    ),
    "programme_manager": lambda: make_member("national", "programme_manager", email="pm@lga"),
    "cib_admin": lambda: make_member("national", "cib_admin", email="admin@cib.example"),
    "other_officer": lambda: make_member("E08000003", "council_officer", email="o@mcr.example"),
}
ALLOWED = {"officer", "regional_lead", "adviser", "national_adviser"}


@pytest.fixture
def leeds(reference_data):
    services.areas_sync()
    return Council.objects.get(gss_code=LEEDS)


@pytest.fixture
def indicator(leeds):
    owner = make_member(LEEDS, "dcs", email="dcs@leeds.example")
    ind = services.local_indicator_create(
        actor=owner, council=leeds, name=NAME, unit="percentage", polarity="higher"
    )
    services.local_value_set(actor=owner, indicator=ind, period="2024-25", value="81.5")
    return ind


@pytest.fixture(params=sorted(PEOPLE))
def person(request, reference_data):
    return request.param, PEOPLE[request.param]()


def test_the_page_and_the_indicator_page(client_for, indicator, leeds, person):
    who, user = person
    client = client_for(user)
    expected = 200 if who in ALLOWED else 404
    assert client.get(reverse("datasets:local:detail", args=[indicator.pk])).status_code == expected
    detail = client.get(reverse("datasets:indicator_detail", args=[indicator.code]))
    assert detail.status_code == expected
    profile = client.get(reverse("datasets:profile", args=[LEEDS]))
    assert profile.status_code == 200
    assert (NAME in profile.content.decode()) == (who in ALLOWED)
    listing = client.get(reverse("datasets:local:list"))
    assert listing.status_code == 200
    assert (NAME in listing.content.decode()) == (who in ALLOWED)


def test_the_csv(client_for, indicator, person):
    who, user = person
    response = client_for(user).get(reverse("datasets:indicator_csv", args=[indicator.code]))
    assert response.status_code == (200 if who in ALLOWED else 404)
    if who in ALLOWED:
        assert "81.5" in response.content.decode()


def test_the_api(client_for, indicator, person):
    who, user = person
    client = client_for(user)
    listed = client.get("/api/v1/indicators/", {"search": "Visits"})
    assert listed.status_code == 200
    codes = {row["code"] for row in listed.json()["results"]}
    assert (indicator.code in codes) == (who in ALLOWED)
    one = client.get(f"/api/v1/indicators/{indicator.code}/")
    assert one.status_code == (200 if who in ALLOWED else 404)
    figures = client.get("/api/v1/observations/", {"indicator": indicator.code, "area": LEEDS})
    assert figures.status_code == (200 if who in ALLOWED else 400)
    assert ("81.5" in figures.content.decode()) == (who in ALLOWED)


def test_the_profile_pdf(client_for, indicator, leeds, person):
    """Asking for the PDF includes the local indicators only for those who may see them, and a
    PDF that includes them is downloaded only by them."""
    who, user = person
    response = client_for(user).post(reverse("datasets:profile_pdf", args=[LEEDS]))
    assert response.status_code == 302
    job = ReportJob.objects.filter(requested_by=user).latest("created_at")
    assert job.is_confidential == (who in ALLOWED)
    confidential = ReportJob.objects.create(
        kind="data_profile",
        requested_by=user,
        subject_council=leeds,
        is_confidential=True,
        params={"include_local": True},
    )
    assert report_permissions.can_view_report(user, confidential) == (who in ALLOWED)


def test_the_pdf_renderer_leaves_them_out_for_the_programme_manager(settings, tmp_path, leeds):
    settings.MEDIA_ROOT = tmp_path
    services.local_indicator_create(
        actor=make_member(LEEDS, "dcs", email="dcs2@leeds.example"),
        council=leeds,
        name=NAME,
        unit="percentage",
        polarity="higher",
    )
    manager = PEOPLE["programme_manager"]()
    job = ReportJob.objects.create(
        kind="data_profile",
        requested_by=manager,
        subject_council=leeds,
        params={"include_local": True},
    )
    report_services.report_render(job_id=str(job.pk))
    job.refresh_from_db()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "Data profile: Leeds" in " ".join(text.split())
    assert NAME not in " ".join(text.split())
