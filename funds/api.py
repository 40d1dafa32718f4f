"""API for devolved funds: /api/v1/agreements/ (create, list, read, budget),
/api/v1/spend-requests/ (raise, list, read, submit, approve, reject, withdraw) and
/api/v1/returns/ (list, read, write the narrative, sign off, submit, accept, send back).

Same access rules as the pages (cib_portal.access, "Devolved funds"): an object the user may
not see is a 404; one they may see but not change is a 403. A refusal of the funds rules
(FundsError: an overspend, one's own request, the wrong state) is a 409 with the message a
person can act on; a bad field is a 400 naming it.

Money is integer pence in both directions: a float or a string where pence are expected is
refused (400), never rounded. Responses are written out by hand; the serializers describe them
for the OpenAPI schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cib_portal import access
from cib_portal.api import MemberPermission

# The named-enum field keeps each choice set's schema name unique (several are called
# `status`); it is registered with drf-spectacular where it is defined.
from peerchallenge.api import NamedChoiceField
from regions.models import Region

from . import returns as return_services
from . import services
from .models import (
    FundingAgreement,
    Purpose,
    QuarterlyReturn,
    ReturnStatus,
    SpendApproval,
    SpendRequest,
    SpendStatus,
    financial_year_label,
)

FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
NOT_YOURS = OpenApiResponse(description="Not found, or not yours to see")
BAD_FIELD = OpenApiResponse(OpenApiTypes.OBJECT, description="A bad field, named")
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"detail": why}: e.g. it would overspend, your own request, the wrong state',
)


def _conflict(exc: services.FundsError) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


def _step_schema(
    ok: type[serializers.Serializer],
    conflict: OpenApiResponse,
    forbidden: str,
    body: type[serializers.Serializer] | None = None,
) -> Callable:
    """The schema of a step on a spend request or a return (see _StepMixin): `ok` (200), a bad
    field of `body` (400), `forbidden` (403), not visible (404) and `conflict` (409)."""
    responses: dict[int, Any] = {200: ok}
    if body is not None:
        responses[400] = BAD_FIELD
    responses.update({403: OpenApiResponse(description=forbidden), 404: NOT_YOURS, 409: conflict})
    return extend_schema(request=body, responses=responses)


class _StepMixin:
    """A spend request or return (404 if the user may not see it), and a step on it: 403
    with `message` unless `allowed(user, region_id)`, the `body` checked (400), then
    `service(user=…, <subject>=object, **body)`: 409 with its message on a FundsError, else
    the object written out afresh by the viewset's `_respond`."""

    subject: str  # the service's keyword for the object
    visible: Callable[[Any], QuerySet]  # what the user may see

    def get_object(self) -> Any:
        found = self.visible(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound
        return found

    def _step(
        self,
        allowed: Callable[[Any, int], bool],
        message: str,
        service: Callable[..., Any],
        body: type[serializers.Serializer] | None = None,
    ) -> Response:
        found = self.get_object()
        user = self.request.user
        if not allowed(user, found.agreement.region_id):
            raise PermissionDenied(message)
        values: dict = {}
        if body is not None:
            data = body(data=self.request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
        try:
            done = service(user=user, **{self.subject: found}, **values)
        except services.FundsError as exc:
            return _conflict(exc)
        return self._respond(done)


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


def _region_ids_filter(user: Any, qs: QuerySet, field: str) -> QuerySet:
    region_ids = access.funds_region_ids(user)
    if region_ids is None:
        return qs
    return qs.filter(**{f"{field}__in": region_ids})


def _id_param(params: Any, name: str) -> int | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({name: [f"{value!r} is not an id."]})
    return int(value)


def _agreement_and_status(qs: QuerySet, params: Any, statuses: list[str]) -> QuerySet:
    """`qs` filtered by the `agreement` (an id) and `status` query parameters, if given."""
    agreement = _id_param(params, "agreement")
    if agreement is not None:
        qs = qs.filter(agreement_id=agreement)
    wanted = _choice_param(params, "status", statuses)
    if wanted:
        qs = qs.filter(status=wanted)
    return qs


def _choice_param(params: Any, name: str, choices: list[str]) -> str | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    if value not in choices:
        raise ValidationError({name: [f"{value!r} is not one of {', '.join(choices)}"]})
    return value


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


def _budget_line(line: services.BudgetLine) -> dict:
    return {
        "allocated": line.allocated,
        "approved": line.approved,
        "paid": line.paid,
        "remaining": line.remaining,
    }


def agreements_visible(user: Any) -> QuerySet[FundingAgreement]:
    qs = FundingAgreement.objects.select_related("region").prefetch_related("allocations")
    return _region_ids_filter(user, qs, "region_id").order_by("-financial_year", "region__name")


def _agreement(user: Any, pk: Any) -> FundingAgreement:
    agreement = agreements_visible(user).filter(pk=pk).first()
    if agreement is None:
        raise NotFound
    return agreement


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="A region's GSS code, e.g. E12000003"),
            OpenApiParameter("financial_year", str, description='e.g. "2027-28"'),
        ],
        responses={200: AgreementSerializer(many=True), 400: BAD_FIELD},
    ),
    retrieve=extend_schema(responses={200: AgreementSerializer, 404: NOT_YOURS}),
)
@extend_schema(tags=["devolved funds"])
class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """CIB's funding agreements with regions, as far as the user may see them: the region's
    leads and programme manager, advisers covering it, and national staff."""

    permission_classes = [MemberPermission]
    serializer_class = AgreementSerializer
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        qs = agreements_visible(self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        region = params.get("region", "").strip()
        if region:
            qs = qs.filter(region__gss_code=region)
        year = params.get("financial_year", "").strip()
        if year:
            try:
                qs = qs.filter(financial_year=parse_financial_year(year))
            except ValueError as exc:
                raise ValidationError({"financial_year": [str(exc)]}) from None
        return qs

    def get_object(self) -> FundingAgreement:
        return _agreement(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=AgreementCreateSerializer,
        responses={
            201: AgreementSerializer,
            400: BAD_FIELD,
            403: OpenApiResponse(description="Not the CIB administrator"),
        },
    )
    def create(self, request: Request) -> Response:
        """Record CIB's agreement with a region for a financial year, with the allocation per
        purpose in pence: the CIB administrator only. Its four quarterly returns are made
        with it."""
        if not access.can_manage_agreements(request.user):
            raise PermissionDenied("Only the CIB administrator records funding agreements.")
        if not isinstance(request.data, dict):
            raise ValidationError({"region": ["Send an object with region, financial_year..."]})
        data = AgreementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        region, year = values["region"], values["financial_year"]
        if FundingAgreement.objects.filter(region=region, financial_year=year).exists():
            raise ValidationError(
                {
                    "financial_year": [
                        f"{region} already has an agreement for {financial_year_label(year)}."
                    ]
                }
            )
        try:
            agreement = services.agreement_create(
                user=request.user,
                region=region,
                financial_year=year,
                allocations=dict(values["allocations"]),
                terms=values["terms"],
                second_approval_threshold_pence=values["second_approval_threshold_pence"],
            )
        except services.FundsError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        except IntegrityError:  # the same region and year recorded at the same moment
            raise ValidationError(
                {
                    "financial_year": [
                        f"{region} already has an agreement for {financial_year_label(year)}."
                    ]
                }
            ) from None
        return Response(
            AgreementSerializer(_agreement(request.user, agreement.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: BudgetSerializer, 404: NOT_YOURS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def budget(self, request: Request, pk: str | None = None) -> Response:
        """Allocated, approved, paid and remaining pence per purpose, and in total."""
        agreement = self.get_object()
        lines = services.budget(agreement)
        return Response(
            {
                "agreement": agreement.pk,
                "region": agreement.region.gss_code,
                "financial_year": agreement.label,
                "purposes": {line.purpose: _budget_line(line) for line in lines},
                "total": _budget_line(services.budget_total(lines)),
            }
        )


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


def spend_requests_visible(user: Any) -> QuerySet[SpendRequest]:
    # Approvals in the order given, without the join to the request that their default
    # ordering (by request) would add.
    approvals = SpendApproval.objects.select_related("approver").order_by("approved_at", "pk")
    qs = SpendRequest.objects.select_related(
        "agreement__region", "allocation", "raised_by"
    ).prefetch_related(Prefetch("approvals", queryset=approvals))
    return _region_ids_filter(user, qs, "agreement__region_id").order_by("-created_at", "-pk")


RAISER = (access.can_raise_spend, "Only the region's programme manager can do this.")
LEAD = (access.can_approve_spend, "Only a regional lead of the region decides on its spend.")
_spend_step = partial(_step_schema, SpendRequestSerializer, CONFLICT)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("agreement", int, description="An agreement's id"),
            OpenApiParameter("status", str, enum=SpendStatus.values),
            OpenApiParameter("purpose", str, enum=Purpose.values),
        ],
        responses={200: SpendRequestSerializer(many=True), 400: BAD_FIELD},
    ),
    retrieve=extend_schema(responses={200: SpendRequestSerializer, 404: NOT_YOURS}),
)
@extend_schema(tags=["devolved funds"])
class SpendRequestViewSet(
    _StepMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Requests to spend an agreement's allocations: raised by the region's programme
    manager, approved or rejected by its regional leads (two different leads above the
    agreement's threshold; never the raiser)."""

    permission_classes = [MemberPermission]
    serializer_class = SpendRequestSerializer
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "head", "options"]
    subject = "request"

    visible = staticmethod(spend_requests_visible)

    def get_queryset(self):
        qs = spend_requests_visible(self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        qs = _agreement_and_status(qs, params, SpendStatus.values)
        purpose = _choice_param(params, "purpose", Purpose.values)
        if purpose:
            qs = qs.filter(allocation__purpose=purpose)
        return qs

    def _respond(self, request: SpendRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = spend_requests_visible(self.request.user).get(pk=request.pk)
        return Response(SpendRequestSerializer(fresh).data, status=code)

    @extend_schema(
        request=SpendRequestCreateSerializer,
        responses={
            201: SpendRequestSerializer,
            400: BAD_FIELD,
            403: OpenApiResponse(description="May see the agreement but not raise spend on it"),
            404: NOT_YOURS,
        },
    )
    def create(self, request: Request) -> Response:
        """Raise a draft request against an agreement: the region's programme manager."""
        data = SpendRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        agreement = _agreement(request.user, values["agreement"])
        if not access.can_raise_spend(request.user, agreement.region_id):
            raise PermissionDenied("Only the region's programme manager raises spend requests.")
        try:
            created = services.spend_request_create(
                user=request.user,
                agreement=agreement,
                purpose=values["purpose"],
                amount_pence=values["amount_pence"],
                description=values["description"],
                supplier=values["supplier"],
            )
        except services.FundsError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        return self._respond(created, status.HTTP_201_CREATED)

    @_spend_step("May see the request but not submit it")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit a draft for the regional leads' approval: the region's programme manager."""
        return self._step(*RAISER, services.spend_request_submit)

    @_spend_step("May see the request but not withdraw it")
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw a request not yet approved: the region's programme manager."""
        return self._step(*RAISER, services.spend_request_withdraw)

    @_spend_step("May see the request but is not a regional lead")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a submitted request: a regional lead of the region who did not raise it.
        Above the agreement's threshold it needs two different leads; the last approval adds
        the amount to the purpose's approved total only if it fits the allocation (409 if
        it would overspend, and nothing changes)."""
        return self._step(*LEAD, services.spend_request_approve)

    @_spend_step("May see the request but is not a regional lead", body=RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject a submitted request with the reason: a regional lead who did not raise it."""
        return self._step(*LEAD, services.spend_request_reject, body=RejectSerializer)


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
        figures, frozen = return_services.figures_for_display(r)
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


def returns_visible(user: Any) -> QuerySet[QuarterlyReturn]:
    qs = QuarterlyReturn.objects.select_related("agreement__region")
    return _region_ids_filter(user, qs, "agreement__region_id").order_by(
        "-agreement__financial_year", "agreement__region__name", "quarter"
    )


RETURN_CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"detail": why}: e.g. the wrong state, no narrative, the quarter not ended',
)
_return_step = partial(_step_schema, ReturnDetailSerializer, RETURN_CONFLICT)


def _cib_admin(user: Any, _region_id: int) -> bool:
    return access.can_manage_agreements(user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("agreement", int, description="An agreement's id"),
            OpenApiParameter("status", str, enum=ReturnStatus.values),
            OpenApiParameter("quarter", int, enum=[1, 2, 3, 4]),
        ],
        responses={200: ReturnSerializer(many=True), 400: BAD_FIELD},
    ),
    retrieve=extend_schema(responses={200: ReturnDetailSerializer, 404: NOT_YOURS}),
)
@extend_schema(tags=["devolved funds"])
class ReturnViewSet(
    _StepMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Regions' quarterly returns to CIB, as far as the user may see them. The programme
    manager drafts the narrative and outcomes, a regional lead signs off, the programme
    manager or a lead submits once the quarter has ended, and the CIB administrator accepts
    it or sends it back with comments."""

    permission_classes = [MemberPermission]
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    subject = "ret"

    def get_serializer_class(self):
        return ReturnSerializer if self.action == "list" else ReturnDetailSerializer

    visible = staticmethod(returns_visible)

    def get_queryset(self):
        qs = returns_visible(self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        qs = _agreement_and_status(qs, params, ReturnStatus.values)
        quarter = _choice_param(params, "quarter", ["1", "2", "3", "4"])
        if quarter:
            qs = qs.filter(quarter=int(quarter))
        return qs

    def _respond(self, ret: QuarterlyReturn) -> Response:
        return Response(ReturnDetailSerializer(self.get_object()).data)

    @_return_step("May see the return but not edit it", body=ReturnPatchSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the narrative and outcomes of a draft or returned return: the region's
        programme manager. A field left out keeps its value."""
        return self._step(
            access.can_raise_spend,
            "Only the region's programme manager edits its returns.",
            lambda user, ret, **values: return_services.return_save_draft(
                user=user,
                ret=ret,
                narrative=values.get("narrative", ret.narrative),
                outcomes=values.get("outcomes", ret.outcomes),
            ),
            body=ReturnPatchSerializer,
        )

    @_return_step("Not a regional lead")
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        """Sign off a draft or returned return that has a narrative: a regional lead."""
        return self._step(
            access.can_approve_spend,
            "Only a regional lead of the region signs off its returns.",
            return_services.return_sign_off,
        )

    @_return_step("Not the programme manager or a regional lead")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit a signed-off return to CIB once its quarter has ended, freezing its
        figures: the region's programme manager or a regional lead."""
        return self._step(
            lambda user, region: (
                access.can_raise_spend(user, region) or access.can_approve_spend(user, region)
            ),
            "Only the region's programme manager or a regional lead submits its returns.",
            return_services.return_submit,
        )

    @_return_step("Not the CIB administrator")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept a submitted return: the CIB administrator."""
        return self._step(
            _cib_admin, "Only the CIB administrator accepts returns.", return_services.return_accept
        )

    @_return_step("Not the CIB administrator", body=SendBackSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        """Send a submitted return back to the region with comments: the CIB administrator."""
        return self._step(
            _cib_admin,
            "Only the CIB administrator sends returns back.",
            return_services.return_send_back,
            body=SendBackSerializer,
        )
