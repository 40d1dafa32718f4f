"""Money typed in pounds and pence, the fields a request needs, and evidence files checked by
name AND content."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from funds.forms.spend import parse_pounds
from funds.models import SpendEvidence, SpendRequest
from funds.services import pence_text, spend_request_approve

from .test_spend_pages import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("1", 100),
        ("1234.56", 123_456),
        ("£1,234.5", 123_450),
        (" 0.01 ", 1),
        ("19.99", 1999),  # exactly, where float(19.99) * 100 is 1998.99…
        ("4.35", 435),
        ("99999999.99", 9_999_999_999),
    ],
)
def test_pounds_and_pence_become_exact_pence(typed, pence):
    assert parse_pounds(typed) == pence
    assert isinstance(parse_pounds(typed), int)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "no more than 2 decimal places"),
        ("0", "more than £0"),
        ("0.00", "more than £0"),
        ("-3", "more than £0"),
        ("abc", "pounds and pence, like 1250"),
        ("1e5", "pounds and pence, like 1250"),
        ("12.", "pounds and pence, like 1250"),
        ("", "Enter the amount"),
        ("100000000000", "too large"),
    ],
)
def test_bad_amounts_are_named(typed, message):
    with pytest.raises(forms.ValidationError) as caught:
        parse_pounds(typed)
    assert message in caught.value.messages[0]


def test_pence_shown_back_as_pounds():
    assert pence_text(123_405) == "1234.05"
    assert parse_pounds(pence_text(7)) == 7
    assert Decimal(pence_text(600_000)) == Decimal("6000.00")


def _create(client, agreement, **data):
    payload = {
        "purpose": "early_support",
        "amount": "10",
        "description": "Room hire",
        "supplier": "",
        **data,
    }
    return client.post(f"{reverse('funds:request_create')}?agreement={agreement.pk}", payload)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12.345", "The amount must have no more than 2 decimal places"),
        ("0", "The amount must be more than £0"),
        ("-3", "The amount must be more than £0"),
        ("abc", "The amount must be in pounds and pence, like 1250 or 1250.50"),
        ("", "Enter the amount in pounds and pence"),
    ],
)
def test_the_raise_form_names_a_bad_amount(
    client_for, programme_manager, agreement, amount, message
):
    response = _create(client_for(programme_manager), agreement, amount=amount)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert 'href="#id_amount"' in body
    assert "<title>Error:" in body
    assert not SpendRequest.objects.exists()


def test_the_raise_form_needs_a_description_and_a_purpose(client_for, programme_manager, agreement):
    response = _create(client_for(programme_manager), agreement, description="  ", purpose="")
    body = response.content.decode()
    assert "Describe what the money is for" in body
    assert "Select the purpose the money is for" in body
    response = _create(client_for(programme_manager), agreement, purpose="bribes")
    assert "Select a valid choice" in response.content.decode()
    assert not SpendRequest.objects.exists()


def test_the_edit_form_names_a_bad_amount(client_for, programme_manager, agreement):
    _create(client_for(programme_manager), agreement)
    spend = SpendRequest.objects.get()
    response = client_for(programme_manager).post(
        reverse("funds:request_edit", kwargs={"pk": spend.pk}),
        {"amount": "12.345", "description": "Room hire"},
    )
    assert "no more than 2 decimal places" in response.content.decode()
    assert SpendRequest.objects.get().amount_pence == 1000


# --- Evidence --------------------------------------------------------------------------------


def _zip(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(client, spend, name, content, title="Quote"):
    return client.post(
        reverse("funds:request_evidence_add", kwargs={"pk": spend.pk}),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


GOOD = [
    ("quote.pdf", PDF, "application/pdf"),
    ("quote.docx", _zip(("word/document.xml", b"<w/>")), "wordprocessingml"),
    ("costs.xlsx", _zip(("xl/workbook.xml", b"<x/>")), "spreadsheetml"),
    (
        "costs.ods",
        _zip(
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", b"<c/>"),
        ),
        "opendocument.spreadsheet",
    ),
    ("costs.csv", b"item,cost\nroom,100\n", "text/csv"),
    ("receipt.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    ("receipt.JPG", b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
    ("receipt.jpeg", b"\xff\xd8\xff\xdb", "image/jpeg"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), GOOD)
def test_each_allowed_kind_is_uploaded_audited_and_downloaded(
    client_for, submitted, programme_manager, adviser, name, content, content_type
):
    spend = submitted(10_000)
    response = _upload(client_for(programme_manager), spend, name, content, title="The quote")
    assert response.status_code == 302
    evidence = SpendEvidence.objects.get()
    assert evidence.kind == "request" and content_type in evidence.content_type
    assert evidence.size == len(content) and evidence.uploaded_by == programme_manager
    event = AuditEvent.objects.get(action="funds.spend_evidence_add")
    assert event.object_id == str(spend.pk) and event.actor == programme_manager
    download = client_for(adviser).get(
        reverse(
            "funds:request_evidence_download", kwargs={"pk": spend.pk, "evidence_pk": evidence.pk}
        )
    )
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "the-quote." in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "must be a PDF, Word (.docx)"),
        ("notes.txt", b"plain text", "must be a PDF, Word (.docx)"),
        ("page.html", b"<html>", "must be a PDF, Word (.docx)"),
        ("invoice.pdf", b"MZ\x90\x00 a program", "not a real PDF"),
        ("photo.png", b"%PDF-1.4", "not a real PNG image"),
        ("photo.jpg", b"\x89PNG\r\n\x1a\n", "not a real JPEG image"),
        ("quote.docx", _zip(("xl/workbook.xml", b"<x/>")), "not a real Word document"),
        ("costs.csv", b"a,b\x00\x01", "not a CSV"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_a_wrong_or_forged_file_is_refused_with_a_message(
    client_for, submitted, programme_manager, name, content, message
):
    spend = submitted(10_000)
    response = _upload(client_for(programme_manager), spend, name, content)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not SpendEvidence.objects.exists()


def test_a_file_over_10_mb_is_refused(client_for, submitted, programme_manager):
    spend = submitted(10_000)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = _upload(client_for(programme_manager), spend, "big.pdf", big)
    assert "must be smaller than 10 MB" in response.content.decode()
    assert not SpendEvidence.objects.exists()


def test_a_title_and_file_are_required(client_for, submitted, programme_manager):
    spend = submitted(10_000)
    response = client_for(programme_manager).post(
        reverse("funds:request_evidence_add", kwargs={"pk": spend.pk}), {"title": ""}
    )
    body = response.content.decode()
    assert "Enter a title for the file" in body and "Select a file" in body


def test_evidence_after_approval_is_evidence_of_payment(
    client_for, submitted, programme_manager, regional_lead
):
    spend = spend_request_approve(user=regional_lead, request=submitted(10_000))
    page = client_for(programme_manager).get(
        reverse("funds:request_evidence_add", kwargs={"pk": spend.pk})
    )
    assert "Upload evidence of payment" in page.content.decode()
    assert _upload(client_for(programme_manager), spend, "paid.pdf", PDF).status_code == 302
    assert SpendEvidence.objects.get().kind == "payment"


def test_a_download_of_another_requests_file_is_404(client_for, submitted, programme_manager):
    first, second = submitted(10_000), submitted(20_000)
    _upload(client_for(programme_manager), first, "quote.pdf", PDF)
    evidence = SpendEvidence.objects.get()
    response = client_for(programme_manager).get(
        reverse(
            "funds:request_evidence_download",
            kwargs={"pk": second.pk, "evidence_pk": evidence.pk},
        )
    )
    assert response.status_code == 404
