"""Funding agreement pages: recording and changing an agreement, its signed document, and its
budget page with the chart's monthly series and the CSV export; who may open each."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from funds.models import Allocation, FundingAgreement, SpendEvidence, SpendRequest
from funds.selectors import current_financial_year, monthly_series
from funds.services import (
    agreement_update,
    spend_request_approve,
    spend_request_mark_paid,
)
from tests.conftest import NORTH_WEST, YORKSHIRE
from tests.factories import make_member

from .conftest import ALLOCATIONS

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pdf(name: str = "signed.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def north_west_pm(reference_data):
    return make_member(NORTH_WEST, "regional_programme_manager", email="pm@northwest.example")


def _people(request, names):
    return {name: request.getfixturevalue(name) for name in names}


VIEWERS = ["cib_admin", "national_adviser", "adviser", "regional_lead", "programme_manager"]
OUTSIDERS = ["other_regional_lead", "officer", "north_west_pm"]


def _form_data(**overrides) -> dict:
    data = {
        "region": YORKSHIRE,
        "financial_year": "2028",
        "allocation_project_management": "50000.00",
        "allocation_peer_challenger_training": "20000",
        "allocation_peer_challenge_programme": "30,000.50",
        "allocation_early_support": "0.05",
        "terms": "Deliver the programme.",
        "threshold": "5000",
        "signed_on_day": "27",
        "signed_on_month": "3",
        "signed_on_year": "2028",
    }
    data.update(overrides)
    return data


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VIEWERS)
def test_budget_page_and_export_open_to_the_regions_people_and_national_staff(
    name, request, client_for, agreement
):
    client = client_for(request.getfixturevalue(name))
    assert client.get(f"/funds/agreements/{agreement.pk}/").status_code == 200
    response = client.get(f"/funds/agreements/{agreement.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("name", OUTSIDERS)
def test_budget_page_export_and_document_are_404_for_outsiders(
    name, request, client_for, agreement, cib_admin
):
    agreement_update(user=cib_admin, agreement=agreement, signed_document=_pdf())
    client = client_for(request.getfixturevalue(name))
    for path in ("", "export/", "document/", "edit/", "?format=csv"):
        url = f"/funds/agreements/{agreement.pk}/{path}"
        assert client.get(url).status_code == 404, url


def test_pages_redirect_anonymous_people_to_sign_in(client_for, agreement):
    client = client_for(None)
    for url in (
        "/funds/",
        "/funds/export/",
        "/funds/agreements/new/",
        f"/funds/agreements/{agreement.pk}/",
        f"/funds/agreements/{agreement.pk}/edit/",
        f"/funds/agreements/{agreement.pk}/document/",
        f"/funds/agreements/{agreement.pk}/export/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("cib_admin", 200),
        ("national_adviser", 403),
        ("adviser", 403),
        ("regional_lead", 403),
        ("programme_manager", 403),
        ("other_regional_lead", 403),
        ("officer", 404),
    ],
)
def test_only_the_cib_administrator_records_agreements(name, status, request, client_for):
    client = client_for(request.getfixturevalue(name))
    assert client.get("/funds/agreements/new/").status_code == status
    if status != 200:
        assert client.post("/funds/agreements/new/", _form_data()).status_code == status
        assert not FundingAgreement.objects.filter(financial_year=2028).exists()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("cib_admin", 200),
        ("national_adviser", 403),
        ("adviser", 403),
        ("regional_lead", 403),
        ("programme_manager", 403),
    ],
)
def test_only_the_cib_administrator_changes_an_agreement(
    name, status, request, client_for, agreement
):
    client = client_for(request.getfixturevalue(name))
    url = f"/funds/agreements/{agreement.pk}/edit/"
    assert client.get(url).status_code == status
    if status != 200:
        response = client.post(url, {**_form_data(), "terms": "Changed"})
        assert response.status_code == status
        agreement.refresh_from_db()
        assert agreement.terms != "Changed"


@pytest.mark.parametrize("name", VIEWERS)
def test_signed_document_downloads_as_a_pdf_attachment(
    name, request, client_for, agreement, cib_admin
):
    agreement_update(user=cib_admin, agreement=agreement, signed_document=_pdf())
    response = client_for(request.getfixturevalue(name)).get(
        f"/funds/agreements/{agreement.pk}/document/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_document_is_404_when_none_is_uploaded(client_for, cib_admin, agreement):
    response = client_for(cib_admin).get(f"/funds/agreements/{agreement.pk}/document/")
    assert response.status_code == 404


def test_regional_people_see_their_regions_agreements_at_funds_home(
    client_for, programme_manager, regional_lead, agreement, cib_admin
):
    from funds.services import agreement_create
    from regions.models import Region

    other = agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=NORTH_WEST),
        financial_year=2027,
        allocations={"early_support": 100},
    )
    for user in (programme_manager, regional_lead):
        response = client_for(user).get("/funds/")
        assert response.status_code == 200
        body = response.content.decode()
        assert f"/funds/agreements/{agreement.pk}/" in body
        assert f"/funds/agreements/{other.pk}/" not in body
        assert "£110,000.00" in body  # the allocations' total


def test_funds_home_is_404_for_a_council_officer(client_for, officer):
    assert client_for(officer).get("/funds/").status_code == 404
    assert client_for(officer).get("/funds/export/").status_code == 404


# --- Recording an agreement ------------------------------------------------------------------


def test_recording_an_agreement_converts_pounds_to_exact_pence(client_for, cib_admin):
    response = client_for(cib_admin).post(
        "/funds/agreements/new/", {**_form_data(), "signed_document": _pdf()}
    )
    agreement = FundingAgreement.objects.get(financial_year=2028)
    assert response.status_code == 302
    assert response["Location"] == f"/funds/agreements/{agreement.pk}/"
    amounts = dict(agreement.allocations.values_list("purpose", "amount_pence"))
    assert amounts == {
        "project_management": 5_000_000,
        "peer_challenger_training": 2_000_000,
        "peer_challenge_programme": 3_000_050,
        "early_support": 5,
    }
    assert agreement.second_approval_threshold_pence == 500_000
    assert str(agreement.signed_on) == "2028-03-27"
    assert agreement.terms == "Deliver the programme."
    assert agreement.signed_document.name.endswith(".pdf")
    assert agreement.returns.count() == 4
    assert AuditEvent.objects.filter(action="funds.agreement_create").count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12.345", "no more than 2 decimal places"),
        ("-1", "must be £0 or more"),
        ("abc", "must be an amount of money"),
        ("", "Enter the early support allocation"),
        ("NaN", "must be an amount of money"),
    ],
)
def test_bad_amounts_are_field_errors(value, message, client_for, cib_admin):
    response = client_for(cib_admin).post(
        "/funds/agreements/new/", _form_data(allocation_early_support=value)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors["allocation_early_support"])
    assert "There is a problem" in response.content.decode()
    assert not FundingAgreement.objects.filter(financial_year=2028).exists()


def test_a_second_agreement_for_the_same_region_and_year_is_refused(
    client_for, cib_admin, agreement
):
    response = client_for(cib_admin).post(
        "/funds/agreements/new/", _form_data(financial_year=str(agreement.financial_year))
    )
    assert response.status_code == 200
    assert "already has an agreement for 2027-28" in " ".join(
        response.context["form"].errors["financial_year"]
    )
    assert FundingAgreement.objects.filter(financial_year=2027).count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("agreement.docx", b"PK\x03\x04nope"), "must be a PDF"),
        (SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 a program"), "not a real PDF"),
        (SimpleUploadedFile("agreement.pdf", b"%PDF" + b"x" * (10 * 1024 * 1024)), "smaller"),
    ],
)
def test_the_signed_document_must_be_a_real_pdf(upload, message, client_for, cib_admin):
    response = client_for(cib_admin).post(
        "/funds/agreements/new/", {**_form_data(), "signed_document": upload}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["signed_document"])
    assert not FundingAgreement.objects.filter(financial_year=2028).exists()


# --- Changing an agreement -------------------------------------------------------------------


def test_changing_an_agreement_sets_allocations_and_terms(client_for, cib_admin, agreement):
    url = f"/funds/agreements/{agreement.pk}/edit/"
    page = client_for(cib_admin).get(url)
    assert page.context["form"].initial["allocation_project_management"] == "50000.00"
    response = client_for(cib_admin).post(
        url,
        {
            **_form_data(),
            "allocation_early_support": "12345.67",
            "terms": "New terms",
            "threshold": "2500.50",
            "signed_document": _pdf(),
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.terms == "New terms"
    assert agreement.second_approval_threshold_pence == 250_050
    assert agreement.signed_document
    assert agreement.allocations.get(purpose="early_support").amount_pence == 1_234_567
    assert AuditEvent.objects.filter(action="funds.allocation_set").exists()
    assert AuditEvent.objects.filter(action="funds.agreement_update").exists()


def test_an_allocation_below_approved_spend_is_a_field_error(
    client_for, cib_admin, agreement, submitted, regional_lead
):
    spend_request_approve(user=regional_lead, request=submitted(300_000))  # £3,000 early support
    response = client_for(cib_admin).post(
        f"/funds/agreements/{agreement.pk}/edit/",
        {
            **_form_data(),
            "allocation_project_management": "60000.00",  # allowed, but rolled back
            "allocation_early_support": "100.00",
            "terms": "Not saved",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["allocation_early_support"])
    assert "Early support already has £3,000.00 approved" in errors
    agreement.refresh_from_db()
    assert agreement.terms != "Not saved"
    assert agreement.allocations.get(purpose="early_support").amount_pence == 1_000_000
    assert agreement.allocations.get(purpose="project_management").amount_pence == 5_000_000
    assert not AuditEvent.objects.filter(action="funds.allocation_set").exists()


# --- The budget and its chart ----------------------------------------------------------------


def _at(year: int, month: int, day: int = 15) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12))


def _pay(request, user):
    SpendEvidence.objects.create(
        request=request,
        kind="payment",
        title="Invoice",
        file=SimpleUploadedFile("invoice.pdf", PDF),
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=user,
    )
    return spend_request_mark_paid(user=user, request=request, payment_reference="INV-1")


@pytest.fixture
def spent(agreement, submitted, regional_lead, second_lead, programme_manager):
    """Three approved requests (one paid) and one still submitted, dated by month of the
    agreement's year (April, June and the last day of January)."""
    year = agreement.financial_year
    a = spend_request_approve(user=regional_lead, request=submitted(100_000))  # £1,000
    b = spend_request_approve(
        user=regional_lead, request=submitted(250_000, purpose="project_management")
    )
    c = submitted(400_000, purpose="peer_challenge_programme")
    spend_request_approve(user=regional_lead, request=c)
    submitted(50_000)  # submitted only: not in any figure
    _pay(a, programme_manager)
    SpendRequest.objects.filter(pk=a.pk).update(approved_at=_at(year, 4), paid_at=_at(year, 6))
    SpendRequest.objects.filter(pk=b.pk).update(approved_at=_at(year, 6))
    SpendRequest.objects.filter(pk=c.pk).update(approved_at=_at(year + 1, 1, 31))
    return a, b, c


