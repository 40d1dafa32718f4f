"""A permission rule's reason reaches the person: the 403 page shows it, the API's `detail`
carries it, and a Decision reads as a bool."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from cib_portal import access
from cib_portal.api import exception_handler
from cib_portal.views import forbidden


def test_a_decision_is_truthy_only_when_allowed():
    assert access.ALLOWED
    refused = access.deny("Only the region's leads can.")
    assert not refused
    assert refused.reason == "Only the region's leads can."
    assert access.allow_if(True, "never shown") is access.ALLOWED
    assert access.allow_if(False, "Closed on 7 June.") == access.Decision(
        False, "Closed on 7 June."
    )


def test_require_permission_raises_403_with_the_reason():
    access.require_permission(access.ALLOWED)
    with pytest.raises(PermissionDenied, match="Only the region's leads can."):
        access.require_permission(access.deny("Only the region's leads can."))
    with pytest.raises(PermissionDenied, match="fallback"):
        access.require_permission(False, "fallback")


def test_require_hides_what_may_not_be_seen():
    from django.http import Http404

    with pytest.raises(Http404):
        access.require(access.deny("not shown: a 404 confirms nothing"))


@pytest.mark.django_db
def test_the_403_page_shows_the_reason(rf: RequestFactory):
    from tests.factories import UserFactory

    request = rf.get("/")
    request.user = UserFactory()
    response = forbidden(request, PermissionDenied("Only the region's leads approve spend."))
    assert response.status_code == 403
    assert "Only the region&#x27;s leads approve spend." in response.content.decode()

    generic = forbidden(request, PermissionDenied()).content.decode()
    assert "Your role does not allow this." in generic


def test_the_api_puts_the_reason_in_detail():
    response = exception_handler(PermissionDenied("Only the CIB administrator can."), {})
    assert response.status_code == 403
    assert response.data == {"detail": "Only the CIB administrator can."}

    generic = exception_handler(PermissionDenied(), {})
    assert generic.status_code == 403
    assert generic.data["detail"] != ""
