"""The funds API's viewsets: /api/v1/agreements/ (create, list, read, budget),
/api/v1/spend-requests/ (raise, list, read, submit, approve, reject, withdraw) and
/api/v1/returns/ (list, read, write the narrative, sign off, submit, accept, send back).

Same access rules and reads as the pages (funds.permissions, funds.selectors): an object the
user may not see is a 404; one they may see but not change is a 403 whose `detail` is the
rule's reason. A refusal of the funds rules
(FundsError: an overspend, one's own request, the wrong state) is a 409 with the message a
person can act on; a bad field is a 400 naming it.

Money is integer pence in both directions: a float or a string where pence are expected is
refused (400), never rounded. Responses are written out by hand; the serializers (in
serializers.py) describe them for the OpenAPI schema.
"""

from __future__ import annotations

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
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cib_portal import access
from cib_portal.api import MemberPermission

from .. import permissions, selectors, services
from ..filters import AgreementFilter, ReturnFilter, filter_by, filter_spend_requests
from ..models import (
    FundingAgreement,
    Purpose,
    QuarterlyReturn,
    ReturnStatus,
    SpendApproval,
    SpendRequest,
    SpendStatus,
    financial_year_label,
)
from ..services import returns as return_services
from .serializers import (
    AgreementCreateSerializer,
    AgreementSerializer,
    BudgetSerializer,
    RejectSerializer,
    ReturnDetailSerializer,
    ReturnPatchSerializer,
    ReturnSerializer,
    SendBackSerializer,
    SpendRequestCreateSerializer,
    SpendRequestSerializer,
    budget_line,
    parse_financial_year,
)
from .steps import (
    BAD_FIELD,
    CONFLICT,
    NOT_YOURS,
    StepMixin,
    choice_param,
    id_param,
    step_schema,
)

# --- Agreements ------------------------------------------------------------------------------


def agreements_visible(user: Any) -> QuerySet[FundingAgreement]:
    return selectors.agreements_visible(user=user).prefetch_related("allocations")


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
        year = params.get("financial_year", "").strip()
        try:
            first_year = parse_financial_year(year) if year else None
        except ValueError as exc:
            raise ValidationError({"financial_year": [str(exc)]}) from None
        return filter_by(
            AgreementFilter,
            qs,
            region=params.get("region", "").strip(),
            financial_year=first_year,
        )

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
        access.require_permission(permissions.can_manage_agreements(request.user))
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
                "purposes": {line.purpose: budget_line(line) for line in lines},
                "total": budget_line(services.budget_total(lines)),
            }
        )


# --- Spend requests --------------------------------------------------------------------------


def spend_requests_visible(user: Any) -> QuerySet[SpendRequest]:
    # Approvals in the order given, without the join to the request that their default
    # ordering (by request) would add.
    approvals = SpendApproval.objects.select_related("approver").order_by("approved_at", "pk")
    return (
        selectors.spend_requests_visible(user=user)
        .select_related("agreement__region", "allocation", "raised_by")
        .prefetch_related(Prefetch("approvals", queryset=approvals))
        .order_by("-created_at", "-pk")
    )


def _raiser(user: Any, spend: SpendRequest) -> access.Decision:
    return permissions.can_raise_spend(user, spend.agreement.region_id)


def _lead(user: Any, spend: SpendRequest) -> access.Decision:
    return permissions.can_approve_spend(user, spend.agreement.region_id)


_spend_step = partial(step_schema, SpendRequestSerializer, CONFLICT)


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
    StepMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
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
        return filter_spend_requests(
            qs,
            agreement=id_param(params, "agreement"),
            status=choice_param(params, "status", SpendStatus.values),
            purpose=choice_param(params, "purpose", Purpose.values),
        )

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
        access.require_permission(permissions.can_raise_spend(request.user, agreement.region_id))
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
        return self._step(_raiser, services.spend_request_submit)

    @_spend_step("May see the request but not withdraw it")
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw a request not yet approved: the region's programme manager."""
        return self._step(_raiser, services.spend_request_withdraw)

    @_spend_step("May see the request but is not a regional lead")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a submitted request: a regional lead of the region who did not raise it.
        Above the agreement's threshold it needs two different leads; the last approval adds
        the amount to the purpose's approved total only if it fits the allocation (409 if
        it would overspend, and nothing changes)."""
        return self._step(_lead, services.spend_request_approve)

    @_spend_step("May see the request but is not a regional lead", body=RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject a submitted request with the reason: a regional lead who did not raise it."""
        return self._step(_lead, services.spend_request_reject, body=RejectSerializer)


# --- Quarterly returns -----------------------------------------------------------------------


def returns_visible(user: Any) -> QuerySet[QuarterlyReturn]:
    return selectors.returns_visible(user=user)


RETURN_CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"detail": why}: e.g. the wrong state, no narrative, the quarter not ended',
)
_return_step = partial(step_schema, ReturnDetailSerializer, RETURN_CONFLICT)


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
    StepMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
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
        return filter_by(
            ReturnFilter,
            qs,
            agreement=id_param(params, "agreement"),
            status=choice_param(params, "status", ReturnStatus.values),
            quarter=choice_param(params, "quarter", ["1", "2", "3", "4"]),
        )

    def _respond(self, ret: QuarterlyReturn) -> Response:
        return Response(ReturnDetailSerializer(self.get_object()).data)

    @_return_step("May see the return but not edit it", body=ReturnPatchSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the narrative and outcomes of a draft or returned return: the region's
        programme manager. A field left out keeps its value."""
        return self._step(
            permissions.can_edit_return,
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
            permissions.can_sign_off_return,
            return_services.return_sign_off,
        )

    @_return_step("Not the programme manager or a regional lead")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit a signed-off return to CIB once its quarter has ended, freezing its
        figures: the region's programme manager or a regional lead."""
        return self._step(
            permissions.can_submit_return,
            return_services.return_submit,
        )

    @_return_step("Not the CIB administrator")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept a submitted return: the CIB administrator."""
        return self._step(permissions.can_review_return, return_services.return_accept)

    @_return_step("Not the CIB administrator", body=SendBackSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        """Send a submitted return back to the region with comments: the CIB administrator."""
        return self._step(
            permissions.can_review_return,
            return_services.return_send_back,
            body=SendBackSerializer,
        )
