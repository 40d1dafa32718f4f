"""Checking a file of evidence for a spend request (a quote, an invoice, a receipt).

The peer challenge checker (`peerchallenge.documents`) covers PDF, Word, Excel, OpenDocument,
CSV and text, by name AND content; evidence may also be a photo or a scan, so PNG and JPEG are
added here, checked by their magic bytes in the same way.
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from peerchallenge import documents

MAX_BYTES = documents.MAX_BYTES
MAX_LABEL = documents.MAX_LABEL

IMAGES: dict[str, tuple[str, str, bytes]] = {
    ".png": ("PNG image", "image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("JPEG image", "image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("JPEG image", "image/jpeg", b"\xff\xd8\xff"),
}
DOCUMENT_EXTENSIONS = [x for x in documents.KINDS if x != ".txt"]
ALLOWED_WORDS = (
    "a PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt or .ods), CSV, PNG or JPEG file"
)
ACCEPT = ",".join([*DOCUMENT_EXTENSIONS, *IMAGES])
download_name = documents.download_name


def check_evidence(upload: UploadedFile | None) -> str:
    """Check an evidence file's size, name and content; return its content type.

    Raises forms.ValidationError naming the problem."""
    if upload is None:
        raise forms.ValidationError("Select a file")
    if not upload.size:
        raise forms.ValidationError("The selected file is empty")
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(f"The selected file must be smaller than {MAX_LABEL}")
    ext = documents.extension(upload.name)
    if ext in IMAGES:
        label, content_type, magic = IMAGES[ext]
        upload.seek(0)
        head = upload.read(len(magic))
        upload.seek(0)
        if head != magic:
            raise forms.ValidationError(
                f"The selected file is not a real {label}: its content does not match its "
                f"name ({ext})"
            )
        return content_type
    if ext not in DOCUMENT_EXTENSIONS:
        raise forms.ValidationError(f"The selected file must be {ALLOWED_WORDS}")
    try:
        return documents.check_upload(upload)
    except forms.ValidationError as error:
        if "must be" in error.messages[0] and "smaller" not in error.messages[0]:
            raise forms.ValidationError(f"The selected file must be {ALLOWED_WORDS}") from error
        raise


class EvidenceFileField(forms.FileField):
    """An evidence upload checked by `check_evidence` (type, content and size)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages", {"required": "Select a file", "empty": "The selected file is empty"}
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
            upload.checked_content_type = check_evidence(upload)
        return upload
