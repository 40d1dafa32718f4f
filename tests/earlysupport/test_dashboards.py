"""The early support dashboards: what each audience sees (advisers nationally or for their
regions, regional leads, a council's senior leaders, and a 404 for everyone else), the figures
(risk levels from open flags, Ofsted outcomes, interventions, the review pipeline, peer challenge
coverage, devolved funds use) and the council lists they link to, the CSV, the PDF, and a number
of SQL queries that does not grow with councils or flags."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateRange
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earlysupport.models import Flag, Intervention
from earlysupport.selectors.dashboards import current_financial_year
from regions.models import Council, Region
from tests.conftest import BRADFORD, LEEDS, MANCHESTER, NORTH_WEST, YORKSHIRE
from tests.factories import make_member

pytestmark = pytest.mark.django_db

URL = "/early-support/"
CSV_URL = "/early-support/councils.csv"
PDF_URL = "/early-support/pdf/"


def council(code):
    return Council.objects.get(gss_code=code)


def flag(code, rule, *, status="open", summary=None):
    return Flag.objects.create(
        council=council(code),
        rule=rule,
        severity=rule.severity,
        status=status,
        summary=summary or f"{rule.name} at {council(code).name}",
        raised_at=timezone.now(),
        closed_at=timezone.now() if status == "closed" else None,
    )


def _pm():
    from accounts.models import User

    user = User.objects.filter(email="pm@lga.example").first()
    return user or make_member("national", "programme_manager", email="pm@lga.example")


def booking(code, status, days_ahead=30):
    from reviews.catalogue import products_sync
    from reviews.models import Booking, Product

    products_sync()
    product = Product.objects.get(code="lscb_diagnostic")
    first = timezone.localdate() + timedelta(days=days_ahead)
    return Booking.objects.create(
        council=council(code),
        product=product,
        status=status,
        first_on_site_day=first,
        on_site=DateRange(first, first + timedelta(days=product.on_site_days)),
        charging_basis="subsidised",
        requested_by=_pm(),
    )


def published_programme(region_code, councils, *, year=None):
    from peerchallenge.models import Participant, Programme

    year = year if year is not None else current_financial_year()
    programme = Programme.objects.create(
        region=Region.objects.get(gss_code=region_code),
        year=year,
        model="pairs",
        starts_on=timezone.datetime(year, 4, 1).date(),
        ends_on=timezone.datetime(year + 1, 3, 31).date(),
        status="published",
        created_by=_pm(),
    )
    for code in councils:
        Participant.objects.create(programme=programme, council=council(code))
    return programme


def agreement(region_code, allocated, approved, paid):
    from funds.models import Allocation, FundingAgreement

    a = FundingAgreement.objects.create(
        region=Region.objects.get(gss_code=region_code),
        financial_year=current_financial_year(),
        created_by=_pm(),
    )
    Allocation.objects.create(
        agreement=a,
        purpose="early_support",
        amount_pence=allocated,
        approved_pence=approved,
        paid_pence=paid,
    )
    return a


def inadequate(code):
    from regions.models import OfstedInspection

    c = council(code)
    today = timezone.localdate()
    inspection = OfstedInspection.objects.create(
        council=c,
        inspection_date=today - timedelta(days=10),
        publication_date=today - timedelta(days=5),
        inspection_type="ILACS",
        overall="inadequate",
        leadership="inadequate",
        help_and_protection="inadequate",
        children_in_care="inadequate",
    )
    c.latest_inspection = inspection
    c.save(update_fields=["latest_inspection"])


@pytest.fixture
def picture(risk_rules):
    """Leeds red (two open flags, one closed), Bradford amber, Manchester amber; Leeds in
    intervention and in Yorkshire's published programme; bookings; a Yorkshire agreement."""
    leeds_red = flag(LEEDS, risk_rules["in-intervention"], summary="Leeds is in intervention")
    flag(LEEDS, risk_rules["workforce-pressure"], status="acknowledged")
    flag(LEEDS, risk_rules["deterioration"], status="closed", summary="Old closed worry")
    flag(BRADFORD, risk_rules["leadership-instability"], summary="Bradford has had three DCSs")
    flag(MANCHESTER, risk_rules["ofsted-requires-improvement"], summary="Manchester RI")
    Intervention.objects.create(
        council=council(LEEDS),
        kind="improvement_notice",
        starts_on=timezone.localdate() - timedelta(days=60),
    )
    # Ended: not in force.
    Intervention.objects.create(
        council=council(BRADFORD),
        kind="statutory_direction",
        starts_on=timezone.localdate() - timedelta(days=600),
        ends_on=timezone.localdate() - timedelta(days=100),
    )
    booking(LEEDS, "scheduled")
    booking(BRADFORD, "requested", days_ahead=60)
    booking(MANCHESTER, "scheduled", days_ahead=90)
    published_programme(YORKSHIRE, [LEEDS])
    agreement(YORKSHIRE, 10_000_00, 2_500_00, 1_000_00)
    inadequate(BRADFORD)
    return {"leeds_red": leeds_red}


