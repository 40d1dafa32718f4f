"""API for peer challenge: /api/v1/programmes/ (create, list, read, generate, publish),
/api/v1/challenges/ (list, read, and each challenge's action plan), /api/v1/actions/<id>/
and the reciprocity ledger /api/v1/ledger/.

Same access rules as the pages (peerchallenge.permissions): an object the user may
not see is a 404; one they may see but not change is a 403. A refusal of the programme rules
(ProgrammeError) is a 409 with the message a person can act on; a bad field is a 400 naming it.

Responses are written out by hand (as in regions/api.py and datasets/api.py); the serializers
(`serializers`) describe them for the OpenAPI schema. Days are decimal strings ("2", "4.5"), never
floats; scores are numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError
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
from rest_framework.views import APIView

from cib_portal import access
from cib_portal.api import MemberPermission
from cib_portal.numbers import decimal_text
from cib_portal.years import year_label
from peerchallenge import permissions, selectors, services
from peerchallenge.models import (
    EXPECTED_DAYS_PER_YEAR,
    Action,
    Challenge,
    ChallengeStatus,
    Programme,
    ProgrammeStatus,
)
from peerchallenge.selectors.ledger import OVER_DAYS, UNDER_DAYS, ledger_rows, ledger_summary
from peerchallenge.services import workspace

from .params import region_param, year_param
from .serializers import (
    ActionPatchSerializer,
    ActionSerializer,
    ActionWriteSerializer,
    ChallengeDetailSerializer,
    ChallengeSerializer,
    LedgerSerializer,
    ProgrammeCreateSerializer,
    ProgrammeDetailSerializer,
    ProgrammeSerializer,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _detail(exc: services.ProgrammeError) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Programme year, e.g. 2026"),
            OpenApiParameter("region", str, description="A region's GSS code, e.g. E12000003"),
            OpenApiParameter("status", str, enum=ProgrammeStatus.values),
        ],
        responses={
            200: ProgrammeSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad filter, named"),
        },
    ),
    retrieve=extend_schema(
        responses={200: ProgrammeDetailSerializer, 404: OpenApiResponse(description="Not yours")}
    ),
)
@extend_schema(tags=["peer challenge"])
class ProgrammeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Regions' peer challenge programmes the user may see: the region's leads and programme
    manager, advisers covering it, national staff and, once published, the staff of the
    councils taking part."""

    permission_classes = [MemberPermission]
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return ProgrammeSerializer if self.action == "list" else ProgrammeDetailSerializer

    def get_queryset(self):
        qs = selectors.programmes_visible(user=self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        year = year_param(params.get("year"), required=False)
        if year is not None:
            qs = qs.filter(year=year)
        region = region_param(params.get("region"))
        if region is not None:
            qs = qs.filter(region=region)
        wanted = params.get("status", "").strip()
        if wanted:
            if wanted not in ProgrammeStatus.values:
                raise ValidationError(
                    {"status": [f"{wanted!r} is not one of {', '.join(ProgrammeStatus.values)}"]}
                )
            qs = qs.filter(status=wanted)
        return qs

    def get_object(self) -> Programme:
        programme = super().get_object()
        if not permissions.can_view_programme(self.request.user, programme):
            raise NotFound
        return programme

    def _programme(self, pk: str) -> Programme:
        """Any programme the user may see (not only those of the list's filters)."""
        programme = Programme.objects.select_related("region").filter(pk=pk).first()
        if programme is None or not permissions.can_view_programme(self.request.user, programme):
            raise NotFound
        return programme

    @extend_schema(
        request=ProgrammeCreateSerializer,
        responses={
            201: ProgrammeDetailSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad field, named"),
            403: OpenApiResponse(description="Not a lead or programme manager of the region"),
        },
    )
    def create(self, request: Request) -> Response:
        """Create a region's programme for a year, every council of the region taking part:
        the region's leads and its programme manager."""
        if not isinstance(request.data, dict):
            raise ValidationError({"region": ["Send an object with region, year and model."]})
        region = region_param(str(request.data.get("region") or ""))
        if region is None:
            raise ValidationError({"region": ["Give a region's GSS code, e.g. E12000003."]})
        access.require_permission(permissions.can_prepare_programme(request.user, region.pk))
        data = ProgrammeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            programme = services.programme_create(user=request.user, **values)
        except services.ProgrammeError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        except IntegrityError:  # the same region and year created at the same moment
            raise ValidationError(
                {"year": [f"{region} already has a programme for {values['year']}."]}
            ) from None
        return Response(ProgrammeDetailSerializer(programme).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: ProgrammeDetailSerializer,
            403: OpenApiResponse(description="May see the programme but not prepare it"),
            404: OpenApiResponse(description="Not yours"),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='{"detail": why}: published, or no pairing keeps the hard rules',
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str | None = None) -> Response:
        """Make the pairings with the optimiser, keeping the locked ones. Every council is
        host once, with its challengers and why they were chosen (score, term by term)."""
        programme = self._programme(pk)
        access.require_permission(
            permissions.can_prepare_programme(request.user, programme.region_id)
        )
        try:
            programme = services.programme_generate(user=request.user, programme=programme)
        except services.ProgrammeError as exc:
            return _detail(exc)
        return Response(ProgrammeDetailSerializer(self._programme(programme.pk)).data)

    @extend_schema(
        request=None,
        responses={
            200: ProgrammeDetailSerializer,
            403: OpenApiResponse(description="May see the programme but not publish it"),
            404: OpenApiResponse(description="Not yours"),
            409: OpenApiResponse(
                OpenApiTypes.OBJECT, description='{"detail": why}: published, or no pairings'
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish the pairings and tell the councils taking part: the region's leads."""
        programme = self._programme(pk)
        access.require_permission(permissions.can_publish_programme(request.user, programme))
        try:
            programme = services.programme_publish(user=request.user, programme=programme)
        except services.ProgrammeError as exc:
            return _detail(exc)
        return Response(ProgrammeDetailSerializer(self._programme(programme.pk)).data)


def _changeable_as_host(user: User | AnonymousUser, challenge: Challenge) -> None:
    """A 404 for whoever may not see the challenge; a 403 with the reason for whoever may see
    it but not change the host's side (its action plan)."""
    if not permissions.can_view_challenge(user, challenge):
        raise NotFound
    access.require_permission(permissions.can_edit_challenge_as_host(user, challenge))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("programme", int, description="A programme's id"),
            OpenApiParameter("host", str, description="The host council's GSS code"),
            OpenApiParameter("status", str, enum=ChallengeStatus.values),
        ],
        responses={
            200: ChallengeSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad filter, named"),
        },
    ),
    retrieve=extend_schema(
        responses={200: ChallengeDetailSerializer, 404: OpenApiResponse(description="Not yours")}
    ),
)
@extend_schema(tags=["peer challenge"])
class ChallengeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Challenges the user may see: confidential to the host council, the challengers assigned
    to that challenge, the region's leads and programme manager and the advisers covering it."""

    permission_classes = [MemberPermission]
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"

    def get_serializer_class(self):
        return ChallengeSerializer if self.action == "list" else ChallengeDetailSerializer

    def get_queryset(self):
        qs = selectors.challenges_visible(user=self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        programme = params.get("programme", "").strip()
        if programme:
            if not programme.isdigit():
                raise ValidationError({"programme": [f"{programme!r} is not a programme id."]})
            qs = qs.filter(programme_id=int(programme))
        host = params.get("host", "").strip()
        if host:
            qs = qs.filter(host__gss_code=host)
        wanted = params.get("status", "").strip()
        if wanted:
            if wanted not in ChallengeStatus.values:
                raise ValidationError(
                    {"status": [f"{wanted!r} is not one of {', '.join(ChallengeStatus.values)}"]}
                )
            qs = qs.filter(status=wanted)
        return qs

    def get_object(self) -> Challenge:
        challenge = super().get_object()
        if not permissions.can_view_challenge(self.request.user, challenge):
            raise NotFound
        return challenge

    def _challenge(self, pk: str | None) -> Challenge:
        challenge = (
            Challenge.objects.select_related("programme__region", "host").filter(pk=pk).first()
        )
        if challenge is None or not permissions.can_view_challenge(self.request.user, challenge):
            raise NotFound
        return challenge

    @extend_schema(
        responses={200: ActionSerializer(many=True), 404: OpenApiResponse(description="Not yours")}
    )
    @action(detail=True, methods=["get"], url_path="actions", pagination_class=None)
    def action_plan(self, request: Request, pk: str | None = None) -> Response:
        """The host's action plan after the challenge, by due date."""
        challenge = self._challenge(pk)
        actions = challenge.actions.order_by("due_on", "pk")
        return Response([ActionSerializer(a).data for a in actions])

    @extend_schema(
        request=ActionWriteSerializer,
        responses={
            201: ActionSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad field, named"),
            403: OpenApiResponse(description="May see the challenge but not change its plan"),
            404: OpenApiResponse(description="Not yours"),
        },
    )
    @action_plan.mapping.post
    def action_add(self, request: Request, pk: str | None = None) -> Response:
        """Add an action to the plan: the host council's staff and the region's leads."""
        challenge = self._challenge(pk)
        _changeable_as_host(request.user, challenge)
        data = ActionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = workspace.action_add(
            user=request.user, challenge=challenge, data=dict(data.validated_data)
        )
        return Response(ActionSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["peer challenge"])
class ActionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An action of a challenge's plan: read it, or change its status, evidence, due date,
    owner or title (the host council's staff and the region's leads)."""

    permission_classes = [MemberPermission]
    serializer_class = ActionSerializer
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Action.objects.select_related("challenge__programme", "challenge__host")

    def get_object(self) -> Action:
        item = Action.objects.select_related("challenge__programme", "challenge__host").filter(
            pk=self.kwargs["pk"]
        )
        found = item.first()
        if found is None or not permissions.can_view_challenge(self.request.user, found.challenge):
            raise NotFound
        return found

    @extend_schema(responses={200: ActionSerializer, 404: OpenApiResponse(description="Not yours")})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(ActionSerializer(self.get_object()).data)

    @extend_schema(
        request=ActionPatchSerializer,
        responses={
            200: ActionSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad field, named"),
            403: OpenApiResponse(description="May see the challenge but not change its plan"),
            404: OpenApiResponse(description="Not yours"),
        },
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change an action, as the page does (the same service and audit)."""
        item = self.get_object()
        _changeable_as_host(request.user, item.challenge)
        data = ActionPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = workspace.action_update(
            user=request.user, action=item, data=dict(data.validated_data)
        )
        return Response(ActionSerializer(item).data)


# --- The reciprocity ledger ------------------------------------------------------------------


class LedgerView(APIView):
    """The reciprocity ledger for a programme year: days each council (and its DCS) gives and
    receives, from published peer challenges and from peer reviews served on, against the
    five-day expectation. A region's for its leads, programme manager and advisers; the
    national one (no region) for advisers and national staff. Days are decimal strings."""

    permission_classes = [MemberPermission]

    @extend_schema(
        tags=["peer challenge"],
        operation_id="ledger_retrieve",
        parameters=[
            OpenApiParameter("year", int, required=True, description="Programme year, e.g. 2026"),
            OpenApiParameter(
                "region", str, description="A region's GSS code; leave out for the national one"
            ),
        ],
        responses={
            200: LedgerSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad year or region, named"),
            403: OpenApiResponse(description="The national ledger is not for you"),
            404: OpenApiResponse(description="The region's ledger is not for you"),
        },
    )
    def get(self, request: Request) -> Response:
        region = region_param(request.query_params.get("region"))
        may_view = permissions.can_view_ledger(request.user, region.pk if region else None)
        if not may_view and region is not None:
            raise NotFound
        access.require_permission(may_view)
        year = year_param(request.query_params.get("year"), required=True)
        rows = ledger_rows(year=year, region_id=region.pk if region else None)
        summary = ledger_summary(rows)
        return Response(
            {
                "year": year,
                "label": year_label(year),
                "region": region.gss_code if region else None,
                "rows": [
                    {
                        "council": r.code,
                        "name": r.name,
                        "region": r.region,
                        "dcs": r.dcs,
                        "days_given": decimal_text(r.days_given),
                        "days_received": decimal_text(r.days_received),
                        "balance": decimal_text(r.balance),
                        "challenge_days_given": decimal_text(r.challenge_days_given),
                        "challenge_days_received": decimal_text(r.challenge_days_received),
                        "review_days_given": decimal_text(r.review_days_given),
                        "review_days_received": decimal_text(r.review_days_received),
                        "dcs_days_given": (
                            None if r.dcs_days is None else decimal_text(r.dcs_days)
                        ),
                        "warning": r.warning,
                        "warning_text": r.warning_text,
                    }
                    for r in rows
                ],
                "summary": {
                    "councils": summary["councils"],
                    "given": decimal_text(summary["given"]),
                    "received": decimal_text(summary["received"]),
                    "over": summary["over"],
                    "under": summary["under"],
                    "expected_days": EXPECTED_DAYS_PER_YEAR,
                    "under_days": decimal_text(UNDER_DAYS),
                    "over_days": decimal_text(OVER_DAYS),
                },
            }
        )
