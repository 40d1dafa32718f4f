"""Making the data profiles of a region or of England in one action."""

import io
import zipfile

import pytest

from regions.models import Region
from reports import services
from reports.models import ReportBatch, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_national_staff_make_a_regions_profiles_in_one_action(
    national_adviser, client_for, django_capture_on_commit_callbacks
):
    yorkshire = Region.objects.get(gss_code="E12000003")
    client = client_for(national_adviser)
    assert client.get("/reports/batches/new/").status_code == 200
    with django_capture_on_commit_callbacks() as queued:
        response = client.post("/reports/batches/new/", {"region": yorkshire.pk, "confirmed": "on"})
    batch = ReportBatch.objects.get()
    assert response["Location"] == f"/reports/batches/{batch.pk}/"
    # One callback, once the batch is committed, sends the 15 tasks.
    assert batch.jobs.count() == 15 and len(queued) == 1
    assert {j.subject_council.region_id for j in batch.jobs.select_related("subject_council")} == {
        yorkshire.pk
    }
    assert not batch.jobs.filter(is_confidential=True).exists()
    page = client.get(f"/reports/batches/{batch.pk}/")
    assert b"0 of 15 ready, 15 still being made" in page.content


def test_all_england_asks_for_confirmation_with_the_count_then_makes_153_jobs(
    national_adviser, client_for, django_capture_on_commit_callbacks
):
    client = client_for(national_adviser)
    with django_capture_on_commit_callbacks() as queued:
        page = client.post("/reports/batches/new/", {"region": ""})
    # The empty form's one press makes nothing: it asks first, with the count.
    assert page.status_code == 200 and not ReportBatch.objects.exists() and not queued
    text = page.content.decode()
    assert "<title>Make 153 PDF reports? – CIB portal</title>" in text
    assert "This will make 153 PDF reports: the data profile of every council in England." in text
    assert 'class="govuk-warning-text"' in text and ">Make 153 PDF reports</button>" in text
    assert 'name="confirmed" value="on"' in text
    with django_capture_on_commit_callbacks() as queued:
        response = client.post("/reports/batches/new/", {"region": "", "confirmed": "on"})
    batch = ReportBatch.objects.get()
    assert response["Location"] == f"/reports/batches/{batch.pk}/"
    assert batch.jobs.count() == 153 and len(queued) == 1


def test_a_regions_batch_is_confirmed_with_its_count_and_can_be_changed(
    national_adviser, client_for
):
    north_east = Region.objects.get(gss_code="E12000001")
    client = client_for(national_adviser)
    text = client.post("/reports/batches/new/", {"region": north_east.pk}).content.decode()
    assert "This will make 12 PDF reports: the data profile of each council in North East." in (
        text
    )
    assert not ReportBatch.objects.exists()
    change = f"/reports/batches/new/?region={north_east.pk}"
    assert f'href="{change}"' in text
    # Changing goes back to the form with the region still chosen.
    form = client.get(change).content.decode()
    assert f'value="{north_east.pk}" selected' in form


def test_progress_and_zip_of_the_finished_profiles(national_adviser, client_for, data_set):
    batch = services.report_batch_data_profiles(
        user=national_adviser, region=Region.objects.get(gss_code="E12000001")
    )
    jobs = list(batch.jobs.select_related("subject_council").order_by("subject_council__name"))
    for job in jobs[:2]:
        services.report_render(job_id=str(job.pk))
    services.report_fail(job_id=str(jobs[2].pk), error="The report could not be made: test.")
    client = client_for(national_adviser)
    assert client.get(f"/reports/batches/{batch.pk}/status/").json() == {
        "total": 12,
        "done": 2,
        "failed": 1,
        "waiting": 9,
        "percent": 25,
    }
    response = client.get(f"/reports/batches/{batch.pk}/zip/")
    assert response["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(bundle.namelist())
    assert len(names) == 2
    assert all(bundle.read(n).startswith(b"%PDF") for n in names)
    assert jobs[0].subject_council.name.lower().split()[0] in names[0]


def test_batches_are_for_national_staff_and_only_the_requester(
    national_adviser, cib_admin, officer, regional_lead, no_role_user, client_for
):
    batch = services.report_batch_data_profiles(
        user=national_adviser, region=Region.objects.get(gss_code="E12000004")
    )
    for outsider in (officer, regional_lead, no_role_user):
        client = client_for(outsider)
        assert client.get("/reports/batches/new/").status_code == 404
        assert client.post("/reports/batches/new/", {"region": ""}).status_code == 404
        confirmed = {"region": "", "confirmed": "on"}
        assert client.post("/reports/batches/new/", confirmed).status_code == 404
        assert client.get(f"/reports/batches/{batch.pk}/").status_code == 404
    # Another member of national staff may make batches, but not see this one.
    assert client_for(cib_admin).get(f"/reports/batches/{batch.pk}/").status_code == 404
    assert client_for(cib_admin).get(f"/reports/batches/{batch.pk}/zip/").status_code == 404
    assert ReportBatch.objects.count() == 1
    with pytest.raises(services.ReportError):
        services.report_batch_data_profiles(user=officer)


def test_no_zip_before_anything_is_ready(national_adviser, client_for):
    batch = services.report_batch_data_profiles(
        user=national_adviser, region=Region.objects.get(gss_code="E12000004")
    )
    assert batch.jobs.filter(status=ReportStatus.QUEUED).count() == 10
    assert client_for(national_adviser).get(f"/reports/batches/{batch.pk}/zip/").status_code == 404
