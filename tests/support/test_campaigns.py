"""Campaigns' rules: applying within the window (a closed or not-yet-open window refused with
the reason), one application per council, decisions with reasons by the programme manager and
the CIB administrator only, the cap never exceeded (fifty selections at once with real
threads), publishing telling the applicants, and every step audited."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from regions.models import Council
from support.models import Campaign, CampaignApplication
from support.services.campaigns import (
    campaign_apply,
    campaign_create,
    campaign_decide,
    campaign_publish,
)
from support.services.common import SupportError
from tests.conftest import LEEDS, MANCHESTER
from tests.factories import make_member

from .campaigns_setup import *  # noqa: F403
from .campaigns_setup import council

pytestmark = pytest.mark.django_db


def test_a_council_applies_within_the_window_once(campaign, leeds_application, officer):
    assert leeds_application.decision == "pending"
    assert AuditEvent.objects.filter(action="campaign.apply", object_id=str(leeds_application.pk))
    with pytest.raises(SupportError, match="a council applies once"):
        campaign_apply(user=officer, campaign=campaign, council=council(LEEDS), statement="Again")


def test_a_closed_window_is_refused_with_the_reason(closed_campaign, dcs):
    day = closed_campaign.closes_on
    with pytest.raises(SupportError) as refused:
        campaign_apply(user=dcs, campaign=closed_campaign, council=council(LEEDS), statement="x")
    assert refused.value.reason == (
        f"Early adopters of the improvement cycle closed for expressions of interest on "
        f"{day.day} {day:%B %Y}."
    )
    assert not CampaignApplication.objects.exists()


def test_a_window_not_yet_open_is_refused_with_the_reason(reference_data, today, dcs):
    later = campaign_create(
        user=None,
        code="later",
        name="Later call",
        opens_on=today + datetime.timedelta(days=2),
        closes_on=today + datetime.timedelta(days=9),
    )
    with pytest.raises(SupportError, match="Later call opens for expressions of interest on"):
        campaign_apply(user=dcs, campaign=later, council=council(LEEDS), statement="x")


def test_only_the_councils_people_apply_for_it(campaign, other_officer, national_adviser):
    for user in (other_officer, national_adviser):
        with pytest.raises(SupportError, match="A council applies through its"):
            campaign_apply(user=user, campaign=campaign, council=council(LEEDS), statement="x")


def test_decisions_need_a_reason_and_a_decider(leeds_application, pm, national_adviser):
    with pytest.raises(SupportError, match="Give the reason"):
        campaign_decide(user=pm, application=leeds_application, decision="selected", reason=" ")
    with pytest.raises(SupportError, match="Only the national programme manager and the CIB"):
        campaign_decide(
            user=national_adviser, application=leeds_application, decision="selected", reason="y"
        )
    done = campaign_decide(
        user=pm, application=leeds_application, decision="reserve", reason="Strong; late plan"
    )
    assert (done.decision, done.decision_reason, done.decided_by) == (
        "reserve",
        "Strong; late plan",
        pm,
    )
    event = AuditEvent.objects.get(action="campaign.reserve")
    assert event.before == {"decision": "pending", "reason": ""}
    assert event.after == {"decision": "reserve", "reason": "Strong; late plan"}


def test_the_database_refuses_a_decision_without_a_reason(leeds_application):
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignApplication.objects.filter(pk=leeds_application.pk).update(decision="selected")


def test_the_database_refuses_a_count_over_the_cap(campaign):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(selected_count=4)


def _apply_many(campaign, n):
    applications = []
    for c in Council.objects.order_by("gss_code")[:n]:
        user = make_member(c.gss_code, "dcs", email=f"dcs@{c.gss_code.lower()}.example")
        applications.append(
            campaign_apply(user=user, campaign=campaign, council=c, statement="We would like to")
        )
    return applications


def test_the_cap_refuses_a_selection_and_freeing_a_place_allows_one(campaign, pm, cib_admin):
    first, second, third, fourth = _apply_many(campaign, 4)
    for application in (first, second, third):
        campaign_decide(user=pm, application=application, decision="selected", reason="Ready")
    with pytest.raises(SupportError, match="has selected all 3 councils its cap allows"):
        campaign_decide(user=cib_admin, application=fourth, decision="selected", reason="Ready")
    campaign_decide(user=pm, application=first, decision="not_selected", reason="Withdrew")
    campaign_decide(user=pm, application=fourth, decision="selected", reason="Next in line")
    # Deciding "selected" again on a selected council does not count it twice.
    campaign_decide(user=pm, application=fourth, decision="selected", reason="Still ready")
    campaign.refresh_from_db()
    assert campaign.selected_count == 3 == campaign.applications.filter(decision="selected").count()


def test_publishing_needs_every_decision_then_tells_each_applicant(
    campaign, pm, dcs, officer, django_capture_on_commit_callbacks
):
    leeds = campaign_apply(user=dcs, campaign=campaign, council=council(LEEDS), statement="a")
    manchester_dcs = make_member(MANCHESTER, "dcs", email="dcs@manchester.example")
    manchester = campaign_apply(
        user=manchester_dcs, campaign=campaign, council=council(MANCHESTER), statement="b"
    )
    campaign_decide(user=pm, application=leeds, decision="selected", reason="A clear plan")
    with pytest.raises(SupportError, match="1 still pending"):
        campaign_publish(user=pm, campaign=campaign)
    campaign_decide(user=pm, application=manchester, decision="not_selected", reason="Too soon")
    with pytest.raises(SupportError, match="Only the national programme manager"):
        campaign_publish(user=officer, campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_publish(user=pm, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.selection_published
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"dcs@leeds.example", "dcs@manchester.example"}
    assert "Selected" in sent["dcs@leeds.example"].body
    assert "A clear plan" in sent["dcs@leeds.example"].body
    assert "Too soon" in sent["dcs@manchester.example"].body
    assert AuditEvent.objects.filter(action="campaign.publish_selection").count() == 1
    with pytest.raises(SupportError, match="its decisions are final"):
        campaign_decide(user=pm, application=leeds, decision="reserve", reason="Changed mind")


@pytest.mark.django_db(transaction=True)
def test_fifty_selections_at_the_same_moment_never_pass_the_cap(reference_data, today):
    """Fifty councils' applications to a pathfinder call with 30 places, selected in fifty
    threads released together: exactly 30 are selected and the campaign's count equals the
    selected applications."""
    pm = make_member("national", "programme_manager", email="pm-race@lga.example")
    campaign = campaign_create(
        user=None,
        code="race",
        name="Pathfinders",
        opens_on=today,
        closes_on=today,
        cap=30,
    )
    applications = _apply_many(campaign, 50)
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def select(i: int) -> None:
        try:
            barrier.wait()
            campaign_decide(
                user=pm, application=applications[i], decision="selected", reason="Ready"
            )
            result = "selected"
        except SupportError:
            result = "refused"
        except BaseException as exc:  # noqa: BLE001 - any other failure is reported
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=select, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(set(outcomes)) == ["refused", "selected"], outcomes
    assert outcomes.count("selected") == 30
    campaign.refresh_from_db()
    assert campaign.selected_count == 30
    assert campaign.applications.filter(decision="selected").count() == 30
