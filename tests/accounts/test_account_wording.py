"""The account pages (django-allauth's, in GOV.UK markup) speak in sentence case, as GOV.UK
does ("Change password", not "Change Password"), and put "Error: " before the page title when
a form fails, once (issue 12, item 7). The wording comes from locale/en_GB, which outranks
allauth's own catalogues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "en_GB" / "LC_MESSAGES" / "django.po"


def _catalogue() -> list[tuple[str | None, str, str]]:
    """(context, msgid, msgstr) of each entry of the .po but its header."""
    entries = []
    for block in PO.read_text().split("\n\n"):
        fields = dict(re.findall(r'^(msgctxt|msgid|msgstr) "(.*)"$', block, re.M))
        if fields.get("msgid"):
            entries.append((fields.get("msgctxt"), fields["msgid"], fields["msgstr"]))
    return entries


TITLE_CASE = [msgid for _, msgid, _ in _catalogue()]


def _title(text: str) -> str:
    return re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()


def _no_title_case(text: str) -> None:
    shown = re.sub(r"<[^>]+>", " ", text)
    found = [phrase for phrase in TITLE_CASE if re.search(rf"\b{re.escape(phrase)}\b", shown)]
    assert found == []


def test_the_compiled_catalogue_says_what_the_po_says():
    with translation.override("en-gb"):
        for context, msgid, msgstr in _catalogue():
            if context:
                assert translation.pgettext(context, msgid) == msgstr
            else:
                assert translation.gettext(msgid) == msgstr, msgid
            assert msgstr[0].isupper() and msgstr[1:] == msgstr[1:].lower(), msgstr


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/password/change/", "Change password"),
        ("/accounts/2fa/", "Two-factor authentication"),
        ("/accounts/logout/", "Sign out"),
    ],
)
def test_account_pages_use_sentence_case(client_for, officer, url, heading):
    response = client_for(officer).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert re.search(rf"<h1[^>]*>\s*{heading}\s*</h1>", text)
    assert _title(text) == f"{heading} – CIB portal"
    _no_title_case(text)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/email/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/reauthenticate/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
    ],
)
def test_no_account_page_shows_title_case(client_for, officer, url):
    response = client_for(officer).get(url, follow=True)
    assert response.status_code == 200, url
    _no_title_case(response.content.decode())


def test_the_password_change_form_has_sentence_case_labels_and_button(client_for, officer):
    text = client_for(officer).get("/accounts/password/change/").content.decode()
    assert "Current password" in text and "New password" in text
    assert re.search(r"<button[^>]*>\s*Change password\s*</button>", text)


def test_signed_out_pages_use_sentence_case(client_for):
    client = client_for(None)
    text = client.get("/accounts/password/reset/").content.decode()
    assert _title(text) == "Password reset – CIB portal"
    assert re.search(r"<button[^>]*>\s*Reset my password\s*</button>", text)
    _no_title_case(text)
    text = client.get("/accounts/login/").content.decode()
    assert _title(text) == "Sign in – CIB portal"
    _no_title_case(text)


def test_a_failed_password_change_says_error_in_the_title(client_for, officer):
    response = client_for(officer).post(
        "/accounts/password/change/",
        {"oldpassword": "not my password", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert _title(text) == "Error: Change password – CIB portal"
    assert 'class="govuk-error-summary"' in text


def test_an_empty_password_change_says_what_each_field_needs(client_for, officer):
    response = client_for(officer).post(
        "/accounts/password/change/", {"oldpassword": "", "password1": "", "password2": ""}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "This field is required." not in text
    for message in (
        "Enter your current password",
        "Enter a new password",
        "Enter the new password again",
    ):
        # Once in the error summary and once beside its field.
        assert text.count(message) == 2, message


def test_a_failed_password_reset_says_error_in_the_title(client_for):
    response = client_for(None).post("/accounts/password/reset/", {"email": "not an email"})
    assert response.status_code == 200
    assert _title(response.content.decode()) == "Error: Password reset – CIB portal"


def test_a_failed_sign_in_says_error_once(client_for, officer):
    response = client_for(None).post(
        "/accounts/login/", {"login": officer.email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert _title(response.content.decode()) == "Error: Sign in – CIB portal"


def test_a_page_that_worked_has_no_error_in_the_title(client_for, officer):
    text = client_for(officer).get("/accounts/password/change/").content.decode()
    assert "Error:" not in _title(text)