@pytest.fixture
def last_year(agreement):
    """The agreement moved to a financial year that has ended (so every month has figures,
    whatever today's date)."""
    agreement.financial_year = current_financial_year() - 1
    agreement.save(update_fields=["financial_year"])
    return agreement


def test_monthly_series_is_cumulative_by_approval_and_payment_month(agreement, spent):
    series = monthly_series(agreement, today=date(2028, 3, 31))
    assert [p.short for p in series] == list(
        ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
    )
    assert series[0].month == "Apr 2027" and series[9].month == "Jan 2028"
    approved = [p.approved for p in series]
    paid = [p.paid for p in series]
    assert approved == [100_000, 100_000] + [350_000] * 7 + [750_000] * 3
    assert paid == [0, 0] + [100_000] * 10


def test_monthly_series_stops_at_the_current_month(agreement, spent):
    # 10 November 2027: April to November have figures; December to March have none (not
    # November's totals carried forward), even though January's approval is recorded.
    series = monthly_series(agreement, today=date(2027, 11, 10))
    assert [p.approved for p in series] == [100_000, 100_000] + [350_000] * 6 + [None] * 4
    assert [p.paid for p in series] == [0, 0] + [100_000] * 6 + [None] * 4
    assert [p.started for p in series] == [True] * 8 + [False] * 4
    # The first day of a month is in it.
    assert [p.started for p in monthly_series(agreement, today=date(2027, 12, 1))].count(True) == 9


