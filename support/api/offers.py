"""The offer and requests API: /api/v1/support-offers/ (the catalogue, filtered by audience,
kind and open_now; one offer by code) and /api/v1/support-requests/ (the requests the user may
see; asking; and the accept, decline, waitlist, broker, start_delivery, deliver, close and cancel
steps).

Same rules, reads and writes as the pages (support.permissions, support.selectors, the one
service): a request the user may not see is a 404; a step they may see but not take a 403
whose `detail` is the rule's reason; a refusal of the request's rules (the wrong state, a full
cohort, a closed window) a 409 with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from regions.models import Council

from .. import permissions
from ..filters import OfferFilter, SupportRequestFilter
from ..models.offers import Audience, OfferKind, RequestStatus, SupportRequest
from ..selectors import offers as offer_selectors
from ..selectors import requests as selectors
from ..services import requests as services
from ..services.common import SupportError
from .offer_serializers import (
    BrokerSerializer,
    CloseSerializer,
    DeclineSerializer,
    SupportOfferSerializer,
    SupportRequestCreateSerializer,
    SupportRequestSerializer,
)

NOT_YOURS = OpenApiResponse(description="Not found, or not yours to see")
BAD_FIELD = OpenApiResponse(OpenApiTypes.OBJECT, description="A bad field, named")
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"detail": why}: the wrong state, a full cohort, a closed window...',
)


def _conflict(exc: SupportError) -> Response:
    return Response({"detail": exc.reason}, status=status.HTTP_409_CONFLICT)


def _filtered(filterset: Any) -> Any:
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("audience", str, enum=Audience.values),
            OpenApiParameter("kind", str, enum=OfferKind.values),
            OpenApiParameter("open_now", bool),
        ],
        responses={200: SupportOfferSerializer(many=True), 400: BAD_FIELD},
    ),
    retrieve=extend_schema(responses={200: SupportOfferSerializer, 404: NOT_YOURS}),
)
@extend_schema(tags=["support"])
class SupportOfferViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The support offer, open to every member."""

    permission_classes = [MemberPermission]
    serializer_class = SupportOfferSerializer
    filter_backends: list = []
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        qs = offer_selectors.catalogue(self.request.user)
        if self.action != "list":
            return qs
        return _filtered(OfferFilter(self.request.query_params, queryset=qs))