def _rows(response):
    return {r.name: r for r in response.context["rows"]}


# --- Who sees what --------------------------------------------------------------------------


def test_national_adviser_sees_every_region(client_for, national_adviser, picture):
    response = client_for(national_adviser).get(URL)
    assert response.status_code == 200
    assert response.context["audience"].is_national
    rows = _rows(response)
    assert len(rows) == Council.objects.count()
    assert rows["Leeds"].level == "red"
    assert rows["Manchester"].level == "amber"
    html = response.content.decode()
    assert 'id="england-summary"' in html
    assert "Manchester RI" in html


def test_regional_adviser_sees_their_region(client_for, adviser, picture):
    response = client_for(adviser).get(URL)
    assert response.status_code == 200
    assert response.context["audience"].kind == "adviser"
    rows = _rows(response)
    yorkshire = Council.objects.filter(region__gss_code=YORKSHIRE).count()
    assert len(rows) == yorkshire
    assert "Manchester" not in rows
    assert "Manchester RI" not in response.content.decode()
    assert 'id="england-summary"' not in response.content.decode()


def test_regional_lead_sees_their_region_without_national_cards(client_for, regional_lead, picture):
    response = client_for(regional_lead).get(URL)
    assert response.status_code == 200
    assert response.context["audience"].kind == "regional"
    rows = _rows(response)
    assert "Leeds" in rows and "Manchester" not in rows
    html = response.content.decode()
    assert 'id="england-summary"' not in html
    assert ">England<" not in html
    assert "Leeds is in intervention" in html
    assert "Manchester RI" not in html


def test_other_regional_lead_sees_only_north_west(client_for, other_regional_lead, picture):
    response = client_for(other_regional_lead).get(URL)
    assert response.status_code == 200
    rows = _rows(response)
    assert "Manchester" in rows and "Leeds" not in rows
    assert "Leeds is in intervention" not in response.content.decode()


@pytest.mark.parametrize("who", ["dcs", "lead_member"])
def test_senior_leaders_see_their_own_flags_only(client_for, request, who, picture):
    user = request.getfixturevalue(who)
    response = client_for(user).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Leeds is in intervention" in html
    assert "Old closed worry" in html  # closed flags listed separately
    assert "Bradford has had three DCSs" not in html
    assert "Manchester" not in html
    assert "Risk level" in html and "govuk-tag--red" in html
    assert f"/early-support/flags/{picture['leeds_red'].pk}/" in html
    # No councils table, no CSV or PDF for them.
    assert 'id="councils-table"' not in html
    assert client_for(user).get(CSV_URL).status_code == 404
    assert client_for(user).post(PDF_URL).status_code == 404


def test_senior_leader_without_flags_sees_empty_state(client_for, dcs, risk_rules):
    response = client_for(dcs).get(URL)
    assert response.status_code == 200
    assert "Your council has no open risk flags." in response.content.decode()


