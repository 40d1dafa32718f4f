"""Quarterly return pages: who may see and do what, the steps through the pages, the PDF."""

from __future__ import annotations

import pytest
from django.utils import timezone

from funds.models import QuarterlyReturn
from funds.services import agreement_create
from funds.services import returns as svc
from regions.models import Region
from reports.models import ReportJob
from tests.conftest import NORTH_WEST, YORKSHIRE
from tests.factories import make_member

from .conftest import ALLOCATIONS

pytestmark = pytest.mark.django_db

LIST = "/funds/returns/"


@pytest.fixture
def past(reference_data, cib_admin):
    """Yorkshire's agreement for a year whose quarters have all ended (returns overdue)."""
    return agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=timezone.localdate().year - 2,
        allocations=ALLOCATIONS,
    )


@pytest.fixture
def ret(past) -> QuarterlyReturn:
    return past.returns.get(quarter=1)


@pytest.fixture
def north_west_pm(reference_data):
    return make_member(NORTH_WEST, "regional_programme_manager", email="pm@northwest.example")


@pytest.fixture
def people(programme_manager, regional_lead, adviser, cib_admin, national_adviser):
    return {
        "programme_manager": programme_manager,
        "regional_lead": regional_lead,
        "adviser": adviser,
        "cib_admin": cib_admin,
        "national_adviser": national_adviser,
    }


@pytest.fixture
def outsiders(other_regional_lead, officer, north_west_pm):
    return [other_regional_lead, officer, north_west_pm]


def _url(ret, suffix=""):
    return f"{LIST}{ret.pk}/{suffix}"


def _signed_off(ret, programme_manager, regional_lead):
    ret = svc.return_save_draft(
        user=programme_manager, ret=ret, narrative="We ran it.", outcomes="Good"
    )
    return svc.return_sign_off(user=regional_lead, ret=ret)


def _submitted(ret, programme_manager, regional_lead):
    return svc.return_submit(
        user=programme_manager, ret=_signed_off(ret, programme_manager, regional_lead)
    )


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_the_returns_the_user_may_see(
    ret, people, other_regional_lead, north_west_pm, officer, client_for
):
    for name, user in people.items():
        response = client_for(user).get(LIST)
        assert response.status_code == 200, name
        assert response.context["page_obj"].paginator.count == 4, name
        assert "Yorkshire and The Humber" in response.content.decode()
        assert "Overdue" in response.content.decode()  # every quarter of that year has passed
    for user in (other_regional_lead, north_west_pm):
        response = client_for(user).get(LIST)
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 0
        assert "There are no returns to see yet" in response.content.decode()
    assert client_for(officer).get(LIST).status_code == 404
    response = client_for(None).get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_list_filters(ret, agreement, cib_admin, client_for):
    client = client_for(cib_admin)
    assert client.get(LIST).context["page_obj"].paginator.count == 8
    page = client.get(LIST, {"year": agreement.financial_year}).context["page_obj"]
    assert page.paginator.count == 4
    assert {r.agreement_id for r in page} == {agreement.pk}
    page = client.get(LIST, {"quarter": 1}).context["page_obj"]
    assert page.paginator.count == 2 and {r.quarter for r in page} == {1}
    QuarterlyReturn.objects.filter(pk=ret.pk).update(status="accepted")
    page = client.get(LIST, {"status": "accepted"}).context["page_obj"]
    assert [r.pk for r in page] == [ret.pk]
    region = Region.objects.get(gss_code=YORKSHIRE)
    assert client.get(LIST, {"region": region.pk}).context["page_obj"].paginator.count == 8
    north_west = Region.objects.get(gss_code=NORTH_WEST)
    response = client.get(LIST, {"region": north_west.pk})
    assert response.context["page_obj"].paginator.count == 0
    assert "No returns match these filters" in response.content.decode()
    response = client.get(LIST, {"quarter": 9})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_the_list_paginates(reference_data, cib_admin, client_for):
    region = Region.objects.get(gss_code=YORKSHIRE)
    for year in range(2030, 2037):  # 7 agreements, 28 returns
        agreement_create(user=cib_admin, region=region, financial_year=year, allocations={})
    response = client_for(cib_admin).get(LIST)
    assert len(response.context["page_obj"].object_list) == 25
    assert len(client_for(cib_admin).get(LIST, {"page": 2}).context["page_obj"]) == 3


