"""The reviewer register: pages in threes, reviewers' own availability, and the CSV import."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from regions.models import Council
from reviews.models import Accreditation, Reviewer, Unavailability
from reviews.services.reviewers import ReviewerError, reviewers_import
from tests.factories import make_member

pytestmark = pytest.mark.django_db

HEADER = "name,email,home_council_gss,types,accreditation_type,accredited_from,accredited_until\n"


@pytest.fixture
def pm(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


@pytest.fixture
def reviewer_user(reference_data):
    return make_member("national", "peer_reviewer", email="sam@reviewers.example")


@pytest.fixture
def sam(reviewer_user):
    today = timezone.localdate()
    person = Reviewer.objects.create(
        user=reviewer_user, name="Sam Patel", email="sam@reviewers.example", types=["officer_peer"]
    )
    Accreditation.objects.create(
        reviewer=person,
        reviewer_type="officer_peer",
        valid_from=today - timedelta(days=30),
        expires_on=today + timedelta(days=300),
    )
    return person


@pytest.fixture
def lapsed(reference_data):
    person = Reviewer.objects.create(
        name="Lee Lapsed", email="lee@example.org", types=["lead_reviewer"]
    )
    Accreditation.objects.create(
        reviewer=person,
        reviewer_type="lead_reviewer",
        valid_from=date(2018, 1, 1),
        expires_on=date(2020, 1, 1),
    )
    return person


# --- List, detail, create, edit -------------------------------------------------------------


def test_programme_manager_lists_searches_and_filters_reviewers(pm, sam, lapsed, client_for):
    client = client_for(pm)
    page = client.get("/reviewers/")
    assert (
        page.status_code == 200 and b"Sam Patel" in page.content and b"Lee Lapsed" in page.content
    )
    assert b"Lee Lapsed" not in client.get("/reviewers/?q=patel").content
    assert b"Sam Patel" not in client.get("/reviewers/?type=lead_reviewer").content
    current = client.get("/reviewers/?accreditation=current").content
    assert b"Sam Patel" in current and b"Lee Lapsed" not in current
    assert b"Sam Patel" not in client.get("/reviewers/?accreditation=lapsed").content


def test_a_reviewer_cannot_see_the_register(sam, reviewer_user, client_for):
    assert client_for(reviewer_user).get("/reviewers/").status_code == 404


def test_an_outsider_cannot_see_the_register(sam, other_officer, client_for):
    client = client_for(other_officer)
    assert client.get("/reviewers/").status_code == 404
    assert client.get(f"/reviewers/{sam.pk}/").status_code == 404
    assert client.get("/reviewers/new/").status_code == 404


def test_programme_manager_adds_and_changes_a_reviewer(pm, client_for, reference_data):
    client = client_for(pm)
    response = client.post(
        "/reviewers/new/",
        {
            "name": "Ann Other",
            "email": "Ann@Example.org",
            "types": ["member_peer"],
            "is_active": "on",
        },
    )
    ann = Reviewer.objects.get(email="ann@example.org")
    assert response.status_code == 302 and ann.types == ["member_peer"]
    page = client.get(f"/reviewers/{ann.pk}/").text
    assert "Ann Other" in page
    assert "No home council recorded" in page and ">None<" not in page  # never a bare None
    client.post(
        f"/reviewers/{ann.pk}/edit/",
        {"name": "Ann Other", "email": "ann@example.org", "types": ["member_peer", "other_sector"]},
    )
    ann.refresh_from_db()
    assert ann.types == ["member_peer", "other_sector"] and not ann.is_active


def test_adding_a_reviewer_without_a_type_says_so(pm, client_for, reference_data):
    page = client_for(pm).post("/reviewers/new/", {"name": "Ann", "email": "ann@example.org"})
    assert page.status_code == 200 and b"Select at least one reviewer type" in page.content


def test_reviewer_sees_their_own_page_but_cannot_edit_it(sam, reviewer_user, client_for):
    client = client_for(reviewer_user)
    assert client.get("/reviewers/me/").url == f"/reviewers/{sam.pk}/"
    assert client.get(f"/reviewers/{sam.pk}/").status_code == 200
    assert client.get(f"/reviewers/{sam.pk}/edit/").status_code == 404


def test_reviewer_cannot_see_another_reviewer(sam, lapsed, reviewer_user, client_for):
    assert client_for(reviewer_user).get(f"/reviewers/{lapsed.pk}/").status_code == 404


# --- Availability ---------------------------------------------------------------------------


def _days(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_reviewer_adds_and_removes_their_own_unavailability(sam, reviewer_user, client_for):
    client = client_for(reviewer_user)
    response = client.post(
        f"/reviewers/{sam.pk}/unavailability/add/",
        {**_days("first_day", date(2027, 3, 1)), **_days("last_day", date(2027, 3, 5))},
    )
    assert response.status_code == 302
    away = Unavailability.objects.get(reviewer=sam)
    assert away.days.lower == date(2027, 3, 1) and away.days.upper == date(2027, 3, 6)
    assert b"5 March 2027" in client.get(f"/reviewers/{sam.pk}/").content
    client.post(f"/reviewers/{sam.pk}/unavailability/{away.pk}/remove/")
    assert not Unavailability.objects.exists()


def test_unavailability_ending_before_it_starts_is_refused(sam, reviewer_user, client_for):
    page = client_for(reviewer_user).post(
        f"/reviewers/{sam.pk}/unavailability/add/",
        {**_days("first_day", date(2027, 3, 5)), **_days("last_day", date(2027, 3, 1))},
    )
    assert b"The last day must be the same as or after the first day" in page.content


def test_programme_manager_records_a_reviewers_unavailability(sam, pm, client_for):
    client_for(pm).post(
        f"/reviewers/{sam.pk}/unavailability/add/",
        {**_days("first_day", date(2027, 3, 1)), **_days("last_day", date(2027, 3, 1))},
    )
    assert Unavailability.objects.filter(reviewer=sam).count() == 1


def test_another_reviewer_cannot_change_someone_elses_availability(
    sam, lapsed, reviewer_user, client_for
):
    response = client_for(reviewer_user).post(
        f"/reviewers/{lapsed.pk}/unavailability/add/",
        {**_days("first_day", date(2027, 3, 1)), **_days("last_day", date(2027, 3, 1))},
    )
    assert response.status_code == 404 and not Unavailability.objects.exists()


# --- CSV import -----------------------------------------------------------------------------


GOOD = (
    HEADER + "Sam Patel,sam@example.org,E08000032,lead_reviewer;officer_peer,lead_reviewer,"
    "2025-01-01,2028-12-31\n"
    + "Sam Patel,sam@example.org,E08000032,lead_reviewer;officer_peer,officer_peer,"
    "2024-01-01,2027-12-31\n" + "Ann Other,ann@example.org,,member_peer,,,\n"
)


def test_import_creates_reviewers_and_accreditations(reference_data):
    counts = reviewers_import(data=GOOD.encode())
    assert counts == {"created": 2, "updated": 0, "accreditations": 2}
    sam = Reviewer.objects.get(email="sam@example.org")
    assert sam.home_council.name == "Bradford" and sam.types == ["lead_reviewer", "officer_peer"]
    assert reviewers_import(data=GOOD.encode())["updated"] == 2  # again: nothing duplicated
    assert Accreditation.objects.count() == 2


def test_import_is_atomic_with_line_numbered_errors(reference_data):
    bad = GOOD + "No Email,,E99999999,wizard,lead_reviewer,2025-13-01,2024-01-01\n"
    with pytest.raises(ReviewerError) as caught:
        reviewers_import(data=bad.encode())
    text = "\n".join(caught.value.errors)
    assert "Line 5, column email: ‘’ is not an email address" in text
    assert "Line 5, column home_council_gss: no council has the GSS code ‘E99999999’" in text
    assert "Line 5, column types: types must be one or more of" in text
    assert "Line 5, column accredited_from: accredited_from must be a date" in text
    assert not Reviewer.objects.exists()


def test_import_command(tmp_path, reference_data, capsys):
    good = tmp_path / "reviewers.csv"
    good.write_text(GOOD)
    call_command("import_reviewers", str(good))
    assert "2 added" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X,not-an-email,,officer_peer,,,\n")
    with pytest.raises(CommandError, match="Line 2"):
        call_command("import_reviewers", str(bad))


def test_programme_manager_uploads_reviewers(pm, client_for):
    client = client_for(pm)
    upload = SimpleUploadedFile("r.csv", GOOD.encode(), content_type="text/csv")
    assert client.post("/reviewers/import/", {"file": upload}).status_code == 302
    assert Reviewer.objects.count() == 2
    bad = SimpleUploadedFile("r.csv", (HEADER + "X,bad,,officer_peer,,,\n").encode())
    page = client.post("/reviewers/import/", {"file": bad})
    assert (
        page.status_code == 200
        and "Line 2, column email: ‘bad’ is not an email address" in page.text
    )


def test_reviewer_cannot_upload(sam, reviewer_user, client_for):
    assert client_for(reviewer_user).get("/reviewers/import/").status_code == 404


def test_outsider_cannot_upload(other_officer, client_for):
    assert client_for(other_officer).get("/reviewers/import/").status_code == 404


# --- Accreditations, conflicts and past employers (the programme manager's) -----------------


def test_programme_manager_records_accreditation_conflict_and_employment(pm, sam, client_for):
    client = client_for(pm)
    client.post(
        f"/reviewers/{sam.pk}/accreditation/add/",
        {
            "reviewer_type": "lead_reviewer",
            **_days("valid_from", date(2026, 1, 1)),
            **_days("expires_on", date(2029, 1, 1)),
        },
    )
    sam.refresh_from_db()
    assert "lead_reviewer" in sam.types
    assert sam.accreditations.filter(reviewer_type="lead_reviewer").exists()
    leeds = Council.objects.get(gss_code="E08000035")
    client.post(f"/reviewers/{sam.pk}/conflict/add/", {"council": leeds.pk, "reason": "Spouse"})
    client.post(
        f"/reviewers/{sam.pk}/employment/add/",
        {"council": leeds.pk, **_days("worked_from", date(2020, 1, 1))},
    )
    page = client.get(f"/reviewers/{sam.pk}/").content.decode()
    assert "Leeds: conflict of interest (Spouse)" in page
    assert "Leeds: worked there from 1 January 2020 (still works there)" in page


def test_expiry_before_start_is_refused(pm, sam, client_for):
    page = client_for(pm).post(
        f"/reviewers/{sam.pk}/accreditation/add/",
        {
            "reviewer_type": "officer_peer",
            **_days("valid_from", date(2026, 1, 1)),
            **_days("expires_on", date(2025, 1, 1)),
        },
    )
    assert "The expiry date must be the same as or after the start date" in page.text


def test_reviewer_cannot_record_their_own_conflicts(sam, reviewer_user, client_for):
    response = client_for(reviewer_user).get(f"/reviewers/{sam.pk}/conflict/add/")
    assert response.status_code == 404


def test_outsider_cannot_record_accreditations(sam, other_officer, client_for):
    response = client_for(other_officer).get(f"/reviewers/{sam.pk}/accreditation/add/")
    assert response.status_code == 404


def test_the_programme_manager_removes_an_accreditation_after_confirming(
    client_for, reference_data
):
    from datetime import date as day

    from audit.models import AuditEvent
    from regions.models import Council
    from reviews.models import Accreditation, Conflict, Reviewer
    from tests.factories import make_member

    manager = make_member("national", "programme_manager", email="pm.remove@lga.example")
    officer = make_member("E08000035", "council_officer", email="nosy@leeds.example")
    reviewer = Reviewer.objects.create(
        name="Remy Moved", email="remy@example.org", types=["lead_reviewer"]
    )
    accreditation = Accreditation.objects.create(
        reviewer=reviewer,
        reviewer_type="lead_reviewer",
        valid_from=day(2024, 1, 1),
        expires_on=day(2026, 1, 1),
    )
    conflict = Conflict.objects.create(
        reviewer=reviewer, reason="Former DCS", council=Council.objects.get(gss_code="E08000035")
    )
    url = f"/reviewers/{reviewer.pk}/accreditation/{accreditation.pk}/remove/"
    assert client_for(officer).get(url).status_code == 404
    assert client_for(officer).post(url).status_code == 404
    client = client_for(manager)
    assert b"Are you sure you want to remove this accreditation?" in client.get(url).content
    assert client.post(url).status_code == 302
    assert not Accreditation.objects.filter(pk=accreditation.pk).exists()
    assert (
        client.post(f"/reviewers/{reviewer.pk}/conflict/{conflict.pk}/remove/").status_code == 302
    )
    assert not Conflict.objects.exists()
    assert AuditEvent.objects.filter(action="reviewer.accreditation_remove").count() == 1
    assert client.get(f"/reviewers/{reviewer.pk}/bogus/1/remove/").status_code == 404


def test_an_empty_register_says_it_was_never_loaded_not_that_none_match(pm, client_for):
    from reviews.models import Reviewer

    assert not Reviewer.objects.exists()
    client = client_for(pm)
    html = client.get("/reviewers/").content.decode()
    assert "The register is empty: no reviewer has been added or imported yet." in html
    assert 'href="/reviewers/import/">Import the register (CSV)</a>' in html
    assert "No reviewers match." not in html
    # A search that finds nobody is still "none match".
    assert "No reviewers match." in client.get("/reviewers/", {"q": "nobody"}).content.decode()
