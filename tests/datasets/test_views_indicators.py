"""The indicator catalogue, an indicator's page, its CSV, and national staff's edits."""

import csv
import io

import pytest

from audit.models import AuditEvent
from datasets.models import Indicator, Observation
from regions.models import Council
from tests.conftest import LEEDS, MANCHESTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def manchester_local(data_set, reference_data):
    return Indicator.objects.create(
        code="mcr-early-help",
        name="Manchester early help reviews",
        theme="Local",
        unit="count",
        source="local",
        council=Council.objects.get(gss_code=MANCHESTER),
    )


# --- who may look ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/data/indicators/",
        "/data/indicators/cla_rate_per_10k/",
        "/data/indicators/cla_rate_per_10k/csv/",
    ],
)
def test_members_see_the_data_pages_others_get_404_and_anonymous_sign_in(
    path, data_set, officer, no_role_user, client_for
):
    assert client_for(officer).get(path).status_code == 200
    assert client_for(no_role_user).get(path).status_code == 404
    response = client_for(None).get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the catalogue ---------------------------------------------------------------------------


def test_catalogue_shows_unit_polarity_source_and_latest_period(data_set, officer, client_for):
    page = client_for(officer).get("/data/indicators/?q=cla_rate_per_10k").content.decode()
    assert "Children looked after" in page
    assert "Rate per 10,000 children" in page and "2025" in page


def test_catalogue_filters_by_theme_key_and_search(data_set, officer, client_for):
    client = client_for(officer)
    workforce = client.get("/data/indicators/?theme=Social+work+workforce").context["total"]
    assert workforce == Indicator.objects.filter(theme="Social work workforce").count()
    assert client.get("/data/indicators/?key=true").context["total"] == 12
    found = client.get("/data/indicators/?q=turnover").context["indicators"]
    assert "sw_turnover_pct" in {i.code for i in found}
    lower = client.get("/data/indicators/?polarity=lower").context["indicators"]
    assert all(i.polarity == "lower" for i in lower)


def test_a_councils_local_indicator_is_hidden_from_other_councils(
    manchester_local, officer, other_officer, client_for
):
    assert client_for(officer).get("/data/indicators/?q=mcr-early-help").context["total"] == 0
    assert client_for(officer).get("/data/indicators/mcr-early-help/").status_code == 404
    assert client_for(other_officer).get("/data/indicators/?q=mcr-early-help").context["total"] == 1
    manchester_local.is_shared = True
    manchester_local.save()
    assert client_for(officer).get("/data/indicators/?q=mcr-early-help").context["total"] == 1


def test_catalogue_query_count_does_not_grow_with_rows(
    data_set, officer, client_for, django_assert_max_num_queries
):
    client = client_for(officer)
    client.get("/data/indicators/")
    with django_assert_max_num_queries(8):
        client.get("/data/indicators/")


# --- an indicator's figures ------------------------------------------------------------------


def test_indicator_page_lists_every_council_with_rank_quartile_and_published_figures(
    data_set, officer, client_for, django_assert_max_num_queries
):
    client = client_for(officer)
    with django_assert_max_num_queries(10):
        response = client.get("/data/indicators/sw_turnover_pct/?period=2025")
    figures = response.context["figures"]
    assert len(figures.rows) == Council.objects.count()
    assert figures.compared + figures.left_out == len(figures.rows)
    ranked = [r for r in figures.rows if r["national_rank"]]
    assert ranked == sorted(ranked, key=lambda r: r["national_rank"])  # default: by rank
    best = ranked[0]
    lowest = min(r["value"] for r in ranked)  # lower is better
    assert best["value"] == lowest and best["quartile"] == "A"
    page = response.content.decode()
    assert "Yorkshire and The Humber" in page and "England" in page
    assert "<svg" in page and 'role="img"' in page


def test_suppressed_figures_are_shown_with_their_meaning_never_as_zero(
    data_set, officer, client_for
):
    obs = (
        Observation.objects.select_related("area", "period")
        .filter(
            symbol="c", indicator__code="cin_awaiting_assessment_count", area__council__isnull=False
        )
        .first()
    )
    response = client_for(officer).get(
        f"/data/indicators/cin_awaiting_assessment_count/?period={obs.period.label}&sort=council"
    )
    row = next(r for r in response.context["figures"].rows if r["gss_code"] == obs.area.code)
    assert (row["value"], row["symbol"], row["national_rank"]) == (None, "c", None)
    page = response.content.decode()
    assert "c – confidential" in page
    # A council left out of the ranking has no band, and the cell says so in words.
    assert row["band_cell"] == "Not banded"
    assert ">Not banded</td>" in page
    assert ">None</td>" not in page


def test_sorting_by_value_descending(data_set, officer, client_for):
    rows = (
        client_for(officer)
        .get("/data/indicators/cla_rate_per_10k/?sort=-value")
        .context["figures"]
        .rows
    )
    values = [r["value"] for r in rows if r["value"] is not None]
    assert values == sorted(values, reverse=True)


def test_unknown_period_is_404(data_set, officer, client_for):
    assert (
        client_for(officer).get("/data/indicators/cla_rate_per_10k/?period=1066").status_code == 404
    )


def test_csv_has_a_bom_the_columns_and_every_council(data_set, officer, client_for):
    response = client_for(officer).get(
        "/data/indicators/cin_awaiting_assessment_count/csv/?period=2025"
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0]) == [
        "gss_code",
        "la_number",
        "council",
        "region",
        "period",
        "time_identifier",
        "value",
        "symbol",
        "symbol_meaning",
        "national_rank",
        "quartile",
    ]
    assert len(rows) == Council.objects.count()
    leeds = next(r for r in rows if r["gss_code"] == LEEDS)
    assert leeds["council"] == "Leeds" and leeds["period"] == "2025"
    suppressed = [r for r in rows if r["symbol"] == "c"]
    assert suppressed and all(r["value"] == "" and r["national_rank"] == "" for r in suppressed)
    assert suppressed[0]["symbol_meaning"].startswith("Confidential")


# --- national staff's edits ------------------------------------------------------------------


def test_national_staff_edit_an_indicator_and_the_change_is_audited(
    data_set, cib_admin, client_for
):
    client = client_for(cib_admin)
    assert client.get("/data/indicators/sw_caseload/edit/").status_code == 200
    response = client.post(
        "/data/indicators/sw_caseload/edit/",
        {
            "name": "Average caseload of children's social workers",
            "theme": "Social work workforce",
            "definition": "Cases per social worker.",
            "polarity": "lower",
            "is_key": "on",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="sw_caseload")
    assert indicator.name == "Average caseload of children's social workers"
    event = AuditEvent.objects.get(action="indicator.update", object_id=str(indicator.pk))
    assert event.actor == cib_admin and "name" in event.before and "name" in event.after


def test_edit_shows_validation_messages(data_set, cib_admin, client_for):
    response = client_for(cib_admin).post("/data/indicators/sw_caseload/edit/", {"name": ""})
    assert response.status_code == 200
    assert "Enter the indicator&#x27;s name" in response.content.decode()


def test_people_who_are_not_national_staff_cannot_edit(
    data_set, officer, regional_lead, no_role_user, client_for
):
    for user in (officer, regional_lead, no_role_user):
        assert client_for(user).get("/data/indicators/sw_caseload/edit/").status_code == 404
        assert client_for(user).post("/data/indicators/sw_caseload/edit/", {}).status_code == 404