# --- The detail ------------------------------------------------------------------------------


def test_who_may_see_a_return(ret, people, outsiders, client_for):
    for name, user in people.items():
        response = client_for(user).get(_url(ret))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Yorkshire and The Humber" in body and "live figures from the ledger" in body
        assert "Overdue" in body
    for user in outsiders:
        assert client_for(user).get(_url(ret)).status_code == 404
    response = client_for(None).get(_url(ret))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client_for(people["cib_admin"]).get(f"{LIST}999999/").status_code == 404


def test_the_detail_offers_each_role_its_actions(
    ret, programme_manager, regional_lead, adviser, cib_admin, client_for
):
    def links(user):
        body = client_for(user).get(_url(ret)).content.decode()
        return {
            name
            for name, suffix in (
                ("edit", "edit/"),
                ("sign_off", "sign-off/"),
                ("submit", "submit/"),
                ("accept", "accept/"),
                ("send_back", "return/"),
            )
            if f'href="{_url(ret, suffix)}"' in body
        }

    assert links(programme_manager) == {"edit"}
    assert links(regional_lead) == set()  # no narrative yet
    assert links(adviser) == set() and links(cib_admin) == set()
    ret = svc.return_save_draft(user=programme_manager, ret=ret, narrative="N", outcomes="")
    assert links(regional_lead) == {"sign_off"}
    ret = svc.return_sign_off(user=regional_lead, ret=ret)
    assert links(programme_manager) == {"submit"} and links(regional_lead) == {"submit"}
    svc.return_submit(user=programme_manager, ret=ret)
    assert links(cib_admin) == {"accept", "send_back"}
    assert links(programme_manager) == set() and links(adviser) == set()


def test_the_detail_says_when_figures_are_frozen_and_shows_history(
    ret, programme_manager, regional_lead, cib_admin, client_for
):
    ret = _submitted(ret, programme_manager, regional_lead)
    svc.return_send_back(user=cib_admin, ret=ret, comments="Say more about outcomes.")
    body = client_for(programme_manager).get(_url(ret)).content.decode()
    assert "Returned by CIB" in body and "Say more about outcomes." in body
    assert "live figures" in body  # returned: live again until resubmitted
    for summary in ("Saved the draft", "Signed off", "Submitted", "Returned"):
        assert summary in body
    ret = svc.return_sign_off(user=regional_lead, ret=ret)
    ret = svc.return_submit(user=regional_lead, ret=ret)
    body = client_for(programme_manager).get(_url(ret)).content.decode()
    assert "figures as submitted to CIB, frozen" in body
    assert "£110,000.00" in body  # the total allocated


# --- The steps -------------------------------------------------------------------------------