@pytest.mark.parametrize("who", ["officer", "other_officer", "cib_admin", "no_role_user"])
def test_outsiders_get_404(client_for, request, who, picture):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(URL).status_code == 404
    assert client.get(CSV_URL).status_code == 404
    assert client.post(PDF_URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(client_for, picture):
    client = client_for(None)
    for response in (client.get(URL), client.get(CSV_URL), client.post(PDF_URL)):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- The figures ----------------------------------------------------------------------------


def _summary(response, region_code=None):
    picture = response.context["picture"]
    if region_code is None:
        return picture.total
    return next(s for s in picture.by_region if s.region.gss_code == region_code)


def test_risk_levels_counts_and_scores(client_for, national_adviser, picture, risk_rules):
    response = client_for(national_adviser).get(URL)
    rows = _rows(response)
    leeds = rows["Leeds"]
    # The closed flag does not count; acknowledged does.
    assert (leeds.open_flags, leeds.red_flags, leeds.amber_flags) == (2, 1, 1)
    assert leeds.score == risk_rules["in-intervention"].weight + (
        risk_rules["workforce-pressure"].weight
    )
    assert {r.summary for r in leeds.reasons} == {
        "Leeds is in intervention",
        f"{risk_rules['workforce-pressure'].name} at Leeds",
    }
    assert rows["Bradford"].level == "amber"
    assert rows["Wakefield"].level == "none"
    yorkshire = _summary(response, YORKSHIRE)
    assert yorkshire.levels["red"] == 1 and yorkshire.levels["amber"] == 1
    assert yorkshire.levels["none"] == yorkshire.councils - 2
    total = _summary(response)
    assert total.levels["red"] == 1 and total.levels["amber"] == 2
    # Red councils come first in the table.
    assert response.context["rows"][0].name == "Leeds"
    # A council with no open flags says so in the table, never a bare "None".
    html = response.content.decode()
    assert 'govuk-tag--grey">No open flags</strong>' in html
    assert ">None</strong>" not in html


def test_person_raised_flag_counts_with_weight_one(client_for, national_adviser, risk_rules):
    Flag.objects.create(
        council=council(BRADFORD),
        severity="red",
        summary="Worried after a visit",
        raised_at=timezone.now(),
        raised_by=national_adviser,
        rationale="What I saw on a visit.",
    )
    rows = _rows(client_for(national_adviser).get(URL))
    assert rows["Bradford"].level == "red" and rows["Bradford"].score == 1


def test_ofsted_interventions_pipeline_challenge_funds(client_for, national_adviser, picture):
    response = client_for(national_adviser).get(URL)
    yorkshire = _summary(response, YORKSHIRE)
    expected_inadequate = Council.objects.filter(
        region__gss_code=YORKSHIRE, latest_inspection__overall="inadequate"
    ).count()
    assert expected_inadequate >= 1
    assert yorkshire.judgements["inadequate"] == expected_inadequate
    assert sum(yorkshire.judgements.values()) == yorkshire.councils
    # Interventions in force: Leeds only (Bradford's has ended).
    assert yorkshire.in_intervention == 1
    assert [i["row"].name for i in response.context["picture"].interventions] == ["Leeds"]
    # The pipeline: Leeds scheduled, Bradford requested; Manchester elsewhere.
    assert yorkshire.stages == {"requested": 1, "scheduled": 1, "on_site": 0, "reporting": 0}
    assert _summary(response).stages["scheduled"] == 2
    # Peer challenge coverage.
    assert yorkshire.challenge_covered == 1
    assert yorkshire.challenge_none == yorkshire.councils - 1
    assert _summary(response, NORTH_WEST).challenge_covered == 0
    # Devolved funds.
    assert (yorkshire.allocated_pence, yorkshire.approved_pence, yorkshire.paid_pence) == (
        1_000_000,
        250_000,
        100_000,
    )
    assert yorkshire.percent_used == 25
    assert _summary(response, NORTH_WEST).percent_used is None
    html = response.content.decode()
    assert "£10,000" in html and "25%" in html


def test_last_years_programme_does_not_count(client_for, national_adviser, risk_rules):
    published_programme(YORKSHIRE, [LEEDS], year=current_financial_year() - 1)
    response = client_for(national_adviser).get(URL)
    assert _summary(response, YORKSHIRE).challenge_covered == 0


@pytest.mark.parametrize(
    "query,expected",
    [
        ("level=red", {"Leeds"}),
        ("level=amber", {"Bradford", "Manchester"}),
        ("level=amber&region=" + YORKSHIRE, {"Bradford"}),
        ("intervention=1", {"Leeds"}),
        ("pipeline=scheduled", {"Leeds", "Manchester"}),
        ("pipeline=requested", {"Bradford"}),
        ("challenge=covered", {"Leeds"}),
        ("flags=1", {"Leeds", "Bradford", "Manchester"}),
        ("flags=1&region=" + NORTH_WEST, {"Manchester"}),
    ],
)
def test_filters_list_the_councils_behind_the_figures(
    client_for, national_adviser, picture, query, expected
):
    response = client_for(national_adviser).get(f"{URL}?{query}")
    assert set(_rows(response)) == expected
    html = response.content.decode()
    for name in expected:
        assert f">{name}<" in html


def test_judgement_filter_and_not_in_programme(client_for, national_adviser, picture):
    response = client_for(national_adviser).get(f"{URL}?judgement=inadequate&region={YORKSHIRE}")
    names = set(_rows(response))
    assert "Bradford" in names
    assert names == set(
        Council.objects.filter(
            region__gss_code=YORKSHIRE, latest_inspection__overall="inadequate"
        ).values_list("name", flat=True)
    )
    response = client_for(national_adviser).get(f"{URL}?challenge=none&region={YORKSHIRE}")
    names = set(_rows(response))
    assert "Leeds" not in names and "Bradford" in names


def test_figures_link_to_filtered_lists(client_for, national_adviser, picture):
    html = client_for(national_adviser).get(URL).content.decode()
    assert f'href="?region={YORKSHIRE}&amp;level=red#councils"' in html
    assert f'href="?region={YORKSHIRE}&amp;judgement=inadequate#councils"' in html
    assert 'href="?intervention=1#councils"' in html
    assert f'href="?region={YORKSHIRE}&amp;pipeline=scheduled#councils"' in html
    assert f'href="?region={YORKSHIRE}&amp;challenge=none#councils"' in html


def test_filters_outside_the_users_regions_are_ignored(client_for, regional_lead, picture):
    response = client_for(regional_lead).get(f"{URL}?region={NORTH_WEST}&flags=1")
    assert set(_rows(response)) == {"Leeds", "Bradford"}


def test_no_match_empty_state(client_for, regional_lead, picture):
    response = client_for(regional_lead).get(f"{URL}?pipeline=on_site")
    assert 'id="councils-empty"' in response.content.decode()


# --- CSV ------------------------------------------------------------------------------------


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_follows_filters_and_scope(client_for, national_adviser, regional_lead, picture):
    response = client_for(national_adviser).get(f"{CSV_URL}?level=amber")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:4] == ["Council code", "Council", "Region", "Risk level"]
    assert {r[1] for r in rows[1:]} == {"Bradford", "Manchester"}
    rows = _csv(client_for(regional_lead).get(CSV_URL))
    names = {r[1] for r in rows[1:]}
    assert "Leeds" in names and "Manchester" not in names
    leeds = next(r for r in rows if r[1] == "Leeds")
    assert leeds[3] == "Red" and leeds[4] == "2" and "Leeds is in intervention" in leeds[8]


