"""The shared upload checker (`cib_portal.documents`, issue 13 item 4): each problem raises a
ValidationError whose `code` names it, with the message people have always read, so callers
tell problems apart by code and never by the message's words. And the two uploaded-document
models share one abstract base."""

from __future__ import annotations

import io
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from cib_portal import documents
from cib_portal.documents import UploadProblem, check_upload
from funds.evidence import check_evidence
from funds.models import SpendEvidence
from peerchallenge.models import ChallengeDocument


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _problem(upload, check=check_upload) -> forms.ValidationError:
    with pytest.raises(forms.ValidationError) as caught:
        check(upload)
    return caught.value


def test_no_file_is_required():
    error = _problem(None)
    assert error.code == UploadProblem.REQUIRED
    assert error.messages == ["Select a file"]


def test_an_empty_file():
    error = _problem(SimpleUploadedFile("notes.pdf", b""))
    assert error.code == UploadProblem.EMPTY
    assert error.messages == ["The selected file is empty"]


def test_a_file_over_the_limit():
    error = _problem(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * documents.MAX_BYTES))
    assert error.code == UploadProblem.TOO_LARGE
    assert error.messages == ["The selected file must be smaller than 10 MB"]


def test_a_kind_not_accepted():
    error = _problem(SimpleUploadedFile("run.exe", b"MZ"))
    assert error.code == UploadProblem.WRONG_TYPE
    assert error.messages == [
        "The selected file must be a PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt or "
        ".ods), CSV or text file"
    ]


def test_content_that_is_not_what_the_name_says():
    error = _problem(SimpleUploadedFile("report.pdf", b"MZ not a pdf"))
    assert error.code == UploadProblem.NOT_REAL
    assert error.messages == [
        "The selected file is not a real PDF: its content does not match its name (.pdf)"
    ]


def test_text_that_is_not_utf8():
    error = _problem(SimpleUploadedFile("figures.csv", b"a,b\x00\xff"))
    assert error.code == UploadProblem.NOT_TEXT
    assert error.messages == ["The selected file is not a CSV: save it as UTF-8 text and try again"]


def test_a_zip_that_unpacks_too_large(monkeypatch):
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 1000)
    data = _zip({"word/document.xml": b"x" * 2000})
    error = _problem(SimpleUploadedFile("letter.docx", data))
    assert error.code == UploadProblem.UNPACKS_TOO_LARGE
    assert error.messages == [
        "The selected file is not a real Word document: it unpacks to more than 200 MB, as no "
        "real document does. Save it again and upload the new copy"
    ]


def test_a_zip_with_too_many_parts(monkeypatch):
    monkeypatch.setattr(documents, "MAX_MEMBERS", 3)
    data = _zip({"word/document.xml": b"x", **{f"part{n}": b"" for n in range(4)}})
    error = _problem(SimpleUploadedFile("letter.docx", data))
    assert error.code == UploadProblem.TOO_MANY_PARTS
    assert error.messages[0].startswith("The selected file is not a real Word document: it holds")


def test_real_files_pass_and_return_their_content_type():
    docx = _zip({"word/document.xml": b"<w/>"})
    assert check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.7")) == "application/pdf"
    assert check_upload(SimpleUploadedFile("a.docx", docx)).endswith("wordprocessingml.document")
    assert check_upload(SimpleUploadedFile("a.txt", "café".encode())) == "text/plain"


def test_evidence_accepts_images_but_not_text_and_names_its_own_kinds():
    png = SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    assert check_evidence(png) == "image/png"
    fake = _problem(SimpleUploadedFile("receipt.jpg", b"GIF89a"), check_evidence)
    assert fake.code == UploadProblem.NOT_REAL
    assert fake.messages == [
        "The selected file is not a real JPEG image: its content does not match its name (.jpg)"
    ]
    text = _problem(SimpleUploadedFile("notes.txt", b"hello"), check_evidence)
    assert text.code == UploadProblem.WRONG_TYPE
    assert text.messages == [
        "The selected file must be a PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt or "
        ".ods), CSV, PNG or JPEG file"
    ]


def test_both_document_models_share_the_base():
    for model in (ChallengeDocument, SpendEvidence):
        assert issubclass(model, documents.UploadedDocument)
        names = {field.name for field in model._meta.get_fields()}
        assert {"title", "file", "content_type", "size", "uploaded_by", "uploaded_at"} <= names
