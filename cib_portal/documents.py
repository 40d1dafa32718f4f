"""An uploaded document, shared by every app that stores files people upload: the fields each
such model has, and the one checker a file goes through before it is saved.

Both the file's name and its content must say the same thing: a PDF starts with "%PDF-", a
Word, Excel or OpenDocument file is a zip holding the parts that kind of file has, CSV and
plain text are UTF-8 text without NUL bytes, and an image starts with its format's magic bytes.
A file whose name and content disagree (a program renamed "report.pdf") is refused, with a
message saying what is wrong and a `code` (an `UploadProblem`) saying which problem it is, so
callers branch on the code, never on the message's words.

A zip is never unpacked whole: a small upload can inflate a thousandfold (a "zip bomb"). The
sizes its directory declares are checked against a cap first, a member is read in bounded
chunks and never beyond what is needed, and an archive with more members than any real
document has is refused before Python reads its directory.

This module imports no domain app: each app keeps its own model (with its `file` field and
`upload_to`), its own form field, and the kinds it accepts.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models

MAX_BYTES = 10 * 1024 * 1024
MAX_LABEL = "10 MB"
# No real document of at most 10 MB unpacks to more than this (Office XML compresses ~10:1).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_LABEL = "200 MB"
MAX_MEMBERS = 10_000
READ_CHUNK = 64 * 1024
UNPACKS_TOO_LARGE = f"it unpacks to more than {MAX_UNPACKED_LABEL}, as no real document does"
TOO_MANY_MEMBERS = f"it holds more than {MAX_MEMBERS:,} parts, as no real document does"


class UploadedDocument(models.Model):
    """The fields every uploaded document has. A concrete model adds what it belongs to, its
    `file = models.FileField(upload_to=...)` and its `Meta.ordering`."""

    title = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class UploadProblem(StrEnum):
    """The `code` of the ValidationError `check_upload` raises: one per problem."""

    REQUIRED = "required"  # no file was selected
    EMPTY = "empty"  # the file has no bytes
    TOO_LARGE = "too_large"  # over MAX_BYTES
    WRONG_TYPE = "wrong_type"  # the name's extension is not an accepted kind
    NOT_REAL = "not_real"  # the content is not what the name says
    NOT_TEXT = "not_text"  # a text kind that is not UTF-8 text
    UNPACKS_TOO_LARGE = "unpacks_too_large"  # a zip that inflates past MAX_UNPACKED_BYTES
    TOO_MANY_PARTS = "too_many_parts"  # a zip with more than MAX_MEMBERS members


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    check: str  # "pdf", "zip", "text" or "magic"
    # For zip kinds: a member every real file of the kind has, and for OpenDocument the
    # "mimetype" member's exact content.
    zip_member: str = ""
    odf_mimetype: str = ""
    # For magic kinds (images): the bytes every real file of the kind starts with.
    magic: bytes = b""


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

IMAGE_KINDS: dict[str, Kind] = {
    ".png": Kind("PNG image", "image/png", "magic", magic=b"\x89PNG\r\n\x1a\n"),
    ".jpg": Kind("JPEG image", "image/jpeg", "magic", magic=b"\xff\xd8\xff"),
    ".jpeg": Kind("JPEG image", "image/jpeg", "magic", magic=b"\xff\xd8\xff"),
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


def _read_head(upload: UploadedFile, length: int) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


class ZipTooLarge(Exception):
    """The archive unpacks to more than the cap, or has more members than a document has; the
    message says which, in words for the person who uploaded it, and `code` says which as an
    UploadProblem."""

    def __init__(self, message: str, code: UploadProblem = UploadProblem.UNPACKS_TOO_LARGE):
        super().__init__(message)
        self.code = code


def _declared_members(data: bytes) -> int | None:
    """The member count in the zip's end-of-directory record (None if it is not found)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if at < 0 or at + 22 > len(data):
        return None
    return struct.unpack_from("<H", data, at + 10)[0]


def read_member(archive: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """A member's content, read in bounded chunks; ZipTooLarge once it passes `cap` bytes
    (whatever its header declares), so a member that inflates without end costs no memory."""
    parts: list[bytes] = []
    size = 0
    with archive.open(name) as member:
        while chunk := member.read(min(READ_CHUNK, cap + 1 - size)):
            size += len(chunk)
            if size > cap:
                raise ZipTooLarge(UNPACKS_TOO_LARGE)
            parts.append(chunk)
    return b"".join(parts)


def _too_many_members() -> ZipTooLarge:
    return ZipTooLarge(TOO_MANY_MEMBERS, UploadProblem.TOO_MANY_PARTS)


def _is_real_zip_kind(data: bytes, kind: Kind, upload: UploadedFile) -> bool:
    """Whether the zip has the parts of its kind. Raises ZipTooLarge for a zip bomb."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    members = _declared_members(data)
    if members is not None and members > MAX_MEMBERS and members != 0xFFFF:
        raise _too_many_members()
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise _too_many_members()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise ZipTooLarge(UNPACKS_TOO_LARGE)
            names = {info.filename for info in infos}
            if kind.zip_member not in names:
                return False
            if kind.odf_mimetype:
                if "mimetype" not in names:
                    return False
                # One byte more than the expected text is enough to tell it is not that.
                cap = len(kind.odf_mimetype) + 1
                try:
                    content = read_member(archive, "mimetype", cap)
                except ZipTooLarge:
                    return False
                return content.decode("ascii", "replace") == kind.odf_mimetype
            return True
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, NotImplementedError):
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


def check_upload(
    upload: UploadedFile | None,
    *,
    kinds: Mapping[str, Kind] = KINDS,
    allowed_words: str = ALLOWED_WORDS,
) -> str:
    """Check an uploaded file's size, name and content against the accepted `kinds` (by
    extension; `allowed_words` names them in the message); return its content type.

    Raises forms.ValidationError naming the problem, with an UploadProblem as its `code`."""
    if upload is None:
        raise forms.ValidationError("Select a file", code=UploadProblem.REQUIRED)
    if not upload.size:
        raise forms.ValidationError("The selected file is empty", code=UploadProblem.EMPTY)
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(
            f"The selected file must be smaller than {MAX_LABEL}", code=UploadProblem.TOO_LARGE
        )
    kind = kinds.get(extension(upload.name))
    if kind is None:
        raise forms.ValidationError(
            f"The selected file must be {allowed_words}", code=UploadProblem.WRONG_TYPE
        )
    if kind.check == "magic":
        real = _read_head(upload, len(kind.magic)) == kind.magic
    else:
        data = _read_all(upload)
        if kind.check == "pdf":
            real = data.startswith(b"%PDF-")
        elif kind.check == "zip":
            try:
                real = _is_real_zip_kind(data, kind, upload)
            except ZipTooLarge as problem:
                raise forms.ValidationError(
                    f"The selected file is not a real {kind.label}: {problem}. Save it again "
                    "and upload the new copy",
                    code=problem.code,
                ) from None
        else:
            real = _is_text(data)
    if not real:
        if kind.check == "text":
            raise forms.ValidationError(
                f"The selected file is not a {kind.label}: save it as UTF-8 text and try again",
                code=UploadProblem.NOT_TEXT,
            )
        raise forms.ValidationError(
            f"The selected file is not a real {kind.label}: its content does not match its "
            f"name ({extension(upload.name)})",
            code=UploadProblem.NOT_REAL,
        )
    return kind.content_type


def download_name(title: str, stored_name: str) -> str:
    """A safe file name for a download: the title in plain characters, the stored extension."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"{slug or 'document'}{extension(stored_name)}"
