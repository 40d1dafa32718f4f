"""The budget page as a region's people meet it: no spend drawn into months that have not
happened, distinct column headings, overdue returns flagged with a link to each, and the
requests awaiting a decision beside the approved spend (issue 12, item 9)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from funds.models import QuarterlyReturn
from funds.selectors import current_financial_year, monthly_series
from funds.services import spend_request_approve

pytestmark = pytest.mark.django_db


def _move_to(agreement, year: int):
    agreement.financial_year = year
    agreement.save(update_fields=["financial_year"])
    return agreement


def _url(agreement) -> str:
    return f"/funds/agreements/{agreement.pk}/"


def _headers(body: str, table_id: str) -> list[str]:
    table = body[body.index(f'id="{table_id}"') :]
    table = table[: table.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]


def _monthly_rows(body: str) -> list[str]:
    if 'id="monthly"' not in body:
        return []
    table = body[body.index('id="monthly"') :]
    table = table[table.index("<tbody") : table.index("</tbody>")]
    return re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', table)


# --- Months that have not happened -----------------------------------------------------------


def test_the_page_shows_no_spend_for_a_year_not_begun(client_for, regional_lead, agreement):
    _move_to(agreement, current_financial_year() + 1)
    body = client_for(regional_lead).get(_url(agreement)).content.decode()
    assert _monthly_rows(body) == []
    assert "there is no spend to show yet" in body
    assert "The year has not begun, so there is no spend to draw yet." in body
    assert "<polyline" in body and 'points=""' in body  # no line drawn


def test_the_page_stops_the_chart_and_table_at_this_month(client_for, regional_lead, agreement):
    _move_to(agreement, current_financial_year())
    today = timezone.localdate()
    begun = [p for p in monthly_series(agreement, today=today) if p.started]
    response = client_for(regional_lead).get(_url(agreement))
    body = response.content.decode()
    assert _monthly_rows(body) == [p.month for p in begun]
    assert _monthly_rows(body)[-1] == f"{today:%b %Y}"
    assert len(response.context["chart"]["approved_dots"]) == len(begun)
    if len(begun) < 12:
        assert f"The chart and table stop at {today:%b %Y}" in body


def test_the_csv_leaves_months_to_come_empty(client_for, regional_lead, agreement):
    _move_to(agreement, current_financial_year())
    today = timezone.localdate()
    begun = sum(p.started for p in monthly_series(agreement, today=today))
    body = client_for(regional_lead).get(f"{_url(agreement)}export/").content.decode()
    monthly = [line.split(",") for line in body.split("\r\n\r\n", 1)[1].split("\r\n")[1:] if line]
    assert len(monthly) == 12
    assert all(row[1] == "0.00" for row in monthly[:begun])
    assert all(row[1:3] == ["", ""] for row in monthly[begun:])


# --- Headings --------------------------------------------------------------------------------


def test_the_budget_columns_have_distinct_headings(client_for, adviser, agreement):
    body = client_for(adviser).get(_url(agreement)).content.decode()
    headers = _headers(body, "budget")
    assert headers == [
        "Purpose",
        "Allocated",
        "Approved spend",
        "Awaiting a decision",
        "Paid",
        "Remaining",
        "Share of allocation approved",
    ]
    assert len(set(headers)) == len(headers)


# --- Overdue returns -------------------------------------------------------------------------


@pytest.fixture
def overdue(agreement):
    """Quarter 1 ten days overdue, quarter 2 due in five days, quarters 3 and 4 far off."""
    today = timezone.localdate()
    returns = {r.quarter: r for r in agreement.returns.all()}
    due = {1: today - timedelta(days=10), 2: today + timedelta(days=5)}
    for quarter, ret in returns.items():
        ret.due_on = due.get(quarter, today + timedelta(days=200 + quarter))
        ret.save(update_fields=["due_on"])
    return returns


def test_the_regional_lead_sees_an_overdue_return_flagged_with_a_link(
    client_for, regional_lead, agreement, overdue
):
    body = client_for(regional_lead).get(_url(agreement)).content.decode()
    banner = body[body.index('id="overdue-returns"') :]
    banner = banner[: banner.index("</ul>")]
    q1 = f"/funds/returns/{overdue[1].pk}/"
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in banner
    assert f'href="{q1}">Quarter 1 return</a>' in banner
    assert "10 days ago" in banner
    assert "Quarter 2" not in banner  # due soon, not overdue
    returns_table = body[body.index('id="returns"') :]
    # The status tag, then "Overdue: 10 days" once, on its own line.
    assert "Draft</strong><strong" in returns_table
    assert ">Overdue: 10 days</strong>" in returns_table
    assert "Overdue</strong>" not in returns_table and "days overdue" not in returns_table
    assert "Due in 5 days" in returns_table
    assert client_for(regional_lead).get(q1).status_code == 200


def test_a_submitted_return_is_not_flagged(client_for, regional_lead, agreement, overdue):
    QuarterlyReturn.objects.filter(pk=overdue[1].pk).update(status="submitted")
    body = client_for(regional_lead).get(_url(agreement)).content.decode()
    assert 'id="overdue-returns"' not in body
    assert "days overdue" not in body


def test_an_adviser_covering_the_region_sees_the_overdue_return(
    client_for, adviser, agreement, overdue
):
    body = client_for(adviser).get(_url(agreement)).content.decode()
    assert 'id="overdue-returns"' in body and "10 days ago" in body


def test_another_regions_lead_gets_404_not_the_overdue_returns(
    client_for, other_regional_lead, agreement, overdue
):
    response = client_for(other_regional_lead).get(_url(agreement))
    assert response.status_code == 404
    assert "Overdue" not in response.content.decode()


# --- Awaiting a decision ---------------------------------------------------------------------


def test_requests_awaiting_a_decision_sit_beside_the_approved_and_link_to_the_list(
    client_for, regional_lead, agreement, submitted
):
    spend_request_approve(user=regional_lead, request=submitted(100_000))
    submitted(50_000)
    submitted(25_000)
    submitted(200_000, purpose="project_management")
    client = client_for(regional_lead)
    response = client.get(_url(agreement))
    body = response.content.decode()
    lines = {entry["line"].purpose: entry for entry in response.context["lines"]}
    early = lines["early_support"]
    assert (early["approved"], early["awaiting"]["amount"]) == ("£1,000.00", "£750.00")
    assert early["awaiting"]["label"] == "2 requests"
    assert lines["project_management"]["awaiting"]["label"] == "1 request"
    assert lines["peer_challenger_training"]["awaiting"]["url"] is None
    assert lines["total"]["awaiting"]["amount"] == "£2,750.00"
    summary = body[body.index('id="awaiting-summary"') :]
    assert "3 requests for £2,750.00</a> are awaiting a decision" in summary[:400]
    # The links open the spend request list filtered to exactly those requests.
    listed = client.get(early["awaiting"]["url"].replace("&amp;", "&"))
    assert listed.status_code == 200
    spends = listed.context["page_obj"].object_list
    assert sorted(s.amount_pence for s in spends) == [25_000, 50_000]
    assert {s.status for s in spends} == {"submitted"}
    everything = client.get(lines["total"]["awaiting"]["url"]).context["page_obj"].object_list
    assert sorted(s.amount_pence for s in everything) == [25_000, 50_000, 200_000]
    assert f'href="/funds/requests/?agreement={agreement.pk}&amp;status=submitted"' in body


def test_nothing_awaiting_says_nothing_and_links_nothing(client_for, adviser, agreement):
    body = client_for(adviser).get(_url(agreement)).content.decode()
    assert 'id="awaiting-summary"' not in body
    assert "status=submitted" not in body


# --- Queries ---------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_requests_or_overdue_returns(
    client_for, regional_lead, agreement, submitted
):
    client = client_for(regional_lead)
    client.get(_url(agreement))  # warm the session and grants
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url(agreement)).status_code == 200
    for i in range(6):
        submitted(1_000 + i, purpose=["early_support", "project_management"][i % 2])
    spend_request_approve(user=regional_lead, request=submitted(2_000))
    QuarterlyReturn.objects.filter(agreement=agreement).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(agreement))
    assert response.status_code == 200
    assert len(response.context["overdue_returns"]) == 4
    assert len(many) == len(few)
