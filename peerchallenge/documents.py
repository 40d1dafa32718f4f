"""Checking a file uploaded to a challenge (a document, or an action's evidence).

The checker and the kinds it accepts are shared (`cib_portal.documents`: by name AND content,
with a zip bomb refused unread); this module keeps the challenge's form field and the names
the challenge code has always used.
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from cib_portal.documents import (
    ACCEPT,
    ALLOWED_WORDS,
    KINDS,
    MAX_BYTES,
    MAX_LABEL,
    MAX_MEMBERS,
    Kind,
    UploadProblem,
    ZipTooLarge,
    check_upload,
    download_name,
    extension,
    read_member,
)

__all__ = [
    "ACCEPT",
    "ALLOWED_WORDS",
    "KINDS",
    "MAX_BYTES",
    "MAX_LABEL",
    "MAX_MEMBERS",
    "ChallengeFileField",
    "Kind",
    "UploadProblem",
    "ZipTooLarge",
    "check_upload",
    "download_name",
    "extension",
    "read_member",
]


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
