"""API for reviews and diagnostics: /api/v1/products/, /api/v1/councils/<gss>/entitlement/ and
/api/v1/bookings/ (request, list, read, reschedule with PATCH, cancel).

Same access rules as the pages (reviews.permissions): a booking the user may not see is a 404;
one they may see but not change is a 403. A refusal of the rules (BookingError) is a 400 with
the message a person can act on.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cib_portal import access
from cib_portal.api import MemberPermission
from regions.models import Council

from .. import permissions
from ..models import Booking, Product
from ..selectors.entitlement import entitlement_for
from ..services import lifecycle
from ..services.bookings import BookingError, FreeReviewTaken, booking_request
from .serializers import (
    BookingCancelSerializer,
    BookingCreateSerializer,
    BookingRescheduleSerializer,
    BookingSerializer,
    EntitlementSerializer,
    ProductSerializer,
)


@extend_schema(tags=["reviews"])
class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The LGA's reviews and diagnostics, with on-site days, team make-up and prices (pence)."""

    serializer_class = ProductSerializer
    permission_classes = [MemberPermission]
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return Product.objects.filter(is_active=True).order_by("name")


class CouncilEntitlementView(APIView):
    """Whether a booking of a product for a council starting on a date would be free."""

    permission_classes = [MemberPermission]

    @extend_schema(
        tags=["reviews"],
        parameters=[
            OpenApiParameter("product", OpenApiTypes.STR, required=True),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
        ],
        responses={200: EntitlementSerializer, 400: OpenApiResponse(description="Bad query")},
    )
    def get(self, request: Request, gss_code: str) -> Response:
        council = get_object_or_404(Council, gss_code=gss_code)
        if not access.can_view_council_confidential(request.user, council):
            raise NotFound
        product = Product.objects.filter(code=request.query_params.get("product", "")).first()
        if product is None:
            raise ValidationError({"product": "Give a product code from /api/v1/products/."})
        start = serializers.DateField().run_validation(request.query_params.get("start"))
        verdict = entitlement_for(council=council, product=product, start=start)
        blocking = verdict.blocking
        return Response(
            {
                "entitled": verdict.entitled,
                "reason": verdict.reason,
                "next_free_date": verdict.next_free_date,
                "blocking_booking": None
                if blocking is None
                else {"id": blocking.pk, "first_on_site_day": blocking.first_on_site_day},
            }
        )


@extend_schema(tags=["reviews"])
class BookingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Bookings of reviews and diagnostics the user may see."""

    serializer_class = BookingSerializer
    permission_classes = [MemberPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Booking.objects.filter(permissions.bookings_visible_filter(self.request.user))
            .select_related("council", "product")
            .order_by("-first_on_site_day", "-pk")
        )

    def _bad(self, exc: BookingError) -> Response:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)

    @extend_schema(
        request=BookingCreateSerializer,
        responses={
            201: BookingSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='{"detail": why} when the rules refuse it; when a free review is not '
                'to be had, also {"charged_prices_pence": {"subsidised": pence or null, '
                '"whole_cost": pence or null}}: ask again with a charging_basis',
            ),
        },
    )
    def create(self, request: Request) -> Response:
        """Request a booking for a council the user is on the staff of."""
        data = BookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        council = Council.objects.filter(gss_code=values["council"]).first()
        if council is None:
            raise NotFound("No council has that GSS code.")
        if not permissions.councils_user_may_book_for(request.user).filter(pk=council.pk).exists():
            if access.can_view_council_confidential(request.user, council):
                raise PermissionDenied("Only the council's staff can request its bookings.")
            raise NotFound("No council has that GSS code.")
        product = Product.objects.filter(code=values["product"], is_active=True).first()
        if product is None:
            raise ValidationError({"product": "Give a product code from /api/v1/products/."})
        try:
            booking = booking_request(
                council=council,
                product=product,
                first_on_site_day=values["start"],
                requested_by=request.user,
                charging_basis=values.get("charging_basis"),
                scope=values["scope"],
                key_lines_of_enquiry=values["key_lines_of_enquiry"],
                contact_name=values["contact_name"],
                contact_email=values["contact_email"],
            )
        except FreeReviewTaken as exc:
            return Response(
                {"detail": str(exc), "charged_prices_pence": exc.prices},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except BookingError as exc:
            return self._bad(exc)
        lifecycle.booking_requested_notify(booking=booking)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    def _changeable(self) -> Booking:
        booking = self.get_object()
        if not permissions.can_change_booking(self.request.user, booking):
            raise PermissionDenied("You may see this booking but not change it.")
        return booking

    @extend_schema(request=BookingRescheduleSerializer, responses={200: BookingSerializer})
    def partial_update(self, request: Request, pk=None) -> Response:
        """Move the first on-site day (the entitlement is checked again)."""
        booking = self._changeable()
        data = BookingRescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            booking = lifecycle.booking_reschedule_and_notify(
                booking=booking,
                first_on_site_day=data.validated_data["start"],
                changed_by=request.user,
            )
        except BookingError as exc:
            return self._bad(exc)
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=BookingCancelSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        """Cancel before the team is on site, with a reason."""
        booking = self._changeable()
        data = BookingCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            booking = lifecycle.booking_cancel_and_notify(
                booking=booking, reason=data.validated_data["reason"], cancelled_by=request.user
            )
        except BookingError as exc:
            return self._bad(exc)
        return Response(BookingSerializer(booking).data)
