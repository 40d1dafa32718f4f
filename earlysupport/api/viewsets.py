"""API for early support: /api/v1/risk-flags/ (list, read with history, raise, and each
triage step through /transition/) and /api/v1/risk-rules/ (the rules as data).

Same access rules as the pages (cib_portal.access, "Early support: risk flags"): a flag the
user may not see is a 404; one they may see but not triage (the council's senior leaders) is a
403 on every change. A step the flag's path refuses is a 409 with the message a person can act
on; a bad field is a 400 naming it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
from peerchallenge import permissions as peerchallenge_permissions
from peerchallenge.selectors import challenge_by_pk
from regions.models import Council
from reviews.selectors import booking_by_pk
from support.selectors.mentoring import support_request_by_pk

from .. import permissions
from ..models import Flag, FlagStatus, Rule, Severity
from ..selectors.flags import flags_visible
from ..services import triage
from .serializers import (
    RiskFlagDetailSerializer,
    RiskFlagRaiseSerializer,
    RiskFlagSerializer,
    RiskFlagTransitionSerializer,
    RiskRuleSerializer,
)


def _choice(params: Any, name: str, values: list[str]) -> str:
    wanted = params.get(name, "").strip()
    if wanted and wanted not in values:
        raise ValidationError({name: [f"{wanted!r} is not one of {', '.join(values)}"]})
    return wanted


def _detail(exc: Exception) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("council", str, description="A council's GSS code, e.g. E08000035"),
            OpenApiParameter("status", str, enum=FlagStatus.values),
            OpenApiParameter("severity", str, enum=Severity.values),
        ],
        responses={
            200: RiskFlagSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad filter, named"),
        },
    ),
    retrieve=extend_schema(
        responses={200: RiskFlagDetailSerializer, 404: OpenApiResponse(description="Not yours")}
    ),
)
@extend_schema(tags=["early support"])
class RiskFlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Risk flags the user may see: the council's senior leaders, its region's leads and the
    advisers covering it."""

    permission_classes = [MemberPermission]
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return RiskFlagSerializer if self.action == "list" else RiskFlagDetailSerializer

    def get_queryset(self) -> QuerySet[Flag]:
        # The same read as the flags page (earlysupport.selectors.flags), newest first.
        qs = flags_visible(user=self.request.user).order_by("-raised_at", "-pk")
        if self.action != "list":
            return qs
        params = self.request.query_params
        code = params.get("council", "").strip()
        if code:
            if not Council.objects.filter(gss_code=code).exists():
                raise ValidationError({"council": [f"No council has the GSS code {code!r}."]})
            qs = qs.filter(council__gss_code=code)
        wanted = _choice(params, "status", FlagStatus.values)
        if wanted:
            qs = qs.filter(status=wanted)
        severity = _choice(params, "severity", Severity.values)
        if severity:
            qs = qs.filter(severity=severity)
        return qs

    def _flag(self, pk: Any) -> Flag:
        flag = (
            Flag.objects.select_related("council", "rule", "owner")
            .filter(pk=pk if str(pk).isdigit() else None)
            .first()
        )
        if flag is None or not permissions.can_view_flags(self.request.user, flag.council):
            raise NotFound
        return flag

    def get_object(self) -> Flag:
        return self._flag(self.kwargs["pk"])

    @extend_schema(
        request=RiskFlagRaiseSerializer,
        responses={
            201: RiskFlagDetailSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad field, named"),
            403: OpenApiResponse(description="May not raise flags on this council"),
        },
    )
    def create(self, request: Request) -> Response:
        """Raise a flag on a council, with your reasons: advisers covering the council and its
        region's leads."""
        data = RiskFlagRaiseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        council = Council.objects.filter(gss_code=values["council"].strip()).first()
        if council is None:
            raise ValidationError({"council": ["No council has that GSS code."]})
        access.require_permission(permissions.can_triage_flags(request.user, council))
        if not values["rationale"].strip():
            raise ValidationError({"rationale": ["Give your reasons for raising the flag."]})
        try:
            flag = triage.flag_raise(
                user=request.user,
                council=council,
                severity=values["severity"],
                summary=values["summary"],
                rationale=values["rationale"],
            )
        except triage.FlagError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        return Response(
            RiskFlagDetailSerializer(self._flag(flag.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=RiskFlagTransitionSerializer,
        responses={
            200: RiskFlagDetailSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad field, named"),
            403: OpenApiResponse(description="May see the flag but not triage it"),
            404: OpenApiResponse(description="Not yours"),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='{"detail": why}: a step the path does not allow, or support '
                "that is not the council's",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the flag one step: open, acknowledged, support_agreed, monitoring, closed."""
        flag = self._flag(pk)
        access.require_permission(permissions.can_triage_flags(request.user, flag.council))
        data = RiskFlagTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        booking = challenge = None
        if values.get("support_booking") is not None:
            booking = booking_by_pk(values["support_booking"])
            if booking is None:
                raise ValidationError({"support_booking": ["No booking has that id."]})
        if values.get("support_challenge") is not None:
            challenge = challenge_by_pk(values["support_challenge"])
            if challenge is None or not peerchallenge_permissions.can_view_challenge(
                request.user, challenge
            ):
                raise ValidationError({"support_challenge": ["No peer challenge has that id."]})
        support_request = None
        if values.get("support_request") is not None:
            support_request = support_request_by_pk(values["support_request"])
            if support_request is None:
                raise ValidationError({"support_request": ["No support request has that id."]})
        try:
            triage.flag_transition(
                user=request.user,
                flag=flag,
                to_status=values["to_status"],
                note=values.get("note", ""),
                support_kind=values.get("support_kind", ""),
                support_booking=booking,
                support_challenge=challenge,
                support_note=values.get("support_note", ""),
                support_request=support_request,
            )
        except triage.FlagError as exc:
            return _detail(exc)
        return Response(RiskFlagDetailSerializer(self._flag(flag.pk)).data)


@extend_schema_view(
    list=extend_schema(
        responses={
            200: RiskRuleSerializer(many=True),
            403: OpenApiResponse(description="Sees no risk flags"),
        }
    )
)
@extend_schema(tags=["early support"])
class RiskRuleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The risk rules, with their thresholds, indicators, weight, severity and rationale: for
    people who may see risk flags."""

    permission_classes = [MemberPermission]
    filter_backends: list = []
    pagination_class = None
    serializer_class = RiskRuleSerializer

    def get_queryset(self) -> QuerySet[Rule]:
        access.require_permission(
            bool(permissions.may_see_any_flags(self.request.user)),
            "Only people who may see risk flags can see the rules.",
        )
        return Rule.objects.order_by("kind", "code")
