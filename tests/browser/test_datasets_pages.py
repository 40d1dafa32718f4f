"""axe-core on every data page (indicators, an indicator, a council's data profile, compare,
"why these neighbours", comparison groups, the indicator editor), in real Chromium.

The live server's database is flushed after each test, so the pages are checked in one test
per user, which loads the data set once (loading it takes a while) and then visits each page.
"""

from __future__ import annotations

import pytest

from tests.conftest import LEEDS

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser


@pytest.fixture
def live_data_set(reference_data):
    from datasets.models import Observation
    from tests.database import restore_data_set

    if not Observation.objects.exists():
        restore_data_set()


def _group(officer):
    from datasets.models import ComparisonGroup
    from regions.models import Council

    group = ComparisonGroup.objects.create(owner=officer, name="Northern cities")
    group.councils.set(Council.objects.filter(gss_code__in=["E08000032", "E08000003"]))
    return group


def _check(page, live_server, path: str, *, status: int = 200, act=None) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path}: HTTP {response.status}"
    if act:
        act(page)
    assert page.url.removeprefix(live_server.url).split("?")[0] == path.split("?")[0]
    assert_styled(page)
    assert_accessible(page)
    return [path]


def _submit_empty(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_data_pages_for_a_council_officer_have_no_axe_violations(
    live_data_set, signed_in_page, live_server, request
):
    officer = request.getfixturevalue("officer")
    group = _group(officer)
    page = signed_in_page(officer)
    for path in [
        "/data/indicators/",
        "/data/indicators/?theme=Social+work+workforce&key=true",
        "/data/indicators/?q=zzzz",
        "/data/indicators/?page=2",
        "/data/indicators/sw_turnover_pct/",
        "/data/indicators/cin_awaiting_assessment_count/?period=2025&sort=-value",
        f"/data/councils/{LEEDS}/",
        f"/data/councils/{LEEDS}/compare/",
        f"/data/councils/{LEEDS}/compare/?group=custom-{group.pk}&theme=Children+looked+after",
        f"/data/councils/{LEEDS}/neighbours/",
        "/data/groups/",
        "/data/groups/new/",
        f"/data/groups/{group.pk}/",
        f"/data/groups/{group.pk}/delete/",
    ]:
        _check(page, live_server, path)
    _check(page, live_server, "/data/groups/new/", act=_submit_empty)


def test_indicator_editor_has_no_axe_violations(
    live_data_set, signed_in_page, live_server, request
):
    page = signed_in_page(request.getfixturevalue("cib_admin"))
    _check(page, live_server, "/data/indicators/sw_caseload/edit/")

    def clear_name_and_save(p) -> None:
        p.get_by_label("Name").fill("")
        _submit_empty(p)

    _check(page, live_server, "/data/indicators/sw_caseload/edit/", act=clear_name_and_save)


def test_local_indicator_pages_have_no_axe_violations(
    reference_data, signed_in_page, live_server, request
):
    from datasets import services
    from datasets.services import areas_sync
    from regions.models import Council

    officer = request.getfixturevalue("officer")
    areas_sync()
    indicator = services.local_indicator_create(
        actor=officer,
        council=Council.objects.get(gss_code=LEEDS),
        name="Visits within 5 working days",
        unit="percentage",
        polarity="higher",
        definition="Statutory visits to children in care made within 5 working days.",
    )
    page = signed_in_page(officer)
    base = f"/data/local/{indicator.pk}"
    for path in [
        "/data/local/",
        "/data/local/new/",
        f"{base}/",
        f"{base}/edit/",
        f"{base}/values/new/",
        f"{base}/values/upload/",
        f"{base}/delete/",
    ]:
        _check(page, live_server, path)
    _check(page, live_server, "/data/local/new/", act=_submit_empty)
    _check(page, live_server, f"{base}/values/new/", act=_submit_empty)


def test_import_and_batch_pages_for_national_staff_have_no_axe_violations(
    reference_data, signed_in_page, live_server, request
):
    from datasets.models import ImportRun, ImportStatus
    from regions.models import Council, Region
    from reports.models import ReportBatch, ReportJob, ReportStatus

    admin = request.getfixturevalue("cib_admin")
    done = ImportRun.objects.create(
        filename="b1.csv",
        status=ImportStatus.SUCCEEDED,
        rows_read=2132,
        created=6396,
        outcomes={"Former councils, stored as historic areas": {"Cumbria (909)": 11}},
        started_by=admin,
        progress=100,
    )
    refused = ImportRun.objects.create(
        filename="bad.csv",
        status=ImportStatus.FAILED,
        started_by=admin,
        errors=["Line 3, column rate_per_10000: 'abc' is not a number or a suppression symbol."],
    )
    waiting = ImportRun.objects.create(
        filename="big.csv", status=ImportStatus.RUNNING, started_by=admin
    )
    # Rows made directly: nothing is queued, since no worker runs in this test.
    region = Region.objects.get(gss_code="E12000001")
    batch = ReportBatch.objects.create(kind="data_profile", requested_by=admin, region=region)
    for i, council in enumerate(Council.objects.filter(region=region)):
        ReportJob.objects.create(
            kind="data_profile",
            requested_by=admin,
            batch=batch,
            subject_council=council,
            status=ReportStatus.FAILED if i == 0 else ReportStatus.QUEUED,
            error="The report could not be made: test." if i == 0 else "",
        )
    page = signed_in_page(admin)
    for path in [
        "/data/imports/",
        "/data/imports/new/",
        f"/data/imports/{done.pk}/",
        f"/data/imports/{refused.pk}/",
        f"/data/imports/{waiting.pk}/",
        "/reports/",
        "/reports/batches/new/",
        f"/reports/batches/{batch.pk}/",
    ]:
        _check(page, live_server, path)
    _check(page, live_server, "/data/imports/new/", act=_submit_empty)
