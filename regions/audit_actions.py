"""Regions' audit action names, in the one style `<thing>.<what_happened>`: memberships (the
roles that grant access, from the portal's pages or the admin) and regional governance."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    MEMBERSHIP_CREATE = "membership.create"
    MEMBERSHIP_CHANGE = "membership.change"
    MEMBERSHIP_END = "membership.end"
    MEMBERSHIP_DELETE = "membership.delete"
    GOVERNANCE_APPOINT = "governance.appoint"
    GOVERNANCE_END = "governance.end"
