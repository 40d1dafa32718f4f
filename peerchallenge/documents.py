"""Checking a file uploaded to a challenge (a document, or an action's evidence).

Both the file's name and its content must say the same thing: a PDF starts with "%PDF-", a
Word, Excel or OpenDocument file is a zip holding the parts that kind of file has, and CSV
and plain text are UTF-8 text without NUL bytes. A file whose name and content disagree (a
program renamed "report.pdf") is refused, with a message saying what is wrong.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 10 * 1024 * 1024
MAX_LABEL = "10 MB"


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    check: str  # "pdf", "zip" or "text"
    # For zip kinds: a member every real file of the kind has, and for OpenDocument the
    # "mimetype" member's exact content.
    zip_member: str = ""
    odf_mimetype: str = ""


KINDS: dict[str, Kind] = {
    ".pdf": Kind("PDF", "application/pdf", "pdf"),
    ".docx": Kind(
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "zip",
        zip_member="word/document.xml",
    ),
    ".xlsx": Kind(
        "Excel spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip",
        zip_member="xl/workbook.xml",
    ),
    ".odt": Kind(
        "OpenDocument text",
        "application/vnd.oasis.opendocument.text",
        "zip",
        zip_member="content.xml",
        odf_mimetype="application/vnd.oasis.opendocument.text",
    ),
    ".ods": Kind(
        "OpenDocument spreadsheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "zip",
        zip_member="content.xml",
        odf_mimetype="application/vnd.oasis.opendocument.spreadsheet",
    ),
    ".csv": Kind("CSV", "text/csv", "text"),
    ".txt": Kind("plain text file", "text/plain", "text"),
}

ALLOWED_WORDS = "a PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt or .ods), CSV or text file"
ACCEPT = ",".join(KINDS)


def extension(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def _read_all(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _is_real_zip_kind(data: bytes, kind: Kind, upload: UploadedFile) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if kind.zip_member not in names:
                return False
            if kind.odf_mimetype:
                if "mimetype" not in names:
                    return False
                return archive.read("mimetype").decode("ascii", "replace") == kind.odf_mimetype
            return True
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
    finally:
        upload.seek(0)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def check_upload(upload: UploadedFile | None) -> str:
    """Check an uploaded file's size, name and content; return its content type.

    Raises forms.ValidationError naming the problem."""
    if upload is None:
        raise forms.ValidationError("Select a file")
    if not upload.size:
        raise forms.ValidationError("The selected file is empty")
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(f"The selected file must be smaller than {MAX_LABEL}")
    kind = KINDS.get(extension(upload.name))
    if kind is None:
        raise forms.ValidationError(f"The selected file must be {ALLOWED_WORDS}")
    data = _read_all(upload)
    if kind.check == "pdf":
        real = data.startswith(b"%PDF-")
    elif kind.check == "zip":
        real = _is_real_zip_kind(data, kind, upload)
    else:
        real = _is_text(data)
    if not real:
        if kind.check == "text":
            raise forms.ValidationError(
                f"The selected file is not a {kind.label}: save it as UTF-8 text and try again"
            )
        raise forms.ValidationError(
            f"The selected file is not a real {kind.label}: its content does not match its "
            f"name ({extension(upload.name)})"
        )
    return kind.content_type


def download_name(title: str, stored_name: str) -> str:
    """A safe file name for a download: the title in plain characters, the stored extension."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"{slug or 'document'}{extension(stored_name)}"


class ChallengeFileField(forms.FileField):
    """A document upload checked by `check_upload` (type, content and size)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"required": "Select a file", "empty": "The selected file is empty"},
        )
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault(
            "help_text",
            f"{ALLOWED_WORDS[0].upper()}{ALLOWED_WORDS[1:]}, no larger than {MAX_LABEL}.",
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and isinstance(upload, UploadedFile):
            upload.checked_content_type = check_upload(upload)
        return upload
