"""API tokens: made on the token page, they expire, record when they were last used, and obey
the same second-factor rule as the pages (accounts.mfa), however old the token is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from regions.models import Organisation
from tests.conftest import LEEDS, YORKSHIRE
from tests.factories import MembershipFactory, make_member

pytestmark = pytest.mark.django_db

FLAGS = "/api/v1/risk-flags/"
TOKEN_PAGE = "/people/api-token/"


def make_token(user, client_for) -> str:
    """The key of a new token, made as the person would, on the token page."""
    response = client_for(user).post("/people/api-token/new/")
    assert response.status_code == 200
    return response.context["new_key"]


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def gain_role(user, org_code: str, role: str) -> None:
    """A new membership, as an administrator would add it (no second factor set up)."""
    MembershipFactory(user=user, organisation=Organisation.objects.get(code=org_code), role=role)


# --- The second factor ----------------------------------------------------------------------


def test_tokens_of_a_council_officer_a_lead_with_mfa_and_one_who_gained_a_lead_role(
    officer, regional_lead, client_for
):
    # A council officer needs no second factor; a regional lead has one: both tokens work.
    assert with_token(make_token(officer, client_for)).get(FLAGS).status_code == 200
    assert with_token(make_token(regional_lead, client_for)).get(FLAGS).status_code == 200
    # A DCS made a token, then became a regional lead (which needs MFA) without setting it up.
    dcs = make_member(LEEDS, "dcs", email="rising@leeds.example")
    key = make_token(dcs, client_for)
    assert with_token(key).get(FLAGS).status_code == 200
    gain_role(dcs, YORKSHIRE, "regional_lead_dcs")
    response = with_token(key).get(FLAGS)
    assert response.status_code == 403
    assert "Set up two-factor authentication" in response.json()["detail"]
    # Signed in, the same person is refused the same way: pages and API share one rule.
    response = client_for(dcs).get(FLAGS)
    assert response.status_code == 403
    assert "Set up two-factor authentication" in response.json()["detail"]


def test_a_token_made_before_the_second_factor_was_set_up_stays_refused(client_for):
    dcs = make_member(LEEDS, "dcs", email="rising@leeds.example")
    old_key = make_token(dcs, client_for)
    gain_role(dcs, YORKSHIRE, "regional_lead_dcs")
    TOTP.activate(dcs, generate_totp_secret())
    response = with_token(old_key).get(FLAGS)
    # The old token was made without a second factor: only a new one works.
    assert response.status_code == 403
    assert "made before you set up two-factor authentication" in response.json()["detail"]
    assert with_token(make_token(dcs, client_for)).get(FLAGS).status_code == 200


def test_people_without_a_role_or_deactivated_get_nothing_with_their_token(
    officer, no_role_user, client_for
):
    key = make_token(officer, client_for)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert with_token(key).get(FLAGS).status_code == 401
    # Someone whose memberships have all ended cannot even reach the token page.
    assert client_for(no_role_user).get(TOKEN_PAGE).status_code == 404
    assert with_token("not-a-token").get(FLAGS).status_code == 401


# --- Expiry and last use --------------------------------------------------------------------


def test_a_token_expires_after_the_lifetime_in_settings(officer, client_for, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    key = make_token(officer, client_for)
    token = ApiToken.objects.get(user=officer)
    assert token.expires_at.date() == (timezone.now() + timedelta(days=30)).date()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = with_token(key).get(FLAGS)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    page = client_for(officer).get(TOKEN_PAGE)
    assert b"Your token has expired" in page.content


def test_the_key_itself_is_not_stored(officer, client_for):
    key = make_token(officer, client_for)
    token = ApiToken.objects.get(user=officer)
    assert key not in str(token.__dict__.values())


def test_last_use_is_recorded_at_most_once_a_minute_and_shown_on_the_token_page(
    officer, client_for, django_assert_num_queries
):
    key = make_token(officer, client_for)
    page = client_for(officer).get(TOKEN_PAGE)
    assert b"Not used yet" in page.content
    assert b"Expires on" in page.content
    assert with_token(key).get(FLAGS).status_code == 200
    first_use = ApiToken.objects.get(user=officer).last_used_at
    assert first_use is not None
    assert with_token(key).get(FLAGS).status_code == 200
    assert ApiToken.objects.get(user=officer).last_used_at == first_use
    # A minute later the next use is recorded.
    ApiToken.objects.filter(user=officer).update(last_used_at=first_use - timedelta(minutes=2))
    assert with_token(key).get(FLAGS).status_code == 200
    assert ApiToken.objects.get(user=officer).last_used_at > first_use - timedelta(minutes=1)
    page = client_for(officer).get(TOKEN_PAGE)
    assert b"Not used yet" not in page.content


def test_replacing_and_deleting_the_token(officer, client_for):
    first = make_token(officer, client_for)
    second = make_token(officer, client_for)
    assert with_token(first).get(FLAGS).status_code == 401
    assert with_token(second).get(FLAGS).status_code == 200
    assert client_for(officer).post("/people/api-token/delete/").status_code == 302
    assert with_token(second).get(FLAGS).status_code == 401
    assert not ApiToken.objects.filter(user=officer).exists()


def test_the_api_docs_say_tokens_expire_and_follow_the_second_factor_rule(officer, client_for):
    page = client_for(officer).get("/api/v1/docs/").content.decode()
    assert "A token works for 90 days" in page
    assert "two-factor authentication" in page
    schema = client_for(officer).get("/api/v1/schema/", {"format": "json"}).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey"
    assert schemes["cookieAuth"]["in"] == "cookie"