def test_monthly_series_of_a_year_not_begun_has_no_figures(
    agreement, spent, django_assert_num_queries
):
    with django_assert_num_queries(0):
        series = monthly_series(agreement, today=date(2027, 3, 31))
    assert len(series) == 12
    assert all(p.approved is None and p.paid is None for p in series)


def test_budget_page_figures_equal_the_allocations_and_requests(
    client_for, adviser, last_year, spent
):
    agreement = last_year
    response = client_for(adviser).get(f"/funds/agreements/{agreement.pk}/")
    body = response.content.decode()
    lines = {entry["line"].purpose: entry["line"] for entry in response.context["lines"]}
    for allocation in Allocation.objects.filter(agreement=agreement):
        line = lines[allocation.purpose]
        assert line.allocated == allocation.amount_pence == ALLOCATIONS[allocation.purpose]
        assert line.approved == allocation.approved_pence
        assert line.paid == allocation.paid_pence
    approved_sum = sum(
        r.amount_pence
        for r in SpendRequest.objects.filter(agreement=agreement, status__in=["approved", "paid"])
    )
    assert lines["total"].approved == approved_sum == 750_000
    assert lines["total"].paid == 100_000
    assert lines["total"].allocated == sum(ALLOCATIONS.values())
    assert lines["early_support"].percent_approved == 10
    assert "£110,000.00" in body and "£7,500.00" in body and "£102,500.00" in body
    # The chart and its table of the same figures.
    assert 'role="img"' in body and 'aria-labelledby="chart-title chart-desc"' in body
    assert " style=" not in body
    assert [p["approved"] for p in response.context["series"]][-1] == "£7,500.00"
    assert f"?agreement={agreement.pk}" in body


