"""The funds API's serializers: they check what comes in (money as integer pence, financial
years as "YYYY-YY") and write out agreements, spend requests, budgets and returns. Responses
are written out by hand in `to_representation`; the fields describe them for the OpenAPI
schema."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from cib_portal.api_fields import NamedChoiceField
from regions.models import Region

from .. import services
from ..models import (
    FundingAgreement,
    Purpose,
    QuarterlyReturn,
    ReturnStatus,
    SpendRequest,
    SpendStatus,
    financial_year_label,
)
from ..services.returns import figures_for_display

FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_financial_year(value: Any) -> int:
    """ "2027-28" -> 2027, or a ValueError saying what is wrong."""
    match = FINANCIAL_YEAR.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError('Give the financial year as "YYYY-YY", e.g. "2027-28".')
    start = int(match.group(1))
    if int(match.group(2)) != (start + 1) % 100:
        raise ValueError(
            f'The years must follow each other: "{financial_year_label(start)}", not '
            f'"{value.strip()}".'
        )
    if not FIRST_YEAR <= start <= LAST_YEAR:
        raise ValueError(f"Give a financial year from {FIRST_YEAR} to {LAST_YEAR}.")
    return start


class PenceField(serializers.IntegerField):
    """A whole number of pence sent as a JSON integer: floats, strings and booleans are
    refused rather than converted."""

    default_error_messages = {
        **serializers.IntegerField.default_error_messages,
        "not_pence": "Give a whole number of pence as a JSON integer, e.g. 500000 for £5,000.",
    }

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("not_pence")
        return super().to_internal_value(data)


# --- Agreements ------------------------------------------------------------------------------


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(help_text="The region's GSS code")
    region_name = serializers.CharField()
    financial_year = serializers.CharField(help_text='e.g. "2027-28" (April to March)')
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    terms = serializers.CharField()
    second_approval_threshold_pence = serializers.IntegerField(
        help_text="Requests above this amount need the approval of two different regional leads"
    )
    signed_on = serializers.DateField(allow_null=True)
    has_signed_document = serializers.BooleanField()
    allocations = serializers.DictField(
        child=serializers.IntegerField(), help_text="Pence allocated to each purpose"
    )
    created_at = serializers.DateTimeField()

    def to_representation(self, a: FundingAgreement) -> dict:
        return {
            "id": a.pk,
            "region": a.region.gss_code,
            "region_name": a.region.name,
            "financial_year": a.label,
            "starts_on": a.starts_on.isoformat(),
            "ends_on": a.ends_on.isoformat(),
            "terms": a.terms,
            "second_approval_threshold_pence": a.second_approval_threshold_pence,
            "signed_on": a.signed_on.isoformat() if a.signed_on else None,
            "has_signed_document": bool(a.signed_document),
            "allocations": {x.purpose: x.amount_pence for x in a.allocations.all()},
            "created_at": a.created_at.isoformat(),
        }


class AgreementCreateSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="The region's GSS code, e.g. E12000003")
    financial_year = serializers.CharField(help_text='"YYYY-YY", e.g. "2027-28"')
    allocations = serializers.DictField(
        child=PenceField(min_value=0),
        help_text=f"Pence per purpose ({', '.join(Purpose.values)}); purposes left out get 0",
    )
    terms = serializers.CharField(required=False, allow_blank=True, default="")
    second_approval_threshold_pence = PenceField(min_value=0, required=False, default=1_000_000)

    def validate_region(self, value: str) -> Region:
        region = Region.objects.filter(gss_code=value.strip()).first()
        if region is None:
            raise serializers.ValidationError(f"No region has the GSS code {value.strip()!r}.")
        return region

    def validate_financial_year(self, value: str) -> int:
        try:
            return parse_financial_year(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_allocations(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(Purpose.values))
        if unknown:
            raise serializers.ValidationError(
                {p: [f"Not a purpose: use one of {', '.join(Purpose.values)}."] for p in unknown}
            )
        return value


class BudgetLineSerializer(serializers.Serializer):
    allocated = serializers.IntegerField()
    approved = serializers.IntegerField(help_text="Approved spend, paid spend included")
    paid = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text="Allocated less approved")


class BudgetSerializer(serializers.Serializer):
    agreement = serializers.IntegerField()
    region = serializers.CharField(help_text="The region's GSS code")
    financial_year = serializers.CharField(help_text='e.g. "2027-28"')
    purposes = serializers.DictField(child=BudgetLineSerializer(), help_text="Pence per purpose")
    total = BudgetLineSerializer()


def budget_line(line: services.BudgetLine) -> dict:
    return {
        "allocated": line.allocated,
        "approved": line.approved,
        "paid": line.paid,
        "remaining": line.remaining,
    }


# --- Spend requests --------------------------------------------------------------------------


class ApprovalsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Approvals given so far")
    needed = serializers.IntegerField(
        help_text="2 above the agreement's threshold (two different leads), 1 otherwise"
    )
    by = serializers.ListField(child=serializers.CharField(), help_text="Who approved, in order")


class SpendRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agreement = serializers.IntegerField()
    region = serializers.CharField(help_text="The region's GSS code")
    financial_year = serializers.CharField(help_text='e.g. "2027-28"')
    purpose = NamedChoiceField(choices=Purpose.choices, enum_name="FundsPurposeEnum")
    status = NamedChoiceField(choices=SpendStatus.choices, enum_name="SpendStatusEnum")
    amount_pence = serializers.IntegerField()
    description = serializers.CharField()
    supplier = serializers.CharField()
    raised_by = serializers.CharField(help_text="The name of who raised it")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    rejected_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    payment_reference = serializers.CharField()
    approvals = ApprovalsSerializer()

    def to_representation(self, r: SpendRequest) -> dict:
        def when(value: Any) -> str | None:
            return value.isoformat() if value else None

        approvers = [str(a.approver) for a in r.approvals.all()]
        return {
            "id": r.pk,
            "agreement": r.agreement_id,
            "region": r.agreement.region.gss_code,
            "financial_year": r.agreement.label,
            "purpose": r.allocation.purpose,
            "status": r.status,
            "amount_pence": r.amount_pence,
            "description": r.description,
            "supplier": r.supplier,
            "raised_by": str(r.raised_by),
            "created_at": when(r.created_at),
            "submitted_at": when(r.submitted_at),
            "approved_at": when(r.approved_at),
            "rejected_at": when(r.rejected_at),
            "rejection_reason": r.rejection_reason,
            "withdrawn_at": when(r.withdrawn_at),
            "paid_at": when(r.paid_at),
            "payment_reference": r.payment_reference,
            "approvals": {
                "count": len(approvers),
                "needed": services.approvals_needed(r),
                "by": approvers,
            },
        }


class SpendRequestCreateSerializer(serializers.Serializer):
    agreement = serializers.IntegerField(help_text="The agreement's id")
    purpose = NamedChoiceField(choices=Purpose.choices, enum_name="FundsPurposeEnum")
    amount_pence = PenceField(min_value=1, help_text="Whole pence, more than 0")
    description = serializers.CharField(help_text="What the money is for")
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the request is rejected (told to the raiser)")


# --- Quarterly returns -----------------------------------------------------------------------


class ReturnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agreement = serializers.IntegerField()
    region = serializers.CharField(help_text="The region's GSS code")
    financial_year = serializers.CharField(help_text='e.g. "2027-28"')
    quarter = serializers.IntegerField(help_text="1 = April to June … 4 = January to March")
    status = NamedChoiceField(choices=ReturnStatus.choices, enum_name="FundsReturnStatusEnum")
    due_on = serializers.DateField()
    signed_off_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, r: QuarterlyReturn) -> dict:
        def when(value: Any) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": r.pk,
            "agreement": r.agreement_id,
            "region": r.agreement.region.gss_code,
            "financial_year": r.agreement.label,
            "quarter": r.quarter,
            "status": r.status,
            "due_on": r.due_on.isoformat(),
            "signed_off_at": when(r.signed_off_at),
            "submitted_at": when(r.submitted_at),
            "reviewed_at": when(r.reviewed_at),
        }


class ReturnDetailSerializer(ReturnSerializer):
    narrative = serializers.CharField()
    outcomes = serializers.CharField()
    review_comments = serializers.CharField(help_text="CIB's comments when it was returned")
    figures = serializers.JSONField(
        help_text="Allocated, approved and paid pence (to date and in the quarter) and remaining, "
        "per purpose and in total: live while the return is with the region, as frozen when "
        "it was submitted afterwards"
    )
    figures_frozen = serializers.BooleanField(
        help_text="Whether the figures are those frozen at submission"
    )

    def to_representation(self, r: QuarterlyReturn) -> dict:
        figures, frozen = figures_for_display(r)
        return {
            **super().to_representation(r),
            "narrative": r.narrative,
            "outcomes": r.outcomes,
            "review_comments": r.review_comments,
            "figures": figures,
            "figures_frozen": frozen,
        }


class ReturnPatchSerializer(serializers.Serializer):
    narrative = serializers.CharField(required=False, allow_blank=True)
    outcomes = serializers.CharField(required=False, allow_blank=True)


class SendBackSerializer(serializers.Serializer):
    comments = serializers.CharField(help_text="What the region needs to change")
