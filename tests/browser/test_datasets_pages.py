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
    from datasets.services import datasets_load

    if not Observation.objects.exists():
        datasets_load()


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