def test_csv_guards_against_formulae(client_for, national_adviser, risk_rules):
    flag(LEEDS, risk_rules["deterioration"], summary='=HYPERLINK("http://x")')
    rows = _csv(client_for(national_adviser).get(f"{CSV_URL}?flags=1"))
    leeds = next(r for r in rows if r[1] == "Leeds")
    assert leeds[8].startswith("'=")


# --- Query counts ---------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_flags(client_for, national_adviser, risk_rules):
    client = client_for(national_adviser)
    flag(LEEDS, risk_rules["in-intervention"])
    booking(LEEDS, "scheduled")
    few = _queries(client, URL)
    # Many more flags, councils flagged, bookings, interventions.
    codes = list(Council.objects.values_list("gss_code", flat=True)[:60])
    for i, code in enumerate(codes):
        flag(code, risk_rules["workforce-pressure"])
        flag(code, risk_rules["deterioration"])
        Intervention.objects.create(
            council=council(code), kind="improvement_notice", starts_on=timezone.localdate()
        )
        if code != LEEDS:
            booking(code, "requested", days_ahead=10 + i)
    published_programme(YORKSHIRE, [LEEDS, BRADFORD])
    agreement(YORKSHIRE, 100, 50, 10)
    many = _queries(client, URL)
    assert many == few
    assert many <= 20


def test_senior_leader_query_count_does_not_grow(client_for, dcs, risk_rules):
    client = client_for(dcs)
    flag(LEEDS, risk_rules["in-intervention"])
    few = _queries(client, URL)
    for code in ("workforce-pressure", "deterioration", "leadership-instability"):
        flag(LEEDS, risk_rules[code])
    assert _queries(client, URL) == few


# --- PDF ------------------------------------------------------------------------------------


