"""The mentoring API: /api/v1/mentors/ (the register, with each mentor's load this year: for
national staff and the advisers; others 404) and /api/v1/support-requests/<id>/mentor-proposals/
(GET the explained proposals for a mentoring request, to whoever may see the request, the
proposals only to the adviser who confirms; POST `{mentor}` confirms one: 403 with the reason for
others, 409 with the reason when a hard rule refuses it).

Same rules, reads and writes as the pages (support.permissions, support.selectors.mentoring,
support.services.mentoring).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cib_portal import access
from cib_portal.api import MemberPermission
from regions.models import Council

from .. import permissions
from ..models.mentoring import Mentor
from ..selectors import mentoring as selectors
from ..services import mentoring as services
from ..services.common import SupportError
from .mentoring_serializers import (
    ConfirmMentorSerializer,
    MentorProposalsSerializer,
    MentorSerializer,
)

NOT_YOURS = OpenApiResponse(description="Not found, or not yours to see")
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"detail": why}: the mentor is from the council, declared a conflict, has no '
    "capacity left this year, or another mentor is confirmed",
)


def _councils(codes: list[str]) -> list[Council]:
    found = {c.gss_code: c for c in Council.objects.filter(gss_code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"council": [f"No council {missing[0]!r}."]})
    return [found[c] for c in codes]


@extend_schema_view(
    list=extend_schema(responses={200: MentorSerializer(many=True), 404: NOT_YOURS}),
    retrieve=extend_schema(responses={200: MentorSerializer, 404: NOT_YOURS}),
    create=extend_schema(request=MentorSerializer, responses={201: MentorSerializer}),
    partial_update=extend_schema(request=MentorSerializer, responses={200: MentorSerializer}),
)
@extend_schema(tags=["support"])
class MentorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The mentor register: national staff and the advisers."""

    permission_classes = [MemberPermission]
    serializer_class = MentorSerializer
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Mentor.objects.none()
        access.require(permissions.can_view_mentors(self.request.user))
        return selectors.mentors_visible(
            user=self.request.user,
            data={k: self.request.query_params.get(k, "") for k in ("q", "active", "role_kind")},
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["loads"] = getattr(self, "_loads", {})
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page if page is not None else self.get_queryset())
        self._loads = selectors.mentor_loads([m.pk for m in rows])
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentor = self.get_object()
        self._loads = selectors.mentor_loads([mentor.pk])
        return Response(self.get_serializer(mentor).data)

    def _save(self, mentor: Mentor | None, partial: bool) -> Mentor:
        data = MentorSerializer(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        conflicts = _councils(values.pop("conflicts")) if "conflicts" in values else None
        if "council" in values:
            values["council"] = _councils([values["council"]])[0]
        try:
            saved = services.mentor_save(
                user=self.request.user, mentor=mentor, values=values, conflicts=conflicts
            )
        except SupportError as exc:
            access.require_permission(access.deny(exc.reason))
            raise
        self._loads = selectors.mentor_loads([saved.pk])
        return saved

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        access.require(permissions.can_view_mentors(request.user))
        saved = self._save(None, partial=False)
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        mentor = self.get_object()
        saved = self._save(mentor, partial=True)
        return Response(self.get_serializer(saved).data)


@extend_schema(tags=["support"])
class MentorProposalsView(APIView):
    """A mentoring request's proposed mentors, each explained; the adviser confirms one."""

    permission_classes = [MemberPermission]

    def _request(self, pk: int):
        found = selectors.mentoring_request_for(self.request.user, pk)
        if found is None:
            raise NotFound
        return found

    def _answer(self, support_request, political_group: str) -> dict[str, Any]:
        confirmed = selectors.confirmed_assignment(support_request)
        proposals = []
        if confirmed is None and permissions.can_confirm_mentor(self.request.user, support_request):
            pairs = services.mentor_proposals(support_request, political_group=political_group)
            loads = selectors.mentor_loads([m.pk for _, m in pairs])
            proposals = [
                {
                    "mentor": m.pk,
                    "name": m.name,
                    "council": m.council.gss_code,
                    "load": loads.get(m.pk, 0),
                    "capacity_per_year": m.capacity_per_year,
                    "explanation": p.explanation(),
                }
                for p, m in pairs
            ]
        return {
            "support_request": support_request.pk,
            "confirmed": confirmed.mentor_id if confirmed else None,
            "proposals": proposals,
        }

    @extend_schema(
        operation_id="support_requests_mentor_proposals_list",
        request=None,
        responses={200: MentorProposalsSerializer, 404: NOT_YOURS},
    )
    def get(self, request: Request, pk: int) -> Response:
        """The proposals (to the adviser covering the council; empty for others who may see
        the request) and the confirmed mentor. `?political_group=` prefers a group."""
        support_request = self._request(pk)
        group = request.query_params.get("political_group", "")
        return Response(self._answer(support_request, group))

    @extend_schema(
        operation_id="support_requests_mentor_proposals_confirm",
        request=ConfirmMentorSerializer,
        responses={
            200: MentorProposalsSerializer,
            403: OpenApiResponse(description="Not the adviser covering the council"),
            404: NOT_YOURS,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Confirm a mentor `{mentor}` (audited; the mentor and the person who asked are
        emailed)."""
        support_request = self._request(pk)
        data = ConfirmMentorSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        access.require_permission(permissions.can_confirm_mentor(request.user, support_request))
        mentor = Mentor.objects.filter(pk=data.validated_data["mentor"]).first()
        if mentor is None:
            raise ValidationError({"mentor": ["No mentor has that id."]})
        group = data.validated_data["political_group"]
        try:
            services.mentor_confirm(
                user=request.user,
                support_request=support_request,
                mentor=mentor,
                political_group=group,
            )
        except SupportError as exc:
            return Response({"detail": exc.reason}, status=status.HTTP_409_CONFLICT)
        return Response(self._answer(support_request, group))
