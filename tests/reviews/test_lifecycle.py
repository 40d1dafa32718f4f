"""A booking's lifecycle: steps in order, each by the role allowed, audited, with an email."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import Product, Reviewer, TeamAssignment
from reviews.services.bookings import BookingError, booking_request
from reviews.services.lifecycle import booking_advance
from tests.factories import make_member
from tests.reviews.helpers import accredited_reviewer, assemble_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


@pytest.fixture
def booking(reference_data, officer):
    products_sync()
    return booking_request(
        council=Council.objects.get(gss_code="E08000035"),
        product=Product.objects.get(code="safeguarding_peer_review"),
        first_on_site_day=date(2031, 3, 3),
        requested_by=officer,
        contact_email="ann@leeds.example",
    )


def move(booking, status, actor):
    return booking_advance(booking=booking, to_status=status, actor=actor)


def test_the_whole_lifecycle_by_the_right_roles(
    booking, adviser, manager, dcs, mailoutbox, django_capture_on_commit_callbacks
):
    assemble_team(booking, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("scoping", "team_assembled", "scheduled", "on_site", "report_drafted"):
            booking = move(booking, status, adviser)
        booking = move(booking, "report_published", dcs)
        booking = move(booking, "closed", manager)
    assert booking.status == "closed"
    events = AuditEvent.objects.filter(action="booking.status", object_id=str(booking.pk))
    assert events.count() == 7
    assert len(mailoutbox) == 7
    assert set(mailoutbox[0].to) == {"ann@leeds.example", "officer@leeds.example"}
    assert "scoping" in mailoutbox[0].subject


def status_events(booking):
    return AuditEvent.objects.filter(action="booking.status", object_id=str(booking.pk))


def test_team_assembled_without_a_team_is_refused_and_nothing_changes(booking, adviser):
    booking = move(booking, "scoping", adviser)
    with pytest.raises(BookingError) as refused:
        move(booking, "team_assembled", adviser)
    assert str(refused.value) == (
        "The team is not complete: it needs 1 more lead reviewer, 2 more officer peers, "
        "1 more elected-member peer and 1 more reviewer from another sector. "
        "Assemble it on the team page."
    )
    booking.refresh_from_db()
    assert booking.status == "scoping"
    assert status_events(booking).count() == 1


def test_team_assembled_with_a_partial_team_is_refused_naming_what_is_missing(
    booking, adviser, manager
):
    from reviews.services.team import team_assign

    booking = move(booking, "scoping", adviser)
    days = {"valid_from": date(2031, 1, 1), "expires_on": date(2031, 12, 31)}
    for name, reviewer_type in [
        ("Lee Lead", "lead_reviewer"),
        ("Olive Officer", "officer_peer"),
        ("Sam Sector", "other_sector"),
    ]:
        team_assign(
            booking=booking,
            reviewer=accredited_reviewer(name, [reviewer_type], **days),
            reviewer_type=reviewer_type,
            assigned_by=manager,
        )
    with pytest.raises(BookingError) as refused:
        move(booking, "team_assembled", adviser)
    assert str(refused.value) == (
        "The team is not complete: it needs 1 more officer peer and "
        "1 more elected-member peer. Assemble it on the team page."
    )
    booking.refresh_from_db()
    assert booking.status == "scoping"
    assert status_events(booking).count() == 1


def test_team_assembled_with_the_full_team(booking, adviser, manager):
    booking = move(booking, "scoping", adviser)
    assert assemble_team(booking, by=manager) == 5
    assert move(booking, "team_assembled", adviser).status == "team_assembled"
    assert status_events(booking).count() == 2


def test_a_reviewer_taken_off_the_team_does_not_count(booking, adviser, manager):
    from reviews.services.team import team_remove

    booking = move(booking, "scoping", adviser)
    assemble_team(booking, by=manager)
    officer_peer = booking.team.filter(reviewer_type="officer_peer").first()
    team_remove(assignment=officer_peer, removed_by=manager)
    assert booking.team.count() == 5
    with pytest.raises(BookingError, match="it needs 1 more officer peer\\. Assemble it"):
        move(booking, "team_assembled", adviser)
    booking.refresh_from_db()
    assert booking.status == "scoping"
    assert status_events(booking).count() == 1


def test_the_refusal_for_an_incomplete_team_shows_on_the_page(client_for, booking, adviser):
    move(booking, "scoping", adviser)
    r = client_for(adviser).post(
        reverse("reviews:booking_advance", kwargs={"pk": booking.pk}),
        {"to": "team_assembled"},
        follow=True,
    )
    assert "The team is not complete: it needs 1 more lead reviewer" in r.content.decode()
    booking.refresh_from_db()
    assert booking.status == "scoping"


def test_a_step_out_of_order_is_refused(booking, adviser):
    with pytest.raises(BookingError, match="its next step is scoping, not scheduled"):
        move(booking, "scheduled", adviser)
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_a_council_officer_cannot_move_a_booking_on(booking, officer):
    with pytest.raises(BookingError, match="Only a programme manager or adviser"):
        move(booking, "scoping", officer)


def test_only_the_council_dcs_or_chief_executive_publishes(booking, adviser, officer, dcs, manager):
    assemble_team(booking, by=manager)
    for status in ("scoping", "team_assembled", "scheduled", "on_site", "report_drafted"):
        booking = move(booking, status, adviser)
    with pytest.raises(BookingError, match="DCS or chief executive"):
        move(booking, "report_published", adviser)
    with pytest.raises(BookingError, match="DCS or chief executive"):
        move(booking, "report_published", officer)
    assert move(booking, "report_published", dcs).status == "report_published"


def test_only_a_programme_manager_closes(booking, adviser, dcs, manager):
    assemble_team(booking, by=manager)
    for status in ("scoping", "team_assembled", "scheduled", "on_site", "report_drafted"):
        booking = move(booking, status, adviser)
    booking = move(booking, "report_published", dcs)
    with pytest.raises(BookingError, match="Only a programme manager"):
        move(booking, "closed", adviser)
    assert move(booking, "closed", manager).status == "closed"
    with pytest.raises(BookingError, match="cannot move"):
        move(booking, "closed", manager)


def test_the_lead_reviewer_drafts_the_report(booking, adviser, manager):
    assemble_team(booking, by=manager)
    for status in ("scoping", "team_assembled", "scheduled", "on_site"):
        booking = move(booking, status, adviser)
    lead_user = make_member("national", "peer_reviewer", email="lead@reviewers.example")
    reviewer = Reviewer.objects.create(
        name="Lee Lead", email="lead@reviewers.example", user=lead_user, types=["lead_reviewer"]
    )
    TeamAssignment.objects.create(
        booking=booking,
        reviewer=reviewer,
        reviewer_type="lead_reviewer",
        on_site=booking.on_site,
        assigned_by=manager,
    )
    assert move(booking, "report_drafted", lead_user).status == "report_drafted"


def test_a_cancelled_booking_does_not_move(booking, officer, adviser):
    from reviews.services.lifecycle import booking_cancel_and_notify

    booking_cancel_and_notify(booking=booking, reason="Not needed", cancelled_by=officer)
    with pytest.raises(BookingError, match="cancelled booking cannot move"):
        move(booking, "scoping", adviser)


def test_cancelling_is_refused_once_on_site(booking, adviser, officer, manager):
    from reviews.services.lifecycle import booking_cancel_and_notify

    assemble_team(booking, by=manager)
    for status in ("scoping", "team_assembled", "scheduled", "on_site"):
        booking = move(booking, status, adviser)
    with pytest.raises(BookingError, match="before the team is on site"):
        booking_cancel_and_notify(booking=booking, reason="Too late", cancelled_by=officer)


@pytest.mark.parametrize(
    ("who", "status"), [("adviser", 302), ("officer", 403), ("other_officer", 404)]
)
def test_the_advance_button_by_role(client_for, request, booking, who, status):
    client = client_for(request.getfixturevalue(who))
    r = client.post(
        reverse("reviews:booking_advance", kwargs={"pk": booking.pk}), {"to": "scoping"}
    )
    assert r.status_code == status
    booking.refresh_from_db()
    assert booking.status == ("scoping" if status == 302 else "requested")


def test_the_detail_page_offers_the_next_step_to_whoever_may_take_it(
    client_for, booking, adviser, officer
):
    assert (
        "Mark as scoping"
        in client_for(adviser)
        .get(reverse("reviews:booking_detail", kwargs={"pk": booking.pk}))
        .content.decode()
    )
    assert (
        "Mark as scoping"
        not in client_for(officer)
        .get(reverse("reviews:booking_detail", kwargs={"pk": booking.pk}))
        .content.decode()
    )


def test_an_out_of_order_post_shows_the_message(client_for, booking, adviser):
    client = client_for(adviser)
    r = client.post(
        reverse("reviews:booking_advance", kwargs={"pk": booking.pk}),
        {"to": "on_site"},
        follow=True,
    )
    assert "its next step is scoping, not on site" in r.content.decode()
