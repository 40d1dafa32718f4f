"""Scheduling a challenge: proposing dates, answering, agreeing (with the audit and the
emails), the calendar entry, and who may see and do each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from peerchallenge.models import Attendee, DateOption, DateVote
from tests.conftest import LEEDS
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def dates(challenge):
    return f"/challenges/{challenge.pk}/dates/"


def propose_url(challenge):
    return f"/challenges/{challenge.pk}/dates/propose/"


def agree_url(challenge, option):
    return f"/challenges/{challenge.pk}/dates/{option.pk}/agree/"


def ics_url(challenge):
    return f"/challenges/{challenge.pk}/calendar.ics"


TODAY = timezone.localdate()
SOON = TODAY + timedelta(days=21)


@pytest.fixture(autouse=True)
def _programme_around_today(programme):
    """The programme runs from a month ago for most of a year, whatever today is."""
    programme.starts_on = TODAY - timedelta(days=30)
    programme.ends_on = TODAY + timedelta(days=300)
    programme.save()


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def range_post(start, end):
    return {**date_fields("starts_on", start), **date_fields("ends_on", end)}


@pytest.fixture
def option(challenge, officer):
    return DateOption.objects.create(
        challenge=challenge, starts_on=SOON, ends_on=SOON + timedelta(days=1), proposed_by=officer
    )


@pytest.fixture
def second_option(challenge, challenger):
    start = SOON + timedelta(days=14)
    return DateOption.objects.create(
        challenge=challenge,
        starts_on=start,
        ends_on=start + timedelta(days=2),
        proposed_by=challenger,
    )


# --- Proposing -------------------------------------------------------------------------------


def test_host_staff_propose_dates(challenge, officer, client_for):
    client = client_for(officer)
    response = client.post(propose_url(challenge), range_post(SOON, SOON + timedelta(days=1)))
    assert response.status_code == 302 and response["Location"] == dates(challenge)
    option = DateOption.objects.get(challenge=challenge)
    assert (option.starts_on, option.ends_on, option.proposed_by) == (
        SOON,
        SOON + timedelta(days=1),
        officer,
    )
    page = client.get(dates(challenge)).content.decode()
    assert str(option) in page


def test_the_assigned_challenger_and_the_lead_propose_dates(
    challenge, challenger, regional_lead, client_for
):
    client_for(challenger).post(propose_url(challenge), range_post(SOON, SOON))
    later = SOON + timedelta(days=7)
    client_for(regional_lead).post(propose_url(challenge), range_post(later, later))
    assert DateOption.objects.filter(challenge=challenge).count() == 2


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (SOON, SOON - timedelta(days=1), "ends_on", "must be the same as or after the first day"),
        (TODAY - timedelta(days=1), TODAY, "starts_on", "must be today or in the future"),
        (
            TODAY + timedelta(days=301),
            TODAY + timedelta(days=302),
            "starts_on",
            "within the programme",
        ),
        (
            TODAY + timedelta(days=299),
            TODAY + timedelta(days=302),
            "ends_on",
            "end of the programme",
        ),
    ],
)
def test_proposing_refuses_bad_ranges_with_a_message(
    challenge, officer, client_for, start, end, field, message
):
    response = client_for(officer).post(propose_url(challenge), range_post(start, end))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()
    assert response.content.decode().count("<title>Error: ") == 1
    assert not DateOption.objects.exists()


def test_proposing_needs_real_dates(challenge, officer, client_for):
    data = {**range_post(SOON, SOON), "starts_on_day": "31", "starts_on_month": "2"}
    response = client_for(officer).post(propose_url(challenge), data)
    assert response.context["form"].errors["starts_on"] == ["The first day must be a real date"]
    response = client_for(officer).post(propose_url(challenge), {})
    assert response.context["form"].errors == {
        "starts_on": ["Enter the first day"],
        "ends_on": ["Enter the last day"],
    }


def test_proposing_the_same_dates_twice_is_refused(challenge, officer, option, client_for):
    response = client_for(officer).post(
        propose_url(challenge), range_post(option.starts_on, option.ends_on)
    )
    assert response.context["form"].errors["starts_on"] == [
        "These dates have already been proposed"
    ]
    assert DateOption.objects.count() == 1


# --- Answering -------------------------------------------------------------------------------


def test_answering_every_option_in_one_form_and_changing_an_answer(
    challenge, option, second_option, challenger, client_for
):
    client = client_for(challenger)
    response = client.post(
        dates(challenge), {f"option_{option.pk}": "yes", f"option_{second_option.pk}": "no"}
    )
    assert response.status_code == 302
    assert dict(DateVote.objects.filter(user=challenger).values_list("option_id", "answer")) == {
        option.pk: "yes",
        second_option.pk: "no",
    }
    client.post(dates(challenge), {f"option_{second_option.pk}": "if_need_be"})
    assert DateVote.objects.get(user=challenger, option=second_option).answer == "if_need_be"
    assert DateVote.objects.get(user=challenger, option=option).answer == "yes"  # kept
    assert DateVote.objects.count() == 2


def test_answering_nothing_is_refused(challenge, option, officer, client_for):
    response = client_for(officer).post(dates(challenge), {})
    assert response.status_code == 200
    assert response.context["form"].errors[f"option_{option.pk}"] == [
        "Answer at least one of the proposed dates"
    ]
    response = client_for(officer).post(dates(challenge), {f"option_{option.pk}": "maybe"})
    assert response.status_code == 200
    assert not DateVote.objects.exists()


def test_the_poll_shows_each_answer_and_the_counts(
    challenge, option, second_option, officer, challenger, regional_lead, client_for
):
    DateVote.objects.create(option=option, user=officer, answer="yes")
    DateVote.objects.create(option=option, user=challenger, answer="if_need_be")
    DateVote.objects.create(option=second_option, user=challenger, answer="no")
    DateVote.objects.create(option=option, user=regional_lead, answer="yes")
    response = client_for(officer).get(dates(challenge))
    columns, rows = response.context["columns"], response.context["rows"]
    assert [c.counts for c in columns] == [
        {"yes": 2, "if_need_be": 1, "no": 0},
        {"yes": 0, "if_need_be": 0, "no": 1},
    ]
    cells = {r.name: r.cells for r in rows}
    assert cells[officer.full_name] == ["Available", "No answer"]
    assert cells[challenger.full_name] == ["If need be", "Not available"]
    assert cells[regional_lead.full_name] == ["Available", "No answer"]
    html = response.content.decode()
    # A table named by its caption, drawn above the table's own scrolling region.
    assert "app-table-scroll__caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "2 available, 1 if need be, 0 not available" in html
    # The officer's own answers are filled in.
    assert f'name="option_{option.pk}" type="radio" value="yes" checked' in html
    assert f'name="option_{option.pk}" type="radio" value="no" checked' not in html


def test_poll_query_count_does_not_grow_with_people_and_answers(
    challenge, option, officer, client_for, django_assert_max_num_queries
):
    client = client_for(officer)
    client.get(dates(challenge))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(dates(challenge))
    for n in range(4):
        person = make_member(LEEDS, "council_officer", email=f"staff{n}@leeds.example")
        DateVote.objects.create(option=option, user=person, answer="yes")
    with CaptureQueriesContext(connection) as after:
        client.get(dates(challenge))
    assert len(after) == len(before)


# --- Agreeing --------------------------------------------------------------------------------


def test_agreeing_sets_the_dates_audits_and_emails_everyone_with_the_calendar(
    challenge,
    option,
    officer,
    dcs,
    challenger,
    client_for,
    django_capture_on_commit_callbacks,
):
    Attendee.objects.create(challenge=challenge, name="Ann Attendee", email="ann@leeds.example")
    client = client_for(officer)
    confirm = client.get(agree_url(challenge, option))
    assert confirm.status_code == 200
    assert "Agree these dates?" in confirm.content.decode()
    challenge.refresh_from_db()
    assert challenge.starts_on is None  # the confirmation page changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(agree_url(challenge, option))
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert (challenge.starts_on, challenge.ends_on, challenge.status) == (
        option.starts_on,
        option.ends_on,
        "scheduled",
    )
    event = AuditEvent.objects.get(action="challenge.dates_agreed", object_id=str(challenge.pk))
    assert event.actor == officer
    assert event.after["starts_on"] == str(option.starts_on)
    assert event.before["status"] == "preparing"
    recipients = sorted(m.to[0] for m in mail.outbox)
    # The host's senior leaders (its DCS, not every officer), the challenger, the attendees.
    assert recipients == sorted([dcs.email, challenger.email, "ann@leeds.example"])
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    assert f"DTSTART;VALUE=DATE:{option.starts_on:%Y%m%d}" in content
    assert "dates agreed" in mail.outbox[0].subject


def test_a_lead_may_agree_but_a_challenger_may_not(
    challenge, option, regional_lead, challenger, client_for
):
    assert client_for(challenger).get(agree_url(challenge, option)).status_code == 403
    assert client_for(challenger).post(agree_url(challenge, option)).status_code == 403
    response = client_for(regional_lead).post(agree_url(challenge, option))
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == "scheduled"


def test_dates_cannot_be_agreed_after_feedback_or_once_passed(
    challenge, option, officer, client_for
):
    challenge.status = "feedback"
    challenge.save()
    response = client_for(officer).post(agree_url(challenge, option))
    assert response.status_code == 200
    assert "feedback has been given" in response.content.decode()
    challenge.status = "preparing"
    challenge.save()
    DateOption.objects.filter(pk=option.pk).update(
        starts_on=TODAY - timedelta(days=2), ends_on=TODAY - timedelta(days=1)
    )
    response = client_for(officer).post(agree_url(challenge, option))
    assert "These dates have passed" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.starts_on is None


def test_an_option_of_another_challenge_is_not_found(
    challenge, other_challenge, other_challenger, officer, client_for
):
    theirs = DateOption.objects.create(
        challenge=other_challenge, starts_on=SOON, ends_on=SOON, proposed_by=other_challenger
    )
    assert client_for(officer).get(agree_url(challenge, theirs)).status_code == 404


# --- The calendar entry ----------------------------------------------------------------------


def unfold(text):
    return text.replace("\r\n ", "").split("\r\n")


def test_the_calendar_entry_of_the_agreed_dates(challenge, option, officer, challenger, client_for):
    client = client_for(officer)
    assert client.get(ics_url(challenge)).status_code == 404  # not agreed yet
    challenge.starts_on, challenge.ends_on = option.starts_on, option.ends_on
    challenge.focus = "Help, protection; and the front door"
    challenge.save()
    response = client.get(ics_url(challenge))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    lines = unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and "BEGIN:VEVENT" in lines
    assert f"DTSTART;VALUE=DATE:{option.starts_on:%Y%m%d}" in lines
    # DTEND is exclusive: the day after the last day.
    assert f"DTEND;VALUE=DATE:{option.ends_on + timedelta(days=1):%Y%m%d}" in lines
    assert "SUMMARY:Peer challenge of Leeds" in lines
    uid = next(line for line in lines if line.startswith("UID:"))
    assert uid == f"UID:peer-challenge-{challenge.pk}@cib-portal.lga.example"
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Bradford" in description and challenger.full_name.replace(",", "\\,") in description
    assert "Help\\, protection\\; and the front door" in description
    assert not any(line.startswith("ORGANIZER") for line in lines)
    # The same UID next time, so a calendar updates the event.
    assert uid in unfold(client.get(ics_url(challenge)).content.decode())


def test_the_poll_links_the_calendar_once_agreed(challenge, option, officer, client_for):
    challenge.starts_on, challenge.ends_on, challenge.status = SOON, SOON, "scheduled"
    challenge.save()
    assert ics_url(challenge) in client_for(officer).get(dates(challenge)).content.decode()


# --- Who may see and do what -----------------------------------------------------------------


@pytest.fixture
def agreed(challenge, option):
    challenge.starts_on, challenge.ends_on, challenge.status = (
        option.starts_on,
        option.ends_on,
        "scheduled",
    )
    challenge.save()
    return challenge


PAGES = {
    "poll": lambda c, o: dates(c),
    "propose": lambda c, o: propose_url(c),
    "agree": lambda c, o: agree_url(c, o),
    "calendar": lambda c, o: ics_url(c),
}


@pytest.mark.parametrize("part", list(PAGES))
@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("officer", 200),
        ("challenger", 200),
        ("regional_lead", 200),
        ("adviser", 200),
        ("other_officer", 404),
        ("other_challenger", 404),
        ("cib_admin", 404),
        ("other_regional_lead", 404),
    ],
)
def test_who_may_see_each_page(
    request, agreed, option, other_challenge, client_for, part, person, status
):
    user = request.getfixturevalue(person)
    expected = status
    if status == 200 and (
        (part == "propose" and person == "adviser")
        or (part == "agree" and person in ("adviser", "challenger"))
    ):
        expected = 403  # may see the challenge, may not change its dates
    assert client_for(user).get(PAGES[part](agreed, option)).status_code == expected


@pytest.mark.parametrize("part", list(PAGES))
def test_anonymous_is_sent_to_sign_in(agreed, option, client_for, part):
    response = client_for(None).get(PAGES[part](agreed, option))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_viewer_who_cannot_change_gets_403_on_every_post(challenge, option, adviser, client_for):
    client = client_for(adviser)
    assert client.get(dates(challenge)).status_code == 200
    assert "Save your answers" not in client.get(dates(challenge)).content.decode()
    assert client.post(dates(challenge), {f"option_{option.pk}": "yes"}).status_code == 403
    assert client.post(propose_url(challenge), range_post(SOON, SOON)).status_code == 403
    assert client.post(agree_url(challenge, option)).status_code == 403
    assert not DateVote.objects.exists()
    assert DateOption.objects.count() == 1


def test_outsiders_cannot_post(challenge, option, other_challenger, other_officer, client_for):
    for user in (other_challenger, other_officer):
        client = client_for(user)
        assert client.post(dates(challenge), {f"option_{option.pk}": "yes"}).status_code == 404
        assert client.post(propose_url(challenge), range_post(SOON, SOON)).status_code == 404
        assert client.post(agree_url(challenge, option)).status_code == 404
    assert not DateVote.objects.exists()
    challenge.refresh_from_db()
    assert challenge.starts_on is None
