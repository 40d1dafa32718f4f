"""A council's data profile, the compare page and "why these neighbours"."""

import pytest

from datasets.models import Indicator
from regions.models import Council, StatisticalNeighbour
from reports.models import ReportJob
from tests.conftest import LEEDS

pytestmark = pytest.mark.django_db

PROFILE = f"/data/councils/{LEEDS}/"


@pytest.fixture
def leeds_local(data_set, reference_data):
    return Indicator.objects.create(
        code="leeds-family-group-conferences",
        name="Family group conferences held",
        theme="Local",
        unit="count",
        source="local",
        council=Council.objects.get(gss_code=LEEDS),
    )


@pytest.mark.parametrize("path", [PROFILE, f"{PROFILE}compare/", f"{PROFILE}neighbours/"])
def test_council_data_pages_are_for_members(
    path, data_set, other_officer, no_role_user, client_for
):
    assert client_for(other_officer).get(path).status_code == 200
    assert client_for(no_role_user).get(path).status_code == 404
    response = client_for(None).get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_council_is_404(data_set, officer, client_for):
    assert client_for(officer).get("/data/councils/E99999999/").status_code == 404


def test_profile_has_every_key_indicator_by_theme_in_few_queries(
    data_set, officer, client_for, django_assert_max_num_queries
):
    client = client_for(officer)
    with django_assert_max_num_queries(15):
        response = client.get(PROFILE)
    themes = response.context["themes"]
    items = [item for block in themes for item in block["items"]]
    assert len(items) == Indicator.objects.filter(is_key=True, council__isnull=True).count()
    for item in items:
        assert item["c"].group_size == 10
        assert item["direction_words"]
        assert len(item["trend_rows"]) == len(item["c"].trend)
    page = response.content.decode()
    assert "Social worker turnover" in page or "turnover" in page.lower()
    assert "of 10 with a value" in page
    assert page.count('role="img"') == len(items)
    assert "Download as PDF" in page


def test_the_sources_line_does_not_count_derived_indicators_as_dfe_sources(
    data_set, officer, client_for
):
    response = client_for(officer).get(PROFILE)
    assert "Derived in the portal" not in response.context["sources"]
    assert response.context["sources"]  # the census and returns DfE publishes
    assert response.context["derived"]  # the key rates are worked out in the portal
    page = response.content.decode()
    sources = page[page.index('id="sources"') :]
    sources = sources[: sources.index("</p>")]
    assert "Derived in the portal" not in sources
    assert "Some figures are worked out in the portal" in sources


def test_profile_shows_local_indicators_to_the_councils_staff_only(
    leeds_local, officer, other_officer, no_role_user, client_for
):
    assert "Family group conferences held" in client_for(officer).get(PROFILE).content.decode()
    assert (
        "Family group conferences held"
        not in client_for(other_officer).get(PROFILE).content.decode()
    )
    assert client_for(no_role_user).get(PROFILE).status_code == 404


def test_asking_for_the_pdf_queues_a_published_data_job(
    data_set, other_officer, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(other_officer).post(f"{PROFILE}pdf/")
    job = ReportJob.objects.get()
    assert response["Location"] == f"/reports/{job.pk}/"
    assert (job.kind, job.is_confidential, job.subject_council.gss_code) == (
        "data_profile",
        False,
        LEEDS,
    )
    assert len(callbacks) == 1


def test_a_pdf_with_local_indicators_is_confidential(
    leeds_local, officer, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        client_for(officer).post(f"{PROFILE}pdf/")
    job = ReportJob.objects.get()
    assert job.is_confidential and job.params == {"include_local": True}


def test_pdf_request_is_post_only_and_for_members(data_set, officer, no_role_user, client_for):
    assert client_for(officer).get(f"{PROFILE}pdf/").status_code == 405
    assert client_for(no_role_user).post(f"{PROFILE}pdf/").status_code == 404
    assert not ReportJob.objects.exists()


def test_compare_defaults_to_statistical_neighbours_and_key_indicators(
    data_set, officer, client_for, django_assert_max_num_queries
):
    client = client_for(officer)
    with django_assert_max_num_queries(15):
        response = client.get(f"{PROFILE}compare/")
    assert response.context["group_label"].startswith("Statistical neighbours")
    assert len(response.context["members"]) == 10
    assert len(response.context["rows"]) == 12


@pytest.mark.parametrize(
    ("group", "expected"),
    [("region", "Yorkshire"), ("england", None), ("type", None)],
)
def test_compare_with_other_groups(group, expected, data_set, officer, client_for):
    leeds = Council.objects.get(gss_code=LEEDS)
    response = client_for(officer).get(
        f"{PROFILE}compare/?group={group}&theme=Social+work+workforce"
    )
    members = response.context["members"]
    assert leeds not in members
    if group == "region":
        assert all(m.region_id == leeds.region_id for m in members)
    if group == "england":
        assert len(members) == Council.objects.count() - 1
    if group == "type":
        assert all(m.type == leeds.type for m in members)
    rows = response.context["rows"]
    assert rows and all(r["c"].indicator.theme == "Social work workforce" for r in rows)
    assert all(r["c"].group_size == len(members) for r in rows)


def test_neighbours_page_explains_each_official_neighbour(data_set, officer, client_for):
    response = client_for(officer).get(f"{PROFILE}neighbours/")
    x = response.context["x"]
    official = list(
        StatisticalNeighbour.objects.filter(council__gss_code=LEEDS)
        .order_by("rank")
        .values_list("neighbour__name", flat=True)
    )
    assert [n.council.name for n in x.official] == official
    assert len(x.portal_top) == 10
    assert [n.portal_rank for n in x.portal_top] == list(range(1, 11))
    assert all(len(n.differences) == len(x.variables) for n in x.official)
    assert len(x.variables) == 5
    page = response.content.decode()
    assert "deprivation" in page and "Euclidean" in page


def test_z_scores_and_distances():
    from datasets.neighbours import distances, z_scores

    z, avg, sd = z_scores({1: 1.0, 2: 3.0}, [1, 2, 3])
    assert (avg, sd) == (2.0, 1.0)
    assert z == {1: -1.0, 2: 1.0, 3: 0.0}  # missing: the mean
    d = distances({1: [0.0, 0.0], 2: [3.0, 4.0], 3: [1.0, 0.0]}, 1)
    assert d == {2: 5.0, 3: 1.0}
