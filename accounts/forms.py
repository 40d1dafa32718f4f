from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth import password_validation

from regions.models import Organisation, Role


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="Their work email address. We will send the invitation link there.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation",
        error_messages={"required": "Select the organisation they will join"},
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        label="Role",
        error_messages={"required": "Select their role"},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    password1 = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Do not use a password you use elsewhere.",
        error_messages={"required": "Create a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Confirm your password"},
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match")
        if p1:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


# What each password field asks for when it is left empty, instead of allauth's "This field is
# required." three times over (GOV.UK: say what to do, for the field it is about).
PASSWORD_REQUIRED = {
    "oldpassword": "Enter your current password",
    "password1": "Enter a new password",
    "password2": "Enter the new password again",
}


class _PasswordRequiredMessages:
    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, message in PASSWORD_REQUIRED.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message


class ChangePasswordForm(_PasswordRequiredMessages, allauth_forms.ChangePasswordForm):
    """allauth's change password form, with a message per empty field."""


class SetPasswordForm(_PasswordRequiredMessages, allauth_forms.SetPasswordForm):
    """allauth's set password form, with a message per empty field."""


class ResetPasswordKeyForm(_PasswordRequiredMessages, allauth_forms.ResetPasswordKeyForm):
    """allauth's new password form (from a reset link), with a message per empty field."""
