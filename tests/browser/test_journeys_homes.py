"""Journeys from a home page, as a new user takes them in real Chromium, signing in through
the real form with their second factor:

(b) a regional lead sees a spend request waiting for their decision on their home, follows
    the links to it and approves it, and sees it approved (and gone from their home);
(c) a principal adviser goes from their home to the reddest council in their region and
    opens the evidence for its flag.

What the person sees is asserted at every step, and axe runs on every page visited. The live
server is transactional, so each test makes its own data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import BRADFORD, LEEDS, MANCHESTER, YORKSHIRE
from tests.earlysupport.conftest import risk_rules  # noqa: F401
from tests.earlysupport.test_triage import make_flag
from tests.factories import make_member

from .conftest import sign_in
from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser


def _seen(page, heading: str) -> None:
    """The page is the one meant (its h1), styled, and passes axe."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_styled(page)
    assert_accessible(page)


def _signed_in_at_home(page, user, heading: str) -> None:
    sign_in(page, user)
    expect(page).to_have_url(re.compile(r"/home/$"))
    _seen(page, heading)


# --- (b) a regional lead approves a waiting spend request ------------------------------------


def test_a_regional_lead_approves_the_spend_request_waiting_on_their_home(
    page, regional_lead, cib_admin
):
    from funds.models import SpendStatus
    from funds.selectors import current_financial_year
    from funds.services import agreement_create, spend_request_create, spend_request_submit
    from regions.models import Region

    agreement = agreement_create(
        user=cib_admin,
        region=Region.objects.get(gss_code=YORKSHIRE),
        financial_year=current_financial_year(),
        allocations={"early_support": 2_000_000, "project_management": 3_000_000},
        second_approval_threshold_pence=1_000_000,
    )
    pm = make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")
    spend = spend_request_submit(
        user=pm,
        request=spend_request_create(
            user=pm,
            agreement=agreement,
            purpose="early_support",
            amount_pence=450_000,
            description="Practice coaching for a council at risk",
            supplier="Northern Coaching Ltd",
        ),
    )

    _signed_in_at_home(page, regional_lead, "Yorkshire and The Humber")
    main = page.get_by_role("main")
    expect(
        main.get_by_role("heading", name="Spend requests waiting for your decision")
    ).to_be_visible()
    expect(main).to_contain_text("Raised by")
    expect(main).to_contain_text("Needs one lead's approval.")

    # The count leads to the list of submitted requests, with this one in it.
    main.get_by_role("link", name="1 spend request waiting for your decision").click()
    expect(page).to_have_url(re.compile(r"/funds/requests/\?status=submitted"))
    _seen(page, "Spend requests")
    expect(page.get_by_label("Status")).to_have_value("submitted")
    request_link = page.get_by_role("main").get_by_role(
        "link", name=re.compile("Practice coaching")
    )
    expect(request_link).to_have_count(1)
    request_link.click()

    # The request, with what the lead needs to decide, and the way to approve it.
    expect(page).to_have_url(re.compile(rf"/funds/requests/{spend.pk}/$"))
    _seen(page, "£4,500.00 for early support")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Practice coaching for a council at risk")
    expect(main).to_contain_text("Submitted for approval")
    expect(main.locator("#approvals")).to_contain_text("Waiting for a decision.")
    main.get_by_role("link", name="Approve", exact=True).click()

    _seen(page, "Approve the request")
    expect(page.get_by_role("main")).to_contain_text("Your approval commits the money.")
    page.get_by_role("button", name="Approve the request").click()
    page.wait_for_load_state()

    # Approved: said in a banner, in the status and in the approvals.
    expect(page).to_have_url(re.compile(rf"/funds/requests/{spend.pk}/$"))
    _seen(page, "£4,500.00 for early support")
    expect(page.get_by_role("alert")).to_contain_text("You approved the request.")
    main = page.get_by_role("main")
    expect(main.locator(".govuk-tag").first).to_have_text("Approved")
    expect(main.locator("#approvals")).to_contain_text(regional_lead.get_full_name())
    spend.refresh_from_db()
    assert spend.status == SpendStatus.APPROVED

    # Back home, nothing waits for them any more.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").click()
    _seen(page, "Yorkshire and The Humber")
    expect(page.get_by_role("main")).to_contain_text(
        "No spend request is waiting for your decision."
    )


# --- (c) a principal adviser opens the evidence for the reddest council's flag ----------------


