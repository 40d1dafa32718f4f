"""Team assembly: the proposal, the exclusions in words, assigning, and the team page."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateRange

from regions.models import Council
from reviews.catalogue import products_sync
from reviews.models import (
    Accreditation,
    Conflict,
    Product,
    RecentEmployment,
    Reviewer,
    TeamAssignment,
    Unavailability,
)
from reviews.services.bookings import booking_request
from reviews.services.team import TeamError, team_assign, team_confirm, team_proposal
from tests.factories import make_member

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)  # a Monday; the safeguarding peer review is on site 1–5 March


@pytest.fixture
def products(reference_data):
    products_sync()


@pytest.fixture
def leeds(reference_data):
    return Council.objects.get(gss_code="E08000035")


@pytest.fixture
def bradford(reference_data):
    return Council.objects.get(gss_code="E08000032")


@pytest.fixture
def pm(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


def book(council, code, day, user):
    return booking_request(
        council=council,
        product=Product.objects.get(code=code),
        first_on_site_day=day,
        requested_by=user,
        charging_basis="subsidised",
    )


def reviewer(name, types, *, home=None, accredited=(date(2025, 1, 1), date(2029, 12, 31))):
    person = Reviewer.objects.create(
        name=name,
        email=f"{name.lower().replace(' ', '.')}@example.org",
        home_council=home,
        types=list(types),
    )
    for reviewer_type in types:
        Accreditation.objects.create(
            reviewer=person,
            reviewer_type=reviewer_type,
            valid_from=accredited[0],
            expires_on=accredited[1],
        )
    return person


@pytest.fixture
def diagnostic(products, leeds, pm):
    """An LSCB diagnostic at Leeds: two officer peers, 1–3 March 2027."""
    return book(leeds, "lscb_diagnostic", START, pm)


def reasons_for(proposal, person):
    return " ".join(r for c in proposal.excluded if c.reviewer == person for r in c.reasons)


def test_proposal_meets_the_make_up_with_the_least_busy_reviewers(diagnostic, bradford, pm):
    busy = reviewer("Alice Busy", ["officer_peer"])
    free_b = reviewer("Bob Free", ["officer_peer"])
    free_c = reviewer("Cara Free", ["officer_peer"])
    earlier = book(bradford, "lscb_diagnostic", date(2027, 1, 11), pm)
    team_assign(booking=earlier, reviewer=busy, reviewer_type="officer_peer", assigned_by=pm)

    proposal = team_proposal(diagnostic)

    assert [c.reviewer for c in proposal.proposed] == [free_b, free_c]
    assert proposal.is_complete
    assert [(c.reviewer, c.days_this_year) for c in proposal.candidates] == [(busy, 3)]


def test_proposal_says_how_many_are_missing(diagnostic):
    reviewer("Only One", ["officer_peer"])
    proposal = team_proposal(diagnostic)
    assert len(proposal.proposed) == 1 and proposal.shortfall == {"officer_peer": 1}


def test_exclusions_are_given_in_words(diagnostic, leeds, bradford, pm):
    own = reviewer("Own Council", ["officer_peer"], home=leeds)
    former = reviewer("Former Employee", ["officer_peer"])
    RecentEmployment.objects.create(
        reviewer=former, council=leeds, worked_from=date(2015, 1, 1), worked_until=date(2023, 6, 30)
    )
    long_ago = reviewer("Long Ago", ["officer_peer"])
    RecentEmployment.objects.create(
        reviewer=long_ago,
        council=leeds,
        worked_from=date(2010, 1, 1),
        worked_until=date(2021, 12, 31),
    )
    conflicted = reviewer("Conflicted", ["officer_peer"])
    Conflict.objects.create(reviewer=conflicted, council=leeds, reason="Sister is the DCS")
    lapsing = reviewer("Lapsing", ["officer_peer"], accredited=(date(2024, 1, 1), date(2027, 3, 2)))
    away = reviewer("Away", ["officer_peer"])
    Unavailability.objects.create(
        reviewer=away, days=DateRange(date(2027, 3, 3), date(2027, 3, 10))
    )
    elsewhere = reviewer("Elsewhere", ["officer_peer"])
    other = book(bradford, "lscb_diagnostic", date(2027, 3, 3), pm)
    team_assign(booking=other, reviewer=elsewhere, reviewer_type="officer_peer", assigned_by=pm)

    proposal = team_proposal(diagnostic)

    assert "Works for Leeds" in reasons_for(proposal, own)
    assert "Worked for Leeds in the last five years" in reasons_for(proposal, former)
    assert [c.reviewer for c in proposal.proposed] == [long_ago]
    assert "conflict of interest: Sister is the DCS" in reasons_for(proposal, conflicted)
    assert "Not accredited as officer peer" in reasons_for(proposal, lapsing)
    assert "Unavailable from 3 March 2027 to 9 March 2027" in reasons_for(proposal, away)
    assert "at Bradford from 3 March 2027, which overlaps" in reasons_for(proposal, elsewhere)


def test_assigning_an_excluded_reviewer_is_refused_with_the_reason(diagnostic, leeds, pm):
    own = reviewer("Own Council", ["officer_peer"], home=leeds)
    with pytest.raises(TeamError, match="Works for Leeds"):
        team_assign(booking=diagnostic, reviewer=own, reviewer_type="officer_peer", assigned_by=pm)
    assert not TeamAssignment.objects.exists()


def test_assignment_copies_the_on_site_days_and_confirming_fills_the_team(diagnostic, pm):
    reviewer("Bob", ["officer_peer"])
    reviewer("Cara", ["officer_peer"])
    assert team_confirm(booking=diagnostic, proposal=team_proposal(diagnostic), assigned_by=pm) == 2
    assert {a.on_site for a in diagnostic.team.all()} == {diagnostic.on_site}
    assert team_proposal(diagnostic).proposed == []


@pytest.mark.django_db(transaction=True)
def test_two_managers_assigning_one_reviewer_to_overlapping_dates_end_with_one(
    products, leeds, bradford, pm
):
    person = reviewer("Sought After", ["officer_peer"])
    first = book(leeds, "lscb_diagnostic", START, pm)
    second = book(bradford, "lscb_diagnostic", date(2027, 3, 2), pm)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def assign(booking):
        try:
            barrier.wait()
            team_assign(
                booking=booking, reviewer=person, reviewer_type="officer_peer", assigned_by=pm
            )
            outcomes.append("assigned")
        except TeamError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert TeamAssignment.objects.filter(reviewer=person, is_active=True).count() == 1
    assert outcomes.count("assigned") == 1
    (refusal,) = [o for o in outcomes if o != "assigned"]
    assert "Sought After cannot join this team" in refusal


# --- The team page, in threes ---------------------------------------------------------------


def test_programme_manager_sees_the_team_page_and_adds_a_reviewer(diagnostic, pm, client_for):
    bob = reviewer("Bob", ["officer_peer"])
    client = client_for(pm)
    url = f"/reviewers/bookings/{diagnostic.pk}/team/"
    page = client.get(url)
    assert page.status_code == 200 and b"Bob" in page.content
    response = client.post(url, {"candidate": f"{bob.pk}:officer_peer"})
    assert response.status_code == 302
    assert diagnostic.team.get().reviewer == bob
    assignment = diagnostic.team.get()
    client.post(f"{url}{assignment.pk}/remove/")
    assert not diagnostic.team.filter(is_active=True).exists()


def test_team_page_says_the_shortfall_in_plural_words(diagnostic, pm, client_for):
    page = client_for(pm).get(f"/reviewers/bookings/{diagnostic.pk}/team/").content.decode()
    assert "2 officer peers short." in page and "2 officer peer short" not in page


def test_team_page_confirms_the_proposed_team(diagnostic, pm, client_for):
    reviewer("Bob", ["officer_peer"])
    reviewer("Cara", ["officer_peer"])
    client = client_for(pm)
    response = client.post(f"/reviewers/bookings/{diagnostic.pk}/team/confirm/")
    assert response.status_code == 302
    assert diagnostic.team.filter(is_active=True).count() == 2


def test_council_officer_cannot_see_the_team_page(diagnostic, officer, client_for):
    assert client_for(officer).get(f"/reviewers/bookings/{diagnostic.pk}/team/").status_code == 404


def test_outsider_cannot_see_the_team_page(diagnostic, other_officer, client_for):
    client = client_for(other_officer)
    assert client.get(f"/reviewers/bookings/{diagnostic.pk}/team/").status_code == 404
    assert client.post(f"/reviewers/bookings/{diagnostic.pk}/team/confirm/").status_code == 404


def test_team_page_warns_when_the_week_is_at_the_cap(diagnostic, bradford, pm, client_for):
    from reviews.services.capacity import weekly_cap_set

    weekly_cap_set(cap=1, actor=pm)
    other = book(bradford, "lscb_diagnostic", date(2027, 3, 2), pm)
    team_assign(
        booking=other,
        reviewer=reviewer("Busy", ["officer_peer"]),
        reviewer_type="officer_peer",
        assigned_by=pm,
    )
    page = client_for(pm).get(f"/reviewers/bookings/{diagnostic.pk}/team/").content.decode()
    assert "Over capacity: 1 other review is already on site in week 9 of 2027" in page


def test_the_shortfall_counts_the_active_team_and_reads_in_words(diagnostic, pm):
    from reviews.services.team import shortfall_in_words, team_remove, team_shortfall

    assert team_shortfall(diagnostic) == {"officer_peer": 2}
    bob = reviewer("Bob", ["officer_peer"])
    assignment = team_assign(
        booking=diagnostic, reviewer=bob, reviewer_type="officer_peer", assigned_by=pm
    )
    assert team_shortfall(diagnostic) == {"officer_peer": 1}
    team_remove(assignment=assignment, removed_by=pm)
    assert team_shortfall(diagnostic) == {"officer_peer": 2}
    assert shortfall_in_words({"officer_peer": 1}) == "1 more officer peer"
    assert shortfall_in_words({"other_sector": 2, "practitioner": 1, "health": 3}) == (
        "2 more reviewers from another sector, 1 more social care practitioner and "
        "3 more health practitioners"
    )
