"""Who may use /api/v1/ at all: denied by default to anyone without a membership in force.

Every API URL pattern is found by walking cib_portal.api_urls, so a new endpoint is checked
without being listed here.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, reverse
from rest_framework.test import APIClient

from cib_portal import api_urls

pytestmark = pytest.mark.django_db

NO_ROLE = "You need a current role in an organisation to use the API."


def _made_up(name: str) -> str:
    return "E09999999" if "gss" in name or name.endswith("code") else "999999"


def _api_paths() -> list[str]:
    """One path per named API URL pattern (format suffixes aside), with made-up ids."""
    paths: dict[str, str] = {}

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in paths:
                names = set(pattern.pattern.regex.groupindex) - {"format"}
                paths[pattern.name] = reverse(
                    pattern.name, kwargs={name: _made_up(name) for name in names}
                )

    walk(api_urls.urlpatterns)
    return sorted(paths.values())


API_PATHS = _api_paths()


def test_every_endpoint_is_found():
    assert "/api/v1/" in API_PATHS
    assert "/api/v1/risk-flags/999999/" in API_PATHS
    assert len(API_PATHS) > 30


def _signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", API_PATHS)
def test_no_api_endpoint_answers_someone_without_a_current_role(path, no_role_user):
    response = _signed_in(no_role_user).get(path)
    if path == reverse("api-docs"):
        # The documentation is a portal page: what a person may not see does not exist.
        assert response.status_code == 404
    else:
        assert response.status_code == 403, (path, response.status_code)
        # The schema answers in its own format (YAML), so look for the reason in the body.
        assert NO_ROLE.encode() in response.content


def test_api_root_for_a_member_another_councils_member_and_someone_without_a_role(
    officer, other_officer, no_role_user
):
    assert _signed_in(officer).get("/api/v1/").status_code == 200
    assert _signed_in(other_officer).get("/api/v1/").status_code == 200
    response = _signed_in(no_role_user).get("/api/v1/")
    assert response.status_code == 403
    assert response.json()["detail"] == NO_ROLE