def _step_schema(forbidden: str, body: Any = None) -> Callable:
    responses: dict[int, Any] = {200: SupportRequestSerializer}
    if body is not None:
        responses[400] = BAD_FIELD
    responses.update({403: OpenApiResponse(description=forbidden), 404: NOT_YOURS, 409: CONFLICT})
    return extend_schema(request=body, responses=responses)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=RequestStatus.values),
            OpenApiParameter("offer", str, description="An offer's code"),
            OpenApiParameter("council", str, description="A council's GSS code"),
        ],
        responses={200: SupportRequestSerializer(many=True), 400: BAD_FIELD},
    ),
    retrieve=extend_schema(responses={200: SupportRequestSerializer, 404: NOT_YOURS}),
)
@extend_schema(tags=["support"])
class SupportRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Councils' requests for support: asked by the council's people or an adviser covering
    it, decided by the region's principal adviser or the national programme manager."""

    permission_classes = [MemberPermission]
    serializer_class = SupportRequestSerializer
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        qs = selectors.requests_for(self.request.user).select_related("brokered_offer")
        if self.action != "list":
            return qs
        return _filtered(SupportRequestFilter(self.request.query_params, queryset=qs))

    def get_object(self) -> SupportRequest:
        found = selectors.request_for(self.request.user, int(self.kwargs["pk"]))
        if found is None or not permissions.can_view_request(self.request.user, found):
            raise NotFound
        return found

    def _respond(self, request: SupportRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = SupportRequest.objects.select_related("council", "offer", "brokered_offer").get(
            pk=request.pk
        )
        return Response(SupportRequestSerializer(fresh).data, status=code)

    def _step(
        self,
        rule: Callable[..., access.Decision],
        service: Callable[..., Any],
        body: Any = None,
    ) -> Response:
        found = self.get_object()
        user = self.request.user
        access.require_permission(rule(user, found))
        values: dict = {}
        if body is not None:
            data = body(data=self.request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
        try:
            done = service(user=user, request=found, **values)
        except SupportError as exc:
            return _conflict(exc)
        return self._respond(done)

    @extend_schema(
        request=SupportRequestCreateSerializer,
        responses={
            201: SupportRequestSerializer,
            400: BAD_FIELD,
            403: OpenApiResponse(description="May not ask for this council"),
            409: CONFLICT,
        },
    )
    def create(self, request: Request) -> Response:
        """Ask for an offer for a council (a full cohort puts it on the waiting list where the
        offer keeps one)."""
        data = SupportRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        council = Council.objects.filter(gss_code=values["council"]).first()
        if council is None:
            raise ValidationError({"council": ["No council has that code."]})
        offer = offer_selectors.offer_by_code(values["offer"])
        if offer is None:
            raise ValidationError({"offer": ["No offer has that code."]})
        cohort = None
        if values.get("cohort") is not None:
            cohort = offer.cohorts.filter(pk=values["cohort"]).first()
            if cohort is None:
                raise ValidationError({"cohort": ["That cohort is not one of this offer's."]})
        access.require_permission(permissions.can_request_for(request.user, council))
        try:
            created = services.request_support(
                user=request.user,
                council=council,
                offer=offer,
                cohort=cohort,
                need=values["need"],
                why=values["why"],
            )
        except SupportError as exc:
            return _conflict(exc)
        return self._respond(created, status.HTTP_201_CREATED)

    @_step_schema("May see the request but does not decide it")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept, taking one of the cohort's places (409 when none is left)."""
        return self._step(permissions.can_decide, services.accept)

    @_step_schema("May see the request but does not decide it", body=DeclineSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Decline with the reason the council reads."""
        return self._step(permissions.can_decide, services.decline, body=DeclineSerializer)

    @_step_schema("May see the request but does not decide it")
    @action(detail=True, methods=["post"])
    def waitlist(self, request: Request, pk: str | None = None) -> Response:
        """Put on the waiting list (offers that keep one)."""
        return self._step(permissions.can_decide, services.waitlist)

    @_step_schema("May see the request but does not decide it", body=BrokerSerializer)
    @action(detail=True, methods=["post"])
    def broker(self, request: Request, pk: str | None = None) -> Response:
        """Point the council to another offer: this request is declined with that reason and
        a new one made for the other offer, which is returned."""
        found = self.get_object()
        access.require_permission(permissions.can_decide(request.user, found))
        data = BrokerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        other = offer_selectors.offer_by_code(data.validated_data["offer"])
        if other is None:
            raise ValidationError({"offer": ["No offer has that code."]})
        try:
            new = services.broker(
                user=request.user, request=found, offer=other, note=data.validated_data["note"]
            )
        except SupportError as exc:
            return _conflict(exc)
        return self._respond(new)

    @_step_schema("May see the request but does not decide it")
    @action(detail=True, methods=["post"], url_path="start-delivery")
    def start_delivery(self, request: Request, pk: str | None = None) -> Response:
        """Start delivering accepted support."""
        return self._step(permissions.can_decide, services.start_delivery)

    @_step_schema("May see the request but does not decide it")
    @action(detail=True, methods=["post"])
    def deliver(self, request: Request, pk: str | None = None) -> Response:
        """Mark the support delivered."""
        return self._step(permissions.can_decide, services.deliver)

    @_step_schema("May see the request but may not close it", body=CloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close delivered support with its outcome and the council's feedback (1 to 5)."""
        return self._step(permissions.can_close, services.close, body=CloseSerializer)

    @_step_schema("May see the request but may not cancel it")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel; a place held goes to the first on the cohort's waiting list."""
        return self._step(permissions.can_cancel, services.cancel)
