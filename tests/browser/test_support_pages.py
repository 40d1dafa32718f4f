"""axe-core on the support pages (the offer and requests, campaigns, mentoring, councils' asks
and offers), in real Chromium, each signed in as the demo person who uses it.

The pages are read over the demo (tests/browser/conftest.py: demo_server, loaded once for the
module): its offers, Leeds' requests in several states, campaigns with applications, mentors
and councils' asks. Nothing is written through the server: the forms are checked empty and with
their validation messages (a refused form writes nothing).
"""

from __future__ import annotations

import pytest

from .conftest import sign_in_as_demo_person
from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

LEEDS = "E08000035"


def _check(page, path: str, *, act=None) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    if act:
        act(page)
    assert_styled(page)
    assert_accessible(page)


def _submit_empty(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content(), page.url


def _page_as(demo_context, who: str):
    page = demo_context().new_page()
    sign_in_as_demo_person(page, who)
    return page


def test_catalogue_offer_and_request_pages_for_the_council(demo_server, demo_context):
    from support.models import SupportOffer, SupportRequest

    offer = SupportOffer.objects.filter(requestable=True, booking_url="").order_by("pk").first()
    assert offer is not None, "the demo has no support offers"
    page = _page_as(demo_context, "dcs")
    _check(page, "/support/")
    _check(page, "/support/?kind=mentoring")
    _check(page, f"/support/offers/{offer.code}/")
    _check(page, f"/support/offers/{offer.code}/request/")
    _check(page, f"/support/offers/{offer.code}/request/", act=_submit_empty)
    request = SupportRequest.objects.filter(council__gss_code=LEEDS).order_by("pk").first()
    assert request is not None, "the demo has no Leeds requests"
    _check(page, f"/support/requests/{request.pk}/")
    _check(page, f"/support/councils/{LEEDS}/")


def test_request_actions_waiting_and_mentoring_for_the_adviser(demo_server, demo_context):
    from support.models import SupportRequest

    page = _page_as(demo_context, "adviser")
    _check(page, "/support/requests/waiting/")
    _check(page, f"/support/councils/{LEEDS}/")
    requests = SupportRequest.objects.filter(council__gss_code=LEEDS).order_by("pk")
    open_request = requests.filter(status__in=["requested", "waiting"]).first()
    assert open_request is not None, "the demo has no open Leeds request"
    _check(page, f"/support/requests/{open_request.pk}/")
    _check(page, f"/support/requests/{open_request.pk}/accept/")
    _check(page, f"/support/requests/{open_request.pk}/decline/", act=_submit_empty)
    _check(page, f"/support/requests/{open_request.pk}/broker/")
    mentoring = requests.filter(offer__kind="mentoring").first()
    if mentoring is not None:
        _check(page, f"/support/mentoring/requests/{mentoring.pk}/")
    _check(page, "/support/mentors/")
    _check(page, "/support/mentors/new/")
    _check(page, "/support/mentors/new/", act=_submit_empty)


def test_campaign_and_mentor_pages_for_the_programme_manager(demo_server, demo_context):
    from support.models import Campaign, CampaignApplication, Mentor

    page = _page_as(demo_context, "programme-manager")
    _check(page, "/support/campaigns/")
    application = CampaignApplication.objects.order_by("pk").first()
    assert application is not None, "the demo has no campaign applications"
    code = application.campaign.code
    _check(page, f"/support/campaigns/{code}/")
    _check(page, f"/support/campaigns/{code}/applications/{application.pk}/")
    _check(page, f"/support/campaigns/{code}/applications/{application.pk}/decide/")
    _check(page, "/support/campaigns/new/")
    _check(page, "/support/campaigns/new/", act=_submit_empty)
    _check(page, f"/support/campaigns/{Campaign.objects.order_by('pk').first().code}/edit/")
    mentor = Mentor.objects.order_by("pk").first()
    assert mentor is not None, "the demo has no mentors"
    _check(page, f"/support/mentors/{mentor.pk}/")


def test_campaign_apply_and_asks_for_the_council_officer(demo_server, demo_context):
    from django.utils import timezone

    from support.models import Campaign, CouncilAsk

    page = _page_as(demo_context, "officer")
    _check(page, "/support/campaigns/")
    today = timezone.localdate()
    open_campaign = (
        Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today).order_by("pk").first()
    )
    assert open_campaign is not None, "the demo has no open campaign"
    _check(page, f"/support/campaigns/{open_campaign.code}/")
    _check(page, f"/support/campaigns/{open_campaign.code}/apply/")
    if page.locator("main form[method=post] button[type=submit]").count():
        # Leeds has not applied yet: the form's validation messages too.
        _check(page, f"/support/campaigns/{open_campaign.code}/apply/", act=_submit_empty)
    _check(page, "/support/asks/")
    _check(page, "/support/asks/?kind=offer")
    ask = CouncilAsk.objects.order_by("pk").first()
    assert ask is not None, "the demo has no asks"
    _check(page, f"/support/asks/{ask.pk}/")
    _check(page, "/support/asks/new/")
    _check(page, "/support/asks/new/", act=_submit_empty)


def test_ask_broker_page_for_the_regional_lead(demo_server, demo_context):
    from support.models import CouncilAsk

    page = _page_as(demo_context, "regional-lead")
    ask = CouncilAsk.objects.filter(council__region__gss_code="E12000003").order_by("pk").first()
    assert ask is not None, "the demo has no Yorkshire asks"
    _check(page, f"/support/asks/{ask.pk}/")
    _check(page, f"/support/asks/{ask.pk}/broker/")
