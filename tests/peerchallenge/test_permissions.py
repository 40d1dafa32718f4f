"""Peer challenge's rules (peerchallenge.permissions) answer with an access.Decision: truthy
when allowed, and when not, a reason a person can read (the 403 page and the API's `detail`
show it). Who may see and change what is tested through the pages and the API; these tests
check the answers themselves."""

from __future__ import annotations

import pytest

from cib_portal import access
from peerchallenge import permissions


def test_a_challenge_is_seen_by_its_sides_and_refused_with_a_reason_to_others(
    challenge, officer, challenger, regional_lead, adviser, other_challenger, other_officer
):
    for user in (officer, challenger, regional_lead, adviser):
        decision = permissions.can_view_challenge(user, challenge)
        assert isinstance(decision, access.Decision) and decision
    for user in (other_challenger, other_officer):
        decision = permissions.can_view_challenge(user, challenge)
        assert not decision and "confidential" in decision.reason


def test_each_side_changes_its_own_part_and_is_told_why_not_the_other(
    challenge, officer, challenger, regional_lead
):
    assert permissions.can_edit_challenge_as_host(officer, challenge)
    refused = permissions.can_edit_challenge_as_host(challenger, challenge)
    assert not refused and refused.reason == permissions.ONLY_HOST_SIDE
    assert permissions.can_edit_challenge_as_challenger(challenger, challenge)
    refused = permissions.can_edit_challenge_as_challenger(officer, challenge)
    assert not refused and refused.reason == permissions.ONLY_CHALLENGER_SIDE
    for user in (officer, challenger, regional_lead):
        assert permissions.can_edit_challenge_either_side(user, challenge)


def test_preparing_and_publishing_a_programme(programme, regional_lead, programme_manager_region):
    region_id = programme.region_id
    assert permissions.can_prepare_programme(regional_lead, region_id)
    assert permissions.can_prepare_programme(programme_manager_region, region_id)
    assert permissions.can_publish_programme(regional_lead, programme)
    refused = permissions.can_publish_programme(programme_manager_region, programme)
    assert not refused and refused.reason == "Only the region's leads can publish the pairings."


def test_the_national_ledger_says_who_it_is_for(regional_lead, national_adviser, programme):
    assert permissions.can_view_ledger(national_adviser, None)
    assert permissions.can_view_ledger(regional_lead, programme.region_id)
    refused = permissions.can_view_ledger(regional_lead, None)
    assert not refused
    assert refused.reason == "The national ledger is for advisers and national staff."
    assert permissions.can_open_ledger(regional_lead)


def test_a_refusal_becomes_a_403_with_its_reason(challenge, challenger):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="host's side"):
        access.require_permission(permissions.can_edit_challenge_as_host(challenger, challenge))
