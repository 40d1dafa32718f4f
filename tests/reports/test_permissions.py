"""Who may see a report (reports.permissions.can_view_report): its pages and download for the
person who asked, a colleague and an outsider."""

import pytest

from regions.models import Council
from reports.models import ReportJob, ReportStatus

pytestmark = pytest.mark.django_db


def _job(user, status=ReportStatus.DONE):
    from django.core.files.base import ContentFile

    job = ReportJob.objects.create(
        kind="council_profile",
        requested_by=user,
        subject_council=Council.objects.get(gss_code="E08000035"),
        status=status,
        progress=100,
    )
    job.file.save("test.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return job


@pytest.mark.parametrize("suffix", ["", "status/", "download/"])
def test_report_pages_for_owner_colleague_and_outsider(
    suffix, officer, dcs, other_officer, no_role_user, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    job = _job(officer)
    path = f"/reports/{job.pk}/{suffix}"
    assert client_for(officer).get(path).status_code == 200
    # Reports are for the person who asked: a colleague at the same council and an outsider
    # both get 404.
    assert client_for(dcs).get(path).status_code == 404
    assert client_for(other_officer).get(path).status_code == 404
    assert client_for(no_role_user).get(path).status_code == 404


def test_report_download_is_the_pdf_as_an_attachment(officer, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = _job(officer)
    response = client_for(officer).get(f"/reports/{job.pk}/download/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
