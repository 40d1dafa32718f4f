"""The access layer, and every protected page for the owner, a permitted role and an outsider."""

import pytest

from cib_portal import access
from regions.models import Council

pytestmark = pytest.mark.django_db


def test_confidential_access_follows_memberships(
    officer, regional_lead, adviser, national_adviser, other_officer, other_regional_lead
):
    leeds = Council.objects.get(gss_code="E08000035")
    assert access.can_view_council_confidential(officer, leeds)
    assert access.can_view_council_confidential(regional_lead, leeds)
    assert access.can_view_council_confidential(adviser, leeds)
    assert access.can_view_council_confidential(national_adviser, leeds)
    assert not access.can_view_council_confidential(other_officer, leeds)
    assert not access.can_view_council_confidential(other_regional_lead, leeds)


def test_home_kind_per_role(officer, regional_lead, adviser, national_adviser, no_role_user):
    assert access.home_kind(officer) == "council"
    assert access.home_kind(regional_lead) == "regional"
    assert access.home_kind(adviser) == "adviser"
    assert access.home_kind(national_adviser) == "adviser"
    assert access.home_kind(no_role_user) is None


def test_mfa_is_required_for_national_roles_and_regional_leads_only(
    officer, dcs, regional_lead, adviser, cib_admin
):
    assert not access.requires_mfa(officer)
    assert not access.requires_mfa(dcs)
    assert access.requires_mfa(regional_lead)
    assert access.requires_mfa(adviser)
    assert access.requires_mfa(cib_admin)


# Pages that any member may see (published data): outsider here is someone with no current role.
MEMBER_PAGES = [
    "/councils/",
    "/councils/E08000035/",
    "/regions/",
    "/regions/E12000003/",
    "/reports/",
    "/people/api-token/",
    "/api/v1/docs/",
]


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages_for_member_other_member_and_no_role(
    path, officer, other_officer, no_role_user, client_for
):
    assert client_for(officer).get(path).status_code == 200
    assert client_for(other_officer).get(path).status_code == 200
    assert client_for(no_role_user).get(path).status_code == 404


@pytest.mark.parametrize("path", MEMBER_PAGES + ["/home/", "/people/invitations/"])
def test_anonymous_users_are_sent_to_sign_in(path, client_for, reference_data):
    response = client_for(None).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_unknown_council_and_region_are_404(officer, client_for):
    client = client_for(officer)
    assert client.get("/councils/E99999999/").status_code == 404
    assert client.get("/regions/E99999999/").status_code == 404


def test_admin_is_for_national_staff_only(
    national_adviser, cib_admin, officer, regional_lead, client_for
):
    assert client_for(national_adviser).get("/admin/").status_code == 200
    assert client_for(cib_admin).get("/admin/regions/council/").status_code == 200
    assert client_for(cib_admin).get("/admin/audit/auditevent/").status_code == 200
    for outsider in (officer, regional_lead):
        response = client_for(outsider).get("/admin/", follow=True)
        assert response.status_code == 404
