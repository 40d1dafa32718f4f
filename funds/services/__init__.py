"""The funds writes, by feature: agreements and their budgets (agreements.py), the spend
request life cycle (spend.py) and quarterly returns (returns.py), with what they share
(common.py). Each change is one transaction and one audit event.

The names pages, the API and commands call are importable from here (`funds.services`)."""

from .agreements import (
    BudgetLine,
    agreement_create,
    agreement_update,
    allocation_set,
    budget,
    budget_total,
)
from .common import FundsError, pence_text, pounds
from .spend import (
    approvals_needed,
    spend_evidence_add,
    spend_request_approve,
    spend_request_create,
    spend_request_mark_paid,
    spend_request_reject,
    spend_request_submit,
    spend_request_update,
    spend_request_withdraw,
)

__all__ = [
    "BudgetLine",
    "FundsError",
    "agreement_create",
    "agreement_update",
    "allocation_set",
    "approvals_needed",
    "budget",
    "budget_total",
    "pence_text",
    "pounds",
    "spend_evidence_add",
    "spend_request_approve",
    "spend_request_create",
    "spend_request_mark_paid",
    "spend_request_reject",
    "spend_request_submit",
    "spend_request_update",
    "spend_request_withdraw",
]
