"""The reviews API's serializers: products, the entitlement, bookings and the requests that
change them."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Booking, ChargingBasis, Product


class ProductSerializer(serializers.ModelSerializer):
    charging_options = serializers.ListField(
        child=serializers.CharField(),
        help_text="The charging bases offered: free, subsidised, whole_cost",
    )

    class Meta:
        model = Product
        fields = [
            "code",
            "name",
            "description",
            "on_site_days",
            "entitlement_family",
            "charging_options",
            "subsidised_price_pence",
            "whole_cost_price_pence",
            "team_make_up",
        ]


class BlockingBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_on_site_day = serializers.DateField()


class EntitlementSerializer(serializers.Serializer):
    entitled = serializers.BooleanField()
    reason = serializers.CharField()
    next_free_date = serializers.DateField(allow_null=True)
    blocking_booking = BlockingBookingSerializer(allow_null=True)


class BookingSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="gss_code", read_only=True)
    council_name = serializers.CharField(source="council.name", read_only=True)
    product = serializers.SlugRelatedField(slug_field="code", read_only=True)
    start = serializers.DateField(source="first_on_site_day", read_only=True)
    last_on_site_day = serializers.DateField(read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "council",
            "council_name",
            "product",
            "start",
            "last_on_site_day",
            "charging_basis",
            "price_pence",
            "status",
            "entitlement_override",
            "scope",
            "key_lines_of_enquiry",
            "contact_name",
            "contact_email",
            "cancellation_reason",
        ]
        read_only_fields = fields


class BookingCreateSerializer(serializers.Serializer):
    council = serializers.CharField(help_text="The council's GSS code, e.g. E08000035")
    product = serializers.CharField(help_text="A product code, e.g. safeguarding_peer_review")
    start = serializers.DateField(help_text="The first on-site day")
    charging_basis = serializers.ChoiceField(
        choices=ChargingBasis.choices,
        required=False,
        help_text="subsidised or whole_cost, used when the booking is not free; a free booking "
        "is decided by the entitlement, not asked for. A safeguarding peer review asked for "
        "without it that cannot be free (the council is not entitled, or another request took "
        "the free review at the same moment) is refused with a 400 giving the prices, and "
        "nothing is booked; a diagnostic without it is subsidised",
    )
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    key_lines_of_enquiry = serializers.CharField(required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")

    def validate_charging_basis(self, value: str) -> str:
        if value == ChargingBasis.FREE:
            raise serializers.ValidationError(
                "Ask for subsidised or whole_cost; a booking is free when the council is entitled."
            )
        return value


class BookingRescheduleSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The new first on-site day")


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField()
