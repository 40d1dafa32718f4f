"""The campaigns API: /api/v1/campaigns/ (list, read by code), .../<code>/applications/ (the
applications the user may see; a council's people apply) and .../<code>/select/ (the programme
manager or the CIB administrator selects, reserves or does not select a council, with a reason).

Same rules and reads as the pages (support.permissions, support.selectors.campaigns, the one
service): a campaign or application the user may not see is a 404; one they may see but not act
on a 403 whose `detail` is the rule's reason; a refusal of the campaign's rules (a closed or
not-yet-open window, a second application, the cap, a published selection) a 409 with the
reason.
"""

from __future__ import annotations

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
from ..filters import filter_campaign_applications
from ..models.campaigns import ApplicationDecision, Campaign
from ..selectors import campaigns as selectors
from ..services import campaigns as services
from ..services.common import SupportError
from .campaign_serializers import (
    ApplicationSerializer,
    ApplyRequestSerializer,
    CampaignSerializer,
    SelectRequestSerializer,
)

NOT_YOURS = OpenApiResponse(description="Not found, or not yours to see")
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"detail": why}: the window is closed or not yet open, the council has '
    "applied already, the cap is reached, or the selection is published",
)


def _conflict(exc: SupportError) -> Response:
    return Response({"detail": exc.reason}, status=status.HTTP_409_CONFLICT)


@extend_schema_view(
    list=extend_schema(responses={200: CampaignSerializer(many=True)}),
    retrieve=extend_schema(responses={200: CampaignSerializer, 404: NOT_YOURS}),
)
@extend_schema(tags=["support"])
class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """CIB's campaigns (calls for expressions of interest), open to every member."""

    permission_classes = [MemberPermission]
    serializer_class = CampaignSerializer
    filter_backends: list = []
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.campaigns_visible(user=self.request.user).order_by("-closes_on", "name")

    def get_object(self) -> Campaign:
        campaign = selectors.campaign_for(user=self.request.user, code=self.kwargs["code"])
        if campaign is None:
            raise NotFound
        return campaign

    def _application_data(self, qs, many: bool = True):
        national = bool(permissions.can_view_all_applications(self.request.user))
        return ApplicationSerializer(qs, many=many, context={"national": national}).data

    @extend_schema(
        methods=["GET"],
        request=None,
        parameters=[
            OpenApiParameter("decision", str, enum=ApplicationDecision.values),
            OpenApiParameter("region", str, description="A region's GSS code, e.g. E12000003"),
        ],
        responses={200: ApplicationSerializer(many=True), 404: NOT_YOURS},
    )
    @extend_schema(
        methods=["POST"],
        request=ApplyRequestSerializer,
        responses={
            201: ApplicationSerializer,
            403: OpenApiResponse(description="Not one of the council's people"),
            404: NOT_YOURS,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def applications(self, request: Request, code: str | None = None) -> Response:
        """GET: the campaign's applications the user may see (every one for national staff,
        their own council's otherwise; a council sees its decision once the selection is
        published). POST: apply for a council `{council, statement}`, within the window, once:
        the council's DCS, chief executive, lead member or officers."""
        campaign = self.get_object()
        if request.method == "GET":
            qs = selectors.applications_visible(user=request.user, campaign=campaign).order_by(
                "council__name"
            )
            try:
                qs = filter_campaign_applications(qs, request.query_params)
            except ValueError as exc:
                name, _, message = str(exc).partition(": ")
                raise ValidationError({name: [message]}) from None
            return Response(self._application_data(qs))
        data = ApplyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        council = Council.objects.filter(gss_code=data.validated_data["council"]).first()
        if council is None:
            return Response(
                {"council": [f"No council {data.validated_data['council']!r}."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        access.require_permission(permissions.can_apply_for(request.user, council))
        try:
            application = services.campaign_apply(
                user=request.user,
                campaign=campaign,
                council=council,
                statement=data.validated_data["statement"],
            )
        except SupportError as exc:
            return _conflict(exc)
        return Response(
            self._application_data(application, many=False), status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=SelectRequestSerializer,
        responses={
            200: ApplicationSerializer,
            403: OpenApiResponse(description="Not the programme manager or the CIB administrator"),
            404: NOT_YOURS,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def select(self, request: Request, code: str | None = None) -> Response:
        """Decide on a council's application `{council, decision, reason}`: selected,
        not_selected or reserve, with the reason the applicant is told. A selection counts
        against the campaign's cap: 409 with the reason once it is reached."""
        campaign = self.get_object()
        data = SelectRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        application = (
            selectors.applications_visible(user=request.user, campaign=campaign)
            .filter(council__gss_code=values["council"])
            .first()
        )
        if application is None:
            raise NotFound(f"No application from {values['council']!r} that you may see.")
        access.require_permission(permissions.can_decide_campaign(request.user, campaign))
        try:
            decided = services.campaign_decide(
                user=request.user,
                application=application,
                decision=values["decision"],
                reason=values["reason"],
            )
        except SupportError as exc:
            return _conflict(exc)
        decided.campaign = campaign
        return Response(self._application_data(decided, many=False))