def test_an_adviser_goes_from_home_to_the_reddest_councils_flag_evidence(
    page,
    adviser,
    risk_rules,  # noqa: F811
):
    make_flag(
        risk_rules["workforce-pressure"],
        code=LEEDS,
        severity="amber",
        summary="Leeds: agency use is rising.",
    )
    red = make_flag(
        risk_rules["workforce-pressure"],
        code=BRADFORD,
        severity="red",
        summary="Bradford: social worker turnover is the highest of its neighbours.",
        evidence={
            "words": ["Bradford's social worker turnover rose to 24.3% in 2024."],
            "figures": [],
            "periods": ["2023", "2024"],
            "comparison": "Bradford's ten statistical neighbours",
        },
    )
    # Redder than any of them, but in a region the adviser does not cover.
    make_flag(risk_rules["ofsted-inadequate"], code=MANCHESTER, severity="red")
    make_flag(risk_rules["workforce-pressure"], code=MANCHESTER, severity="red")

    _signed_in_at_home(page, adviser, "Your regions")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Councils with open risk flags")).to_be_visible()
    expect(main).to_contain_text("1 council at red and 1 at amber, most serious first.")
    councils = main.locator("#at-risk-councils > li")
    expect(councils).to_have_count(2)
    expect(councils.nth(0)).to_contain_text("Red")
    expect(councils.nth(0)).to_contain_text("Bradford")
    expect(councils.nth(1)).to_contain_text("Leeds")
    expect(main).not_to_contain_text("Manchester")

    # The reddest council: its open flags.
    councils.nth(0).get_by_role("link", name=re.compile(r"^Bradford\s*: its open flags")).click()
    expect(page).to_have_url(re.compile(rf"/early-support/flags/\?council={BRADFORD}$"))
    _seen(page, "Risk flags")
    rows = page.get_by_role("main").locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bradford")
    expect(rows.first).to_contain_text("Red")
    rows.first.get_by_role("link", name=re.compile(r"^Bradford")).click()

    # The flag, and the evidence that raised it.
    expect(page).to_have_url(re.compile(rf"/early-support/flags/{red.pk}/$"))
    _seen(page, "Bradford: Workforce pressure")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="The evidence")).to_be_visible()
    expect(main).to_contain_text("Bradford's social worker turnover rose to 24.3% in 2024.")
    expect(main).to_contain_text("Compared with: Bradford's ten statistical neighbours")


# --- Every home with something on it: axe, and no sideways scroll at 320 px -------------------


@pytest.fixture
def homes_with_things_on_them(reference_data, risk_rules, cib_admin, regional_lead):  # noqa: F811
    """A waiting spend request, returns due, bookings waiting, a red and an amber flag, a
    challenge with its next date: what each home lists."""
    from datetime import timedelta

    from django.utils import timezone

    from funds.selectors import current_financial_year
    from funds.services import agreement_create, spend_request_create, spend_request_submit
    from peerchallenge.models import Challenge, Challenger, Participant, Programme
    from regions.models import Council, Region
    from reviews.catalogue import products_sync
    from reviews.models import Product
    from reviews.services.bookings import booking_request

    region = Region.objects.get(gss_code=YORKSHIRE)
    agreement = agreement_create(
        user=cib_admin,
        region=region,
        financial_year=current_financial_year(),
        allocations={"early_support": 2_000_000},
        second_approval_threshold_pence=1_000_000,
    )
    pm = make_member(YORKSHIRE, "regional_programme_manager", email="pm@yorkshire.example")
    spend_request_submit(
        user=pm,
        request=spend_request_create(
            user=pm,
            agreement=agreement,
            purpose="early_support",
            amount_pence=450_000,
            description="Practice coaching",
        ),
    )
    make_flag(risk_rules["workforce-pressure"], code=BRADFORD, severity="red")
    make_flag(risk_rules["workforce-pressure"], code=LEEDS, severity="amber")
    products_sync()
    national_pm = make_member("national", "programme_manager", email="pm@lga.example")
    today = timezone.localdate()
    for code, weeks in ((LEEDS, 2), (BRADFORD, 5)):
        booking_request(
            council=Council.objects.get(gss_code=code),
            product=Product.objects.get(code="lscb_diagnostic"),
            first_on_site_day=today + timedelta(weeks=weeks),
            requested_by=national_pm,
            charging_basis="subsidised",
        )
    programme = Programme.objects.create(
        region=region,
        year=today.year,
        model="pairs",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
        status="published",
        created_by=regional_lead,
    )
    Participant.objects.bulk_create(
        Participant(programme=programme, council=c) for c in region.councils.all()
    )
    challenger = make_member(BRADFORD, "dcs", email="dcs@bradford.example")
    leeds = Council.objects.get(gss_code=LEEDS)
    challenge = Challenge.objects.create(
        programme=programme,
        host=leeds,
        status="scheduled",
        starts_on=today + timedelta(days=40),
        ends_on=today + timedelta(days=41),
    )
    Challenger.objects.create(
        challenge=challenge,
        host=leeds,
        council=Council.objects.get(gss_code=BRADFORD),
        person=challenger,
    )
    return {"challenger": challenger, "national_pm": national_pm, "region_pm": pm}


@pytest.mark.parametrize(
    ("who", "heading", "shows"),
    [
        ("officer", "Leeds", "1 booking in progress"),
        ("challenger", "Bradford", "Challenges you are on as a peer challenger"),
        ("regional_lead", "Yorkshire and The Humber", "1 spend request waiting for your decision"),
        ("region_pm", "Yorkshire and The Humber", "waiting for a regional lead"),
        ("adviser", "Your regions", "1 council at red and 1 at amber"),
        ("national_adviser", "National picture", "2 requested bookings"),
        ("national_pm", "Reviews and diagnostics", "2 requested bookings"),
        ("cib_admin", "National picture", "Quarterly returns due or overdue"),
    ],
)
def test_each_home_passes_axe_and_reflows_at_320_px(
    who, heading, shows, request, homes_with_things_on_them, new_context, live_server
):
    from .conftest import session_cookie_for

    made = homes_with_things_on_them
    user = made[who] if who in made else request.getfixturevalue(who)
    for width in (1280, 320):
        context = new_context(viewport={"width": width, "height": 900})
        context.add_cookies([session_cookie_for(user, live_server)])
        page = context.new_page()
        page.goto("/home/")
        _seen(page, heading)
        expect(page.get_by_role("main")).to_contain_text(shows)
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{who}'s home scrolls sideways at {width} px: {scroll} px wide"
