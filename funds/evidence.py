"""Checking a file of evidence for a spend request (a quote, an invoice, a receipt).

The shared checker (`cib_portal.documents`) covers PDF, Word, Excel, OpenDocument, CSV and
text, by name AND content; evidence may also be a photo or a scan, so PNG and JPEG are added
here (checked by their magic bytes), and plain text is not evidence.
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from cib_portal import documents

MAX_BYTES = documents.MAX_BYTES
MAX_LABEL = documents.MAX_LABEL

KINDS: dict[str, documents.Kind] = {
    **{ext: kind for ext, kind in documents.KINDS.items() if ext != ".txt"},
    **documents.IMAGE_KINDS,
}
ALLOWED_WORDS = (
    "a PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt or .ods), CSV, PNG or JPEG file"
)
ACCEPT = ",".join(KINDS)
download_name = documents.download_name


def check_evidence(upload: UploadedFile | None) -> str:
    """Check an evidence file's size, name and content; return its content type.

    Raises forms.ValidationError naming the problem, with a `documents.UploadProblem` code."""
    return documents.check_upload(upload, kinds=KINDS, allowed_words=ALLOWED_WORDS)


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
