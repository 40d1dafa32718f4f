"""The devolved funds' audit action names, in the one style `<thing>.<what_happened>` (all
under `funds.`: the agreements, allocations, spend requests and quarterly returns)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    AGREEMENT_CREATE = "funds.agreement_create"
    AGREEMENT_UPDATE = "funds.agreement_update"
    ALLOCATION_SET = "funds.allocation_set"
    SPEND_CREATE = "funds.spend_create"
    SPEND_UPDATE = "funds.spend_update"
    SPEND_SUBMIT = "funds.spend_submit"
    SPEND_WITHDRAW = "funds.spend_withdraw"
    SPEND_FIRST_APPROVAL = "funds.spend_first_approval"
    SPEND_APPROVE = "funds.spend_approve"
    SPEND_REJECT = "funds.spend_reject"
    SPEND_PAID = "funds.spend_paid"
    SPEND_EVIDENCE_ADD = "funds.spend_evidence_add"
    RETURN_SAVE = "funds.return_save"
    RETURN_SIGN_OFF = "funds.return_sign_off"
    RETURN_SUBMIT = "funds.return_submit"
    RETURN_ACCEPT = "funds.return_accept"
    RETURN_SEND_BACK = "funds.return_send_back"
    RETURN_REMINDER = "funds.return_reminder"
    RETURN_ESCALATION = "funds.return_escalation"
