"""The data profile PDF: the same figures as the page, in a WeasyPrint PDF."""

import io

import pytest
from pypdf import PdfReader

from datasets.models import Indicator
from datasets.reports import report_request_data_profile
from regions.models import Council
from reports import permissions as report_permissions
from reports import services
from reports.models import ReportJob, ReportStatus
from tests.conftest import LEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_the_data_profile_pdf_has_the_council_and_its_key_indicators(data_set, other_officer):
    leeds = Council.objects.get(gss_code=LEEDS)
    job = report_request_data_profile(user=other_officer, council=leeds)
    services.report_render(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.status == ReportStatus.DONE
    assert report_permissions.can_view_report(other_officer, job)  # published data: any member
    text = pdf_text(job.file.read())
    assert "Data profile: Leeds" in text
    assert "Social worker turnover" in text or "turnover" in text
    assert Indicator.objects.get(code="rereferral_pct").name[:30] in text
    assert "Open Government Licence v3.0" in text
    assert "Contents" in text


def test_local_indicators_go_in_only_for_those_who_may_see_them(data_set, officer, other_officer):
    leeds = Council.objects.get(gss_code=LEEDS)
    Indicator.objects.create(
        code="leeds-fgc",
        name="Family group conferences held",
        theme="Local",
        unit="count",
        source="local",
        council=leeds,
    )
    job = report_request_data_profile(user=officer, council=leeds, include_local=True)
    services.report_render(job_id=str(job.pk))
    job.refresh_from_db()
    assert "Family group conferences held" in pdf_text(job.file.read())
    assert not report_permissions.can_view_report(other_officer, job)
    job2 = ReportJob.objects.create(
        kind="data_profile",
        requested_by=other_officer,
        subject_council=leeds,
        params={"include_local": True},
    )
    services.report_render(job_id=str(job2.pk))
    job2.refresh_from_db()
    assert "Family group conferences held" not in pdf_text(job2.file.read())
