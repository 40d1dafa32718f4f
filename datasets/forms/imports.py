"""The upload form for national staff importing an EES file."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat

from cib_portal.forms import CsvFileField

from ..models import ImportSpec

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
DETECT = "detect"


class ImportUploadForm(forms.Form):
    file = CsvFileField(
        max_bytes=MAX_UPLOAD_BYTES,
        label="Upload a file",
        help_text="An Explore Education Statistics open-data CSV file, up to "
        f"{filesizeformat(MAX_UPLOAD_BYTES)}.",
    )
    spec = forms.ChoiceField(
        label="Which specification maps the file's columns to indicators?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a specification, or detect it from the columns"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spec"].choices = [
            (DETECT, "Detect from the file's columns"),
            *((s.name, f"{s.title} ({s.name})") for s in ImportSpec.objects.order_by("title")),
        ]
        self.fields["spec"].initial = DETECT

    def clean_file(self):
        upload = self.cleaned_data["file"]
        head = upload.read(4096)
        upload.seek(0)
        if b"\x00" in head:
            raise forms.ValidationError(
                "The selected file must be a CSV (it looks like a binary file)"
            )
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A cut in the middle of a multi-byte character at the end of the sample is fine.
            if exc.start < len(head) - 3:
                raise forms.ValidationError(
                    "The selected file must be a UTF-8 CSV (save it from a spreadsheet as "
                    "'CSV UTF-8')"
                ) from None
        return upload

    def spec_name(self) -> str | None:
        value = self.cleaned_data["spec"]
        return None if value == DETECT else value