def test_the_programme_manager_edits_the_draft(
    ret, programme_manager, regional_lead, adviser, cib_admin, outsiders, client_for
):
    url = _url(ret, "edit/")
    client = client_for(programme_manager)
    assert client.get(url).status_code == 200
    response = client.post(url, {"narrative": "  ", "outcomes": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Error: " in body and "Enter the narrative" in body
    response = client.post(url, {"narrative": "We ran four.", "outcomes": "Better"})
    assert response.status_code == 302 and response.url == _url(ret)
    ret.refresh_from_db()
    assert ret.narrative == "We ran four." and ret.drafted_by == programme_manager
    for user in (regional_lead, adviser, cib_admin):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {"narrative": "Hijack"}).status_code == 403
    for user in outsiders:
        assert client_for(user).post(url, {"narrative": "Hijack"}).status_code == 404
    response = client_for(None).post(url, {"narrative": "Hijack"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    ret.refresh_from_db()
    assert ret.narrative == "We ran four."
    # Once signed off, the draft can no longer be edited.
    svc.return_sign_off(user=regional_lead, ret=ret)
    response = client_for(programme_manager).post(url, {"narrative": "Late"})
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.narrative == "We ran four."


def test_a_lead_signs_off_on_a_confirmation_page(
    ret, programme_manager, regional_lead, adviser, cib_admin, outsiders, client_for
):
    url = _url(ret, "sign-off/")
    # Without a narrative: refused with the reason.
    response = client_for(regional_lead).post(url, follow=True)
    assert "needs a narrative" in response.content.decode()
    svc.return_save_draft(user=programme_manager, ret=ret, narrative="N", outcomes="")
    response = client_for(regional_lead).get(url)
    assert response.status_code == 200
    assert "Are you sure you want to sign off this return?" in response.content.decode()
    for user in (programme_manager, adviser, cib_admin):
        assert client_for(user).post(url).status_code == 403
    for user in outsiders:
        assert client_for(user).post(url).status_code == 404
    assert client_for(None).post(url).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "draft"
    response = client_for(regional_lead).post(url)
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.status == "signed_off" and ret.signed_off_by == regional_lead


def test_submit_accept_and_return_with_comments(
    ret, programme_manager, regional_lead, adviser, cib_admin, outsiders, client_for
):
    _signed_off(ret, programme_manager, regional_lead)
    submit = _url(ret, "submit/")
    assert client_for(programme_manager).get(submit).status_code == 200
    for user in (adviser, cib_admin):
        assert client_for(user).post(submit).status_code == 403
    for user in outsiders:
        assert client_for(user).post(submit).status_code == 404
    assert client_for(programme_manager).post(submit).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "submitted" and ret.figures["computed_at"]

    send_back = _url(ret, "return/")
    accept = _url(ret, "accept/")
    for user in (programme_manager, regional_lead, adviser):
        assert client_for(user).post(send_back, {"comments": "No"}).status_code == 403
        assert client_for(user).post(accept).status_code == 403
    for user in outsiders:
        assert client_for(user).post(send_back, {"comments": "No"}).status_code == 404
        assert client_for(user).post(accept).status_code == 404
    admin = client_for(cib_admin)
    response = admin.post(send_back, {"comments": "   "})
    assert response.status_code == 200
    assert "Enter what the region needs to change" in response.content.decode()
    assert admin.post(send_back, {"comments": "Add outcomes."}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "returned" and ret.review_comments == "Add outcomes."
    # A second send-back of a returned return is refused with a message.
    response = admin.post(send_back, {"comments": "Again"}, follow=True)
    assert "only a submitted return can be returned" in response.content.decode()

    _submitted(ret, programme_manager, regional_lead)
    assert admin.get(accept).status_code == 200
    assert admin.post(accept).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "accepted" and ret.reviewed_by == cib_admin


def test_a_quarter_not_ended_is_refused_on_the_page(
    reference_data, cib_admin, programme_manager, regional_lead, client_for
):
    future = agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=timezone.localdate().year + 1,
        allocations=ALLOCATIONS,
    )
    ret = _signed_off(future.returns.get(quarter=1), programme_manager, regional_lead)
    body = client_for(programme_manager).get(_url(ret)).content.decode()
    assert "The quarter has not ended yet" in body
    response = client_for(programme_manager).post(_url(ret, "submit/"), follow=True)
    assert "The quarter ends on 30 June" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == "signed_off"


# --- The PDF ---------------------------------------------------------------------------------


def test_download_as_pdf(ret, people, outsiders, client_for, django_capture_on_commit_callbacks):
    url = _url(ret, "pdf/")
    for name, user in people.items():
        with django_capture_on_commit_callbacks() as queued:
            response = client_for(user).post(url)
        assert response.status_code == 302, name
        assert len(queued) == 1
        job = ReportJob.objects.filter(requested_by=user).get()
        assert response.url == f"/reports/{job.pk}/"
        assert job.kind == "funds_return" and job.params == {"return_id": ret.pk}
        assert client_for(user).get(response.url).status_code == 200
    assert client_for(people["programme_manager"]).get(url).status_code == 405
    for user in outsiders:
        assert client_for(user).post(url).status_code == 404
        assert not ReportJob.objects.filter(requested_by=user).exists()
    response = client_for(None).post(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    # Someone who may not see the return may not see its report job either.
    job = ReportJob.objects.filter(requested_by=people["adviser"]).get()
    assert client_for(outsiders[0]).get(f"/reports/{job.pk}/").status_code == 404


def test_the_returns_list_takes_as_many_queries_whatever_its_rows(agreement, cib_admin, client_for):
    """One agreement (4 returns) and then four more (20 returns): the same query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from funds.services import agreement_create
    from regions.models import Region

    client = client_for(cib_admin)
    client.get("/funds/returns/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/funds/returns/").status_code == 200
    for region in Region.objects.exclude(pk=agreement.region_id)[:4]:
        agreement_create(
            user=cib_admin, region=region, financial_year=2027, allocations={"early_support": 1}
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/funds/returns/")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 20
    assert len(many) == len(few)
