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
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cib_portal import access
from cib_portal.api import MemberPermission
from peerchallenge.api import NamedChoiceField
from peerchallenge.models import Challenge
from regions.models import Council
from reviews.models import Booking

from . import triage
from .models import Flag, FlagStatus, Rule, RuleKind, Severity, SupportKind

NOT_YOURS = "Only advisers covering the council and its region's leads can do this."


class FlagEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True, help_text="Who (null: the rules)")
    kind = serializers.CharField(
        help_text="raised, evidence_updated, evidence_gone, status, owner or note"
    )
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class RiskFlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    council = serializers.CharField(help_text="The council's GSS code")
    council_name = serializers.CharField()
    rule = serializers.CharField(allow_null=True, help_text="The rule's code; null if a person")
    severity = NamedChoiceField(choices=Severity.choices, enum_name="RiskSeverityEnum")
    status = NamedChoiceField(choices=FlagStatus.choices, enum_name="RiskFlagStatusEnum")
    raised_at = serializers.DateTimeField()
    as_of = serializers.DateField(allow_null=True)
    evidence = serializers.JSONField(
        help_text='{"words": [...], "figures": [...], "periods": [...], "comparison": "..."}'
    )
    summary = serializers.CharField()
    rationale = serializers.CharField(allow_blank=True, help_text="A person's reasons")
    owner = serializers.CharField(allow_null=True, help_text="The owner's name")
    support_kind = serializers.CharField(allow_blank=True)
    support_booking = serializers.IntegerField(allow_null=True)
    support_challenge = serializers.IntegerField(allow_null=True)
    proposed_for_closing = serializers.BooleanField(
        help_text="The evidence has gone at the last evaluation"
    )
    closed_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, f: Flag) -> dict:
        return {
            "id": f.pk,
            "council": f.council.gss_code,
            "council_name": f.council.name,
            "rule": f.rule.code if f.rule else None,
            "severity": f.severity,
            "status": f.status,
            "raised_at": f.raised_at.isoformat(),
            "as_of": f.as_of.isoformat() if f.as_of else None,
            "evidence": f.evidence or {},
            "summary": f.summary,
            "rationale": f.rationale,
            "owner": str(f.owner) if f.owner else None,
            "support_kind": f.support_kind,
            "support_booking": f.support_booking_id,
            "support_challenge": f.support_challenge_id,
            "proposed_for_closing": f.is_proposed_for_closing,
            "closed_at": f.closed_at.isoformat() if f.closed_at else None,
        }


class RiskFlagDetailSerializer(RiskFlagSerializer):
    history = FlagEventSerializer(many=True, help_text="Oldest first")

    def to_representation(self, f: Flag) -> dict:
        out = super().to_representation(f)
        out["history"] = [
            {
                "at": e.at.isoformat(),
                "actor": str(e.actor) if e.actor else None,
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
            }
            for e in f.events.select_related("actor").order_by("at", "id")
        ]
        return out


class RiskFlagRaiseSerializer(serializers.Serializer):
    council = serializers.CharField(help_text="The council's GSS code, e.g. E08000035")
    severity = NamedChoiceField(choices=Severity.choices, enum_name="RiskSeverityEnum")
    summary = serializers.CharField(max_length=2000)
    rationale = serializers.CharField(max_length=20000, help_text="Your reasons: required")


class RiskFlagTransitionSerializer(serializers.Serializer):
    to_status = NamedChoiceField(choices=FlagStatus.choices, enum_name="RiskFlagStatusEnum")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to close"
    )
    support_kind = NamedChoiceField(
        choices=SupportKind.choices,
        enum_name="RiskSupportKindEnum",
        required=False,
        help_text="Required for support_agreed",
    )
    support_booking = serializers.IntegerField(
        required=False, allow_null=True, help_text="For diagnostic: a booking of the council"
    )
    support_challenge = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="For peer_challenge: a challenge the council hosts",
    )
    support_note = serializers.CharField(required=False, allow_blank=True, default="")


class RiskRuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = NamedChoiceField(choices=RuleKind.choices, enum_name="RiskRuleKindEnum")
    severity = NamedChoiceField(choices=Severity.choices, enum_name="RiskSeverityEnum")
    weight = serializers.IntegerField(help_text="1 to 10")
    params = serializers.JSONField(help_text="The rule's thresholds")
    indicators = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the data set indicators it watches"
    )
    rationale = serializers.CharField()
    is_active = serializers.BooleanField()

    def to_representation(self, r: Rule) -> dict:
        return {
            "code": r.code,
            "name": r.name,
            "kind": r.kind,
            "severity": r.severity,
            "weight": r.weight,
            "params": r.params,
            "indicators": list(r.indicators),
            "rationale": r.rationale,
            "is_active": r.is_active,
        }


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
        qs = (
            Flag.objects.filter(access.flags_visible_filter(self.request.user))
            .select_related("council", "rule", "owner")
            .order_by("-raised_at", "-pk")
        )
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
        if flag is None or not access.can_view_flags(self.request.user, flag.council):
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
        if not access.can_triage_flags(request.user, council):
            raise PermissionDenied(NOT_YOURS)
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
        if not access.can_triage_flags(request.user, flag.council):
            raise PermissionDenied(NOT_YOURS)
        data = RiskFlagTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        booking = challenge = None
        if values.get("support_booking") is not None:
            booking = Booking.objects.filter(pk=values["support_booking"]).first()
            if booking is None:
                raise ValidationError({"support_booking": ["No booking has that id."]})
        if values.get("support_challenge") is not None:
            challenge = Challenge.objects.filter(pk=values["support_challenge"]).first()
            if challenge is None or not access.can_view_challenge(request.user, challenge):
                raise ValidationError({"support_challenge": ["No peer challenge has that id."]})
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
        if not access.may_see_any_flags(self.request.user):
            raise PermissionDenied("Only people who may see risk flags can see the rules.")
        return Rule.objects.order_by("kind", "code")