def test_budget_csv_has_purposes_and_the_monthly_series(
    client_for, programme_manager, last_year, spent
):
    agreement = last_year
    year = agreement.financial_year
    response = client_for(programme_manager).get(f"/funds/agreements/{agreement.pk}/?format=csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="budget-{YORKSHIRE}-{agreement.label}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Purpose", "Allocated (£)"]
    by_label = {r[0]: r for r in rows[1:6]}
    assert by_label["Early support"] == [
        "Early support",
        "10000.00",
        "1000.00",
        "1000.00",
        "9000.00",
        "10",
    ]
    assert by_label["Total"] == ["Total", "110000.00", "7500.00", "1000.00", "102500.00", "7"]
    monthly = rows[rows.index([]) + 2 :]
    assert monthly[0] == [f"Apr {year}", "1000.00", "0.00", "110000.00"]
    assert monthly[2] == [f"Jun {year}", "3500.00", "1000.00", "110000.00"]
    assert monthly[11] == [f"Mar {year + 1}", "7500.00", "1000.00", "110000.00"]


def test_budget_page_query_count_does_not_grow_with_requests(
    client_for, adviser, agreement, submitted, regional_lead, django_assert_max_num_queries
):
    client = client_for(adviser)
    url = f"/funds/agreements/{agreement.pk}/"
    client.get(url)  # warm the session and grants
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(15):
        spend_request_approve(user=regional_lead, request=submitted(1_000))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
