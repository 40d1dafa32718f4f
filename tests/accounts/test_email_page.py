"""The email addresses page (allauth's, in GOV.UK markup): pressing an action with no address
selected says so in an error summary instead of coming back as if it had worked."""

import pytest
from allauth.account.models import EmailAddress

pytestmark = pytest.mark.django_db

PAGE = "/accounts/email/"


@pytest.fixture
def two_addresses(officer):
    EmailAddress.objects.create(user=officer, email="second@leeds.example", verified=True)
    return officer


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("action_primary", "Select the email address to make primary"),
        ("action_send", "Select the email address to send the verification email to"),
        ("action_remove", "Select the email address to remove"),
    ],
)
def test_an_action_with_nothing_selected_says_so(client_for, two_addresses, action, message):
    response = client_for(two_addresses).post(PAGE, {action: ""})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error: Email addresses – CIB portal</title>" in text
    assert 'class="govuk-error-summary"' in text and "There is a problem" in text
    assert f'<a href="#email_radio_0">{message}</a>' in text
    assert 'class="govuk-error-message"' in text and "govuk-form-group--error" in text
    # Only that error: the add-an-address form, not what was pressed, is not checked.
    assert text.count('class="govuk-error-summary"') == 1 and "This field is required" not in text
    assert EmailAddress.objects.filter(user=two_addresses).count() == 2
    assert EmailAddress.objects.get(user=two_addresses, primary=True).email == two_addresses.email


def test_an_address_that_is_not_the_persons_is_nothing_selected(
    client_for, two_addresses, other_officer
):
    response = client_for(two_addresses).post(
        PAGE, {"action_remove": "", "email": other_officer.email}
    )
    assert "Select the email address to remove" in response.content.decode()
    assert EmailAddress.objects.filter(email=other_officer.email).exists()


def test_with_an_address_selected_the_action_is_done(client_for, two_addresses):
    response = client_for(two_addresses).post(
        PAGE, {"action_primary": "", "email": "second@leeds.example"}
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    assert EmailAddress.objects.get(user=two_addresses, primary=True).email == (
        "second@leeds.example"
    )


def test_the_page_without_a_submit_has_no_error(client_for, two_addresses):
    text = client_for(two_addresses).get(PAGE).content.decode()
    assert "<title>Email addresses – CIB portal</title>" in text
    assert "govuk-error-summary" not in text


def test_an_invalid_address_to_add_is_summarised_at_the_top_of_the_page(client_for, two_addresses):
    response = client_for(two_addresses).post(PAGE, {"action_add": "", "email": "not-an-email"})
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('class="govuk-error-summary"') == 1
    # GOV.UK: the summary comes first in the main content, before the heading.
    assert text.index('class="govuk-error-summary"') < text.index("<h1")
    assert "<title>Error: Email addresses" in text
