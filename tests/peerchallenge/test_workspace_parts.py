"""The parts of a challenge's workspace: uploads checked for type, content and size; the
self-assessment sharing rule; dates and attendees; the feedback letter and its PDF; the action
plan; the follow-up review."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from peerchallenge.documents import MAX_BYTES
from peerchallenge.models import (
    Action,
    Attendee,
    ChallengeDocument,
    FeedbackLetter,
    LineOfEnquiry,
    SelfAssessment,
)
from reports.models import ReportJob, ReportStatus
from reports.services import report_render

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(challenge, name, **kw):
    return reverse(f"peerchallenge:{name}", kwargs={"pk": challenge.pk, **kw})


def zip_with(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_with(("[Content_Types].xml", b"<x/>"), ("word/document.xml", b"<w/>"))
XLSX = zip_with(("[Content_Types].xml", b"<x/>"), ("xl/workbook.xml", b"<w/>"))
ODT = zip_with(("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<c/>"))
ODS = zip_with(
    ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<c/>")
)


def upload(client, challenge, name, content, title="A document"):
    return client.post(
        url(challenge, "challenge_documents"),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


# --- Documents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("plan.pdf", b"%PDF-1.7\n...", "application/pdf"),
        (
            "plan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("data.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("notes.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("data.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        ("data.csv", b"area,value\nLeeds,3\n", "text/csv"),
        ("notes.TXT", "Café notes".encode(), "text/plain"),
    ],
)
def test_the_host_uploads_each_allowed_kind(
    challenge, officer, client_for, name, content, content_type
):
    response = upload(client_for(officer), challenge, name, content)
    assert response.status_code == 302
    document = ChallengeDocument.objects.get(challenge=challenge)
    assert document.content_type == content_type and document.size == len(content)
    assert document.uploaded_by == officer
    event = AuditEvent.objects.get(action="challenge.document_upload")
    assert event.object_id == str(document.pk) and event.actor == officer


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("tool.exe", b"MZ\x90\x00", "The selected file must be a PDF, Word (.docx)"),
        ("report.doc", b"\xd0\xcf\x11\xe0", "The selected file must be a PDF, Word (.docx)"),
        ("no-extension", b"%PDF-1.4", "The selected file must be a PDF"),
        ("report.pdf", b"MZ\x90\x00 a program", "is not a real PDF"),
        ("report.pdf", DOCX, "is not a real PDF"),
        ("plan.docx", b"%PDF-1.4 renamed", "is not a real Word document"),
        ("plan.docx", XLSX, "is not a real Word document"),
        ("plan.docx", b"PK\x03\x04 broken zip", "is not a real Word document"),
        ("data.xlsx", DOCX, "is not a real Excel spreadsheet"),
        ("notes.odt", ODS, "is not a real OpenDocument text"),
        ("data.csv", b"\x00\x01\x02binary", "is not a CSV"),
        ("notes.txt", b"\xff\xfe\xfa not utf-8", "is not a plain text file"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_wrong_or_forged_file_is_refused_with_a_message(
    challenge, officer, client_for, name, content, message
):
    response = upload(client_for(officer), challenge, name, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page and "<title>Error:" in page
    assert not ChallengeDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="challenge.document_upload").exists()


def test_a_file_over_10_mb_is_refused(challenge, officer, client_for):
    response = upload(client_for(officer), challenge, "big.pdf", b"%PDF-" + b"0" * MAX_BYTES)
    assert "The selected file must be smaller than 10 MB" in response.content.decode()
    assert not ChallengeDocument.objects.exists()
    just_fits = upload(client_for(officer), challenge, "ok.pdf", b"%PDF-" + b"0" * (MAX_BYTES - 5))
    assert just_fits.status_code == 302


def test_a_missing_title_and_file_are_named(challenge, officer, client_for):
    response = client_for(officer).post(url(challenge, "challenge_documents"), {})
    page = response.content.decode()
    assert "Enter a title for the document" in page and "Select a file" in page


def test_deleting_a_document_asks_first_and_is_audited(
    challenge, officer, client_for, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    upload(client, challenge, "plan.pdf", b"%PDF-1.4 x", title="Plan")
    document = ChallengeDocument.objects.get()
    stored = tmp_path / document.file.name
    assert stored.exists()
    delete_url = url(challenge, "challenge_document_delete", document_pk=document.pk)
    confirm = client.get(delete_url)
    assert "Are you sure you want to delete “Plan”?" in confirm.content.decode()
    assert ChallengeDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete_url).status_code == 302
    assert not ChallengeDocument.objects.exists()
    assert not stored.exists()
    event = AuditEvent.objects.get(action="challenge.document_delete")
    assert event.before["title"] == "Plan" and event.actor == officer


def test_a_challenger_cannot_delete_a_document(challenge, officer, challenger, client_for):
    upload(client_for(officer), challenge, "plan.pdf", b"%PDF-1.4 x")
    document = ChallengeDocument.objects.get()
    delete_url = url(challenge, "challenge_document_delete", document_pk=document.pk)
    assert client_for(challenger).post(delete_url).status_code == 403
    assert ChallengeDocument.objects.exists()


# --- Self-assessment -----------------------------------------------------------------------


SA = {
    "summary": "We know our front door",
    "understanding": "Audits show drift",
    "planning": "Three priorities",
    "doing": "New MASH",
    "reviewing": "Monthly audit",
}


def test_the_self_assessment_is_hidden_from_challengers_until_shared(
    challenge, officer, challenger, adviser, regional_lead, client_for
):
    page = url(challenge, "challenge_self_assessment")
    assert client_for(officer).post(page, SA).status_code == 302
    sa = SelfAssessment.objects.get(challenge=challenge)
    assert sa.summary == SA["summary"] and sa.shared_at is None
    assert "Audits show drift" not in client_for(challenger).get(page).content.decode()
    assert "has not shared its self-assessment" in client_for(challenger).get(page).content.decode()
    # The leads and advisers always see it.
    assert "Audits show drift" in client_for(adviser).get(page).content.decode()
    assert "Audits show drift" in client_for(regional_lead).get(page).content.decode()
    # A challenger cannot share it.
    share = url(challenge, "challenge_self_assessment_share")
    assert client_for(challenger).post(share).status_code == 403
    assert client_for(officer).post(share).status_code == 302
    sa.refresh_from_db()
    assert sa.shared_at is not None
    assert "Audits show drift" in client_for(challenger).get(page).content.decode()
    assert AuditEvent.objects.filter(action="challenge.self_assessment_share").count() == 1


def test_sharing_before_writing_says_so(challenge, officer, client_for):
    response = client_for(officer).post(
        url(challenge, "challenge_self_assessment_share"), follow=True
    )
    assert "Write the self-assessment before sharing it." in response.content.decode()


# --- Lines of enquiry ------------------------------------------------------------------------


def test_both_sides_add_change_and_delete_lines_in_order(
    challenge, officer, challenger, client_for
):
    lines = url(challenge, "challenge_lines")
    client_for(challenger).post(lines, {"text": "Second", "position": "2"})
    client_for(officer).post(lines, {"text": "First", "position": "1"})
    assert [line.text for line in LineOfEnquiry.objects.filter(challenge=challenge)] == [
        "First",
        "Second",
    ]
    first = LineOfEnquiry.objects.get(text="First")
    edit = url(challenge, "challenge_line_edit", line_pk=first.pk)
    client_for(challenger).post(edit, {"text": "First, reworded", "position": "3"})
    assert [line.text for line in LineOfEnquiry.objects.filter(challenge=challenge)] == [
        "Second",
        "First, reworded",
    ]
    response = client_for(officer).post(lines, {"text": "", "position": "x"})
    assert "Enter the line of enquiry" in response.content.decode()
    delete = url(challenge, "challenge_line_delete", line_pk=first.pk)
    assert "Are you sure" in client_for(officer).get(delete).content.decode()
    client_for(officer).post(delete)
    assert list(LineOfEnquiry.objects.values_list("text", flat=True)) == ["Second"]


# --- Dates and attendees ---------------------------------------------------------------------


def dates(start: date, end: date) -> dict:
    return {
        "starts_on_day": start.day,
        "starts_on_month": start.month,
        "starts_on_year": start.year,
        "ends_on_day": end.day,
        "ends_on_month": end.month,
        "ends_on_year": end.year,
    }


def test_the_host_sets_the_on_site_dates(challenge, officer, client_for):
    response = client_for(officer).post(
        url(challenge, "challenge_onsite_dates"), dates(date(2026, 6, 2), date(2026, 6, 3))
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert (challenge.starts_on, challenge.ends_on) == (date(2026, 6, 2), date(2026, 6, 3))
    assert challenge.status == "scheduled"
    assert AuditEvent.objects.filter(action="challenge.dates").exists()


@pytest.mark.parametrize(
    "start,end,message",
    [
        (date(2026, 6, 3), date(2026, 6, 2), "The last on-site day must be the same as or after"),
        (date(2026, 3, 1), date(2026, 6, 2), "The first on-site day must be within the programme"),
        (date(2026, 6, 1), date(2027, 4, 2), "The last on-site day must be within the programme"),
    ],
)
def test_on_site_dates_out_of_order_or_outside_the_programme_are_refused(
    challenge, officer, client_for, start, end, message
):
    response = client_for(officer).post(url(challenge, "challenge_onsite_dates"), dates(start, end))
    assert response.status_code == 200 and message in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.starts_on is None


def test_a_made_up_date_is_named(challenge, officer, client_for):
    data = dates(date(2026, 6, 2), date(2026, 6, 3))
    data["starts_on_day"] = "31"
    data["starts_on_month"] = "2"
    response = client_for(officer).post(url(challenge, "challenge_onsite_dates"), data)
    assert "First on-site day must be a real date" in response.content.decode()


def test_attendees_are_added_changed_and_unique_by_email(challenge, officer, client_for):
    client = client_for(officer)
    add = url(challenge, "challenge_attendee_add")
    person = {"name": "Ann Host", "email": "Ann@Leeds.example", "role": "Head of service"}
    assert client.post(add, person).status_code == 302
    again = client.post(add, {**person, "name": "Someone else", "email": "ann@leeds.example"})
    assert "ann@leeds.example is already an attendee of this challenge" in again.content.decode()
    assert Attendee.objects.count() == 1
    attendee = Attendee.objects.get()
    assert attendee.email == "ann@leeds.example"
    edit = url(challenge, "challenge_attendee_edit", attendee_pk=attendee.pk)
    assert client.post(edit, {**person, "organisation": "Leeds"}).status_code == 302  # own email
    attendee.refresh_from_db()
    assert attendee.organisation == "Leeds"
    bad = client.post(add, {"name": "", "email": "not-an-email"})
    text = bad.content.decode()
    assert "Enter the full name" in text and "Enter an email address in the correct format" in text


# --- The feedback letter ---------------------------------------------------------------------


LETTER = {
    "summary": "A council that knows itself",
    "strengths": "Leaders know their children well",
    "areas_to_consider": "Supervision is uneven",
}


def test_the_letter_is_drafted_then_issued_to_the_host(
    challenge, challenger, officer, adviser, client_for
):
    page = url(challenge, "challenge_feedback")
    assert client_for(challenger).post(page, LETTER).status_code == 302
    assert "Leaders know their children well" not in client_for(officer).get(page).content.decode()
    assert "Leaders know their children well" in client_for(adviser).get(page).content.decode()
    # The host cannot issue it; the challenger can, after a confirmation page.
    issue = url(challenge, "challenge_feedback_issue")
    assert client_for(officer).post(issue).status_code == 403
    assert "Are you sure" in client_for(challenger).get(issue).content.decode()
    assert client_for(challenger).post(issue).status_code == 302
    letter = FeedbackLetter.objects.get(challenge=challenge)
    assert letter.issued_at is not None and letter.issued_by == challenger
    challenge.refresh_from_db()
    assert challenge.status == "feedback"
    event = AuditEvent.objects.get(action="challenge.feedback_issue")
    assert event.after == {"status": "feedback"}
    assert "Leaders know their children well" in client_for(officer).get(page).content.decode()
    # Issued: no more changes.
    assert client_for(challenger).post(page, {**LETTER, "strengths": "x"}).status_code == 403


def test_the_feedback_letter_pdf(
    challenge, challenger, officer, client_for, django_capture_on_commit_callbacks
):
    page = url(challenge, "challenge_feedback")
    pdf = url(challenge, "challenge_feedback_pdf")
    client_for(challenger).post(page, LETTER)
    assert client_for(officer).post(pdf).status_code == 404  # a draft is not the host's
    client_for(challenger).post(url(challenge, "challenge_feedback_issue"))
    with django_capture_on_commit_callbacks() as queued:
        response = client_for(officer).post(pdf)
    job = ReportJob.objects.get(kind="feedback_letter")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job_detail", kwargs={"job_id": job.pk})
    assert len(queued) == 1
    assert job.is_confidential and job.subject_council == challenge.host
    assert job.params == {"challenge_id": challenge.pk}
    report_render(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.status == ReportStatus.DONE
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    text = " ".join(text.split())
    assert "Feedback letter to Leeds" in text
    assert "Leaders know their children well" in text and "Supervision is uneven" in text
    assert "Bradford" in text


def test_a_challenger_may_download_the_draft_as_pdf(challenge, challenger, client_for):
    client_for(challenger).post(url(challenge, "challenge_feedback"), LETTER)
    response = client_for(challenger).post(url(challenge, "challenge_feedback_pdf"))
    assert response.status_code == 302
    job = ReportJob.objects.get(kind="feedback_letter")
    report_render(job_id=str(job.pk))
    job.refresh_from_db()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "DRAFT" in text


def test_an_outsider_cannot_ask_for_the_pdf(challenge, challenger, other_challenger, client_for):
    client_for(challenger).post(url(challenge, "challenge_feedback"), LETTER)
    client_for(challenger).post(url(challenge, "challenge_feedback_issue"))
    assert (
        client_for(other_challenger).post(url(challenge, "challenge_feedback_pdf")).status_code
        == 404
    )
    assert not ReportJob.objects.exists()


# --- The action plan -------------------------------------------------------------------------


def action_data(**kw) -> dict:
    data = {
        "title": "Audit supervision",
        "owner": "Head of service",
        "due_on_day": "31",
        "due_on_month": "1",
        "due_on_year": "2020",
        "status": "not_started",
        "evidence": "",
    }
    data.update(kw)
    return data


def test_actions_are_planned_overdue_shown_and_status_changes_audited(
    challenge, officer, challenger, client_for
):
    client = client_for(officer)
    assert client.post(url(challenge, "challenge_action_add"), action_data()).status_code == 302
    action = Action.objects.get()
    page = client_for(challenger).get(url(challenge, "challenge_actions")).content.decode()
    assert "Audit supervision" in page and "Overdue" in page
    client = client_for(officer)
    edit = url(challenge, "challenge_action_edit", action_pk=action.pk)
    evidence = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence")
    response = client.post(
        edit, {**action_data(status="done", evidence="Done"), "evidence_file": evidence}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.evidence_file
    assert "Overdue" not in client.get(url(challenge, "challenge_actions")).content.decode()
    events = AuditEvent.objects.filter(action="challenge.action_status").order_by("at")
    assert [e.after["status"] for e in events] == ["not_started", "done"]
    # A forged evidence file is refused like a document.
    forged = SimpleUploadedFile("evidence.pdf", b"MZ not a pdf")
    response = client.post(edit, {**action_data(status="done"), "evidence_file": forged})
    assert "is not a real PDF" in response.content.decode()
    # Delete, after a confirmation page.
    delete = url(challenge, "challenge_action_delete", action_pk=action.pk)
    assert "Are you sure" in client.get(delete).content.decode()
    client.post(delete)
    assert not Action.objects.exists()
    assert AuditEvent.objects.filter(action="challenge.action_delete").exists()


def test_an_action_needs_a_title_owner_and_real_due_date(challenge, officer, client_for):
    response = client_for(officer).post(
        url(challenge, "challenge_action_add"),
        action_data(title="", owner="", due_on_day="40"),
    )
    text = response.content.decode()
    assert "Enter the action" in text and "Enter who owns the action" in text
    assert "Due date must be a real date" in text


# --- The follow-up review --------------------------------------------------------------------


def test_the_follow_up_review_is_set_and_completed(challenge, challenger, officer, client_for):
    page = url(challenge, "challenge_follow_up")
    challenge.ends_on, challenge.starts_on, challenge.status = (
        date(2026, 6, 3),
        date(2026, 6, 2),
        "feedback",
    )
    challenge.save()
    response = client_for(challenger).post(page, {"follow_up_months": "25"})
    assert "The number of months must be from 1 to 24" in response.content.decode()
    client_for(challenger).post(page, {"follow_up_months": "3"})
    challenge.refresh_from_db()
    assert challenge.follow_up_months == 3 and challenge.follow_up_due() == date(2026, 9, 3)
    assert challenge.status == "follow_up"  # 3 September 2026 has passed
    client_for(challenger).post(
        page,
        {
            "follow_up_months": "3",
            "follow_up_notes": "Good progress",
            "follow_up_completed_on_day": "10",
            "follow_up_completed_on_month": "9",
            "follow_up_completed_on_year": "2026",
        },
    )
    challenge.refresh_from_db()
    assert challenge.status == "closed" and challenge.follow_up_notes == "Good progress"
    assert "Good progress" in client_for(officer).get(page).content.decode()
    assert AuditEvent.objects.filter(action="challenge.status", after={"status": "closed"}).exists()
