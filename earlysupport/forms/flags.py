"""Forms for risk flags: the list's filters, raising a flag and each triage step (GOV.UK
rendering comes from the form renderer)."""

from __future__ import annotations

from django import forms

from cib_portal.forms import OneTemplateSelect
from regions.models import Council, Region

from ..models import FlagStatus, Rule, Severity, SupportKind

STATUS_NOT_CLOSED = "not_closed"


def _text(label: str, *, rows: int = 4, help_text: str = "", required: bool = False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class FlagFilterForm(forms.Form):
    q = forms.CharField(label="Council name", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[(STATUS_NOT_CLOSED, "Not closed"), ("all", "Any status"), *FlagStatus.choices],
        widget=OneTemplateSelect,
    )
    severity = forms.ChoiceField(
        label="Severity",
        required=False,
        choices=[("", "Any severity"), *Severity.choices],
        widget=OneTemplateSelect,
    )
    rule = forms.ChoiceField(label="Rule", required=False, widget=OneTemplateSelect)
    # The region's GSS code. Choices as (code, name) from one plain query: a ModelChoiceField
    # reads its queryset through a server-side cursor every time the form is drawn.
    region = forms.ChoiceField(
        label="Region",
        required=False,
        widget=OneTemplateSelect,
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    council = forms.CharField(label="Council code", required=False, max_length=20)
    mine = forms.BooleanField(label="Only flags I own", required=False)
    proposed = forms.BooleanField(label="Only flags proposed for closing", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = Rule.objects.order_by("name").values_list("code", "name")
        self.fields["rule"].choices = [("", "Any rule"), ("person", "Raised by a person")] + list(
            rules
        )
        regions = Region.objects.order_by("name").values_list("gss_code", "name")
        self.fields["region"].choices = [("", "Any region"), *regions]


class RaiseFlagForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Council",
        queryset=Council.objects.none(),
        empty_label="Choose a council",
        to_field_name="gss_code",
        error_messages={"required": "Choose the council", "invalid_choice": "Choose a council"},
    )
    severity = forms.ChoiceField(
        label="Severity",
        choices=Severity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose red or amber"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="One or two sentences a lead member can read.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a short summary of the concern"},
    )
    rationale = forms.CharField(
        label="Your reasons",
        help_text="What you have seen or heard that makes you raise the flag.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter your reasons for raising the flag"},
    )

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils

    def clean_rationale(self):
        value = self.cleaned_data["rationale"].strip()
        if not value:
            raise forms.ValidationError("Enter your reasons for raising the flag")
        return value


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the note"},
    )


class StepForm(forms.Form):
    """Acknowledge or start monitoring, with an optional note."""

    note = _text("Note (optional)")


class CloseForm(forms.Form):
    note = forms.CharField(
        label="Why is the flag being closed?",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a note saying why the flag is being closed"},
    )


class SupportForm(forms.Form):
    support_kind = forms.ChoiceField(
        label="Kind of support",
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of support agreed"},
    )
    support_booking = forms.ModelChoiceField(
        label="Diagnostic or review booking",
        help_text="For diagnostic support: one of the council's bookings.",
        required=False,
        queryset=None,
        empty_label="None",
        error_messages={"invalid_choice": "Choose one of the council's bookings"},
    )
    support_challenge = forms.ModelChoiceField(
        label="Peer challenge",
        help_text="For peer challenge support: a challenge the council hosts.",
        required=False,
        queryset=None,
        empty_label="None",
        error_messages={"invalid_choice": "Choose a peer challenge the council hosts"},
    )
    support_request = forms.ModelChoiceField(
        label="Support request",
        help_text="For a support request or mentoring: one of the council's requests.",
        required=False,
        queryset=None,
        empty_label="None",
        error_messages={"invalid_choice": "Choose one of the council's support requests"},
    )
    support_note = _text("What was agreed (optional)")

    def __init__(self, *args, bookings, challenges, support_requests=None, **kwargs):
        super().__init__(*args, **kwargs)
        if support_requests is None:
            del self.fields["support_request"]
        else:
            self.fields["support_request"].queryset = support_requests
            self.fields["support_request"].label_from_instance = lambda r: (
                f"{r.offer} asked on {r.created_at:%-d %B %Y} ({r.get_status_display()})"
            )
        self.fields["support_booking"].queryset = bookings
        self.fields["support_booking"].label_from_instance = lambda b: (
            f"{b.product} from {b.first_on_site_day:%-d %B %Y} ({b.get_status_display()})"
        )
        self.fields["support_challenge"].queryset = challenges
        self.fields["support_challenge"].label_from_instance = lambda c: (
            f"Peer challenge {c.programme.year} ({c.get_status_display()})"
        )

    def clean(self):
        data = super().clean()
        kind = data.get("support_kind")
        if kind == SupportKind.DIAGNOSTIC and not data.get("support_booking"):
            self.add_error("support_booking", "Choose the council's booking")
        if kind == SupportKind.PEER_CHALLENGE and not data.get("support_challenge"):
            self.add_error("support_challenge", "Choose the peer challenge the council hosts")
        if kind != SupportKind.DIAGNOSTIC:
            data["support_booking"] = None
        if kind != SupportKind.PEER_CHALLENGE:
            data["support_challenge"] = None
        if "support_request" in self.fields:
            if kind == SupportKind.SUPPORT_REQUEST and not data.get("support_request"):
                self.add_error("support_request", "Choose the council's support request")
            if kind not in (SupportKind.SUPPORT_REQUEST, SupportKind.MENTORING):
                data["support_request"] = None
        return data


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=None,
        empty_label="Choose a person",
        error_messages={"required": "Choose the flag's owner", "invalid_choice": "Choose a person"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people
        self.fields["owner"].label_from_instance = lambda u: u.full_name or u.email