def _job_from(response):
    from reports.models import ReportJob

    assert response.status_code == 302
    job_id = response["Location"].rstrip("/").split("/")[-1]
    return ReportJob.objects.get(pk=job_id)


def test_pdf_for_england_renders(
    client_for, national_adviser, picture, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    from reports import permissions as report_permissions
    from reports.services import report_render

    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(national_adviser).post(PDF_URL)
    job = _job_from(response)
    assert job.kind == "risk_dashboard" and job.params == {"region_id": None}
    assert job.is_confidential
    job = report_render(job_id=str(job.pk))
    assert job.status == "done"
    text = "".join(page.extract_text() for page in PdfReader(job.file.open("rb")).pages)
    assert "England" in text
    assert "Leeds" in text and "Leeds is in intervention" in text
    assert "Red councils: 1." in text
    assert report_permissions.can_view_report(national_adviser, job)


def test_pdf_for_a_region(
    client_for,
    regional_lead,
    other_regional_lead,
    adviser,
    picture,
    django_capture_on_commit_callbacks,
):
    from pypdf import PdfReader

    from reports import permissions as report_permissions
    from reports.services import report_render

    yorkshire = Region.objects.get(gss_code=YORKSHIRE)
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(regional_lead).post(PDF_URL)
    job = _job_from(response)
    assert job.params == {"region_id": yorkshire.pk}
    job = report_render(job_id=str(job.pk))
    text = "".join(page.extract_text() for page in PdfReader(job.file.open("rb")).pages)
    assert "Yorkshire" in text and "Bradford" in text
    assert "Manchester" not in text
    assert report_permissions.can_view_report(regional_lead, job)
    # A lead may not ask for England or another region.
    client = client_for(regional_lead)
    assert client.post(PDF_URL, {"region": NORTH_WEST}).status_code == 404
    # Nor may another region's lead.
    assert client_for(other_regional_lead).post(PDF_URL, {"region": YORKSHIRE}).status_code == 404
    # A regional adviser may ask for their region.
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(adviser).post(PDF_URL, {"region": YORKSHIRE})
    assert _job_from(response).params == {"region_id": yorkshire.pk}


def test_pdf_requires_post(client_for, national_adviser, picture):
    assert client_for(national_adviser).get(PDF_URL).status_code == 405


def test_councils_table_is_paginated_and_csv_has_all(client_for, national_adviser, picture):
    client = client_for(national_adviser)
    response = client.get(URL)
    html = response.content.decode()
    assert html.count('<th scope="row" class="govuk-table__header">') >= 50
    assert "1 to 50 shown" in html
    assert 'class="govuk-pagination"' in html
    last = client.get(f"{URL}?page=4").content.decode()
    assert "151 to 153 shown" in last
    rows = _csv(client.get(CSV_URL))
    assert len(rows) == 1 + Council.objects.count()


# --- Pipeline counts say what they count ----------------------------------------------------


def test_a_councils_pipeline_counts_are_labelled(
    client_for, national_adviser, picture, django_capture_on_commit_callbacks
):
    booking(LEEDS, "scheduled", days_ahead=120)  # Leeds: two bookings scheduled
    client = client_for(national_adviser)
    leeds = _rows(client.get(URL))["Leeds"]
    assert leeds.pipeline_label == "Team assembled or scheduled: 2 bookings"
    assert _rows(client.get(URL))["Bradford"].pipeline_label == "Requested or scoping: 1 booking"
    html = client.get(URL).content.decode()
    assert "Reviews: Team assembled or scheduled: 2 bookings" in html
    rows = {r["Council"]: r for r in csv.DictReader(io.StringIO(client.get(CSV_URL).text))}
    assert rows["Leeds"]["Review pipeline"] == "Team assembled or scheduled: 2 bookings"
    # The PDF's pipeline table: bookings and councils, not bare numbers.
    from pypdf import PdfReader

    from reports.services import report_render

    with django_capture_on_commit_callbacks(execute=False):
        job = _job_from(client.post(PDF_URL))
    job = report_render(job_id=str(job.pk))
    text = " ".join("".join(p.extract_text() for p in PdfReader(job.file.open("rb")).pages).split())
    pipeline = text[text.index("Review and diagnostic pipeline") : text.index("Devolved funds")]
    assert "Yorkshire and The Humber 1 booking, 1 council 2 bookings, 1 council" in pipeline
