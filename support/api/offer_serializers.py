"""Serializers of the offer and requests API (support/api/offers.py)."""

from __future__ import annotations

from rest_framework import serializers

from ..models.offers import Cohort, SupportOffer, SupportRequest


class CohortSerializer(serializers.ModelSerializer):
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "starts", "ends", "places", "places_taken", "places_left"]


class SupportOfferSerializer(serializers.ModelSerializer):
    cohorts = CohortSerializer(many=True, read_only=True)
    places_left = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = SupportOffer
        fields = [
            "code",
            "name",
            "kind",
            "audience",
            "description",
            "cost_basis",
            "price_pence",
            "places",
            "places_taken",
            "window_opens",
            "window_closes",
            "decided_by",
            "confidential",
            "requestable",
            "booking_url",
            "waiting_list",
            "places_left",
            "cohorts",
        ]


class SupportRequestSerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.gss_code", read_only=True)
    offer = serializers.CharField(source="offer.code", read_only=True)
    brokered_offer = serializers.CharField(
        source="brokered_offer.code", read_only=True, default=None
    )

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "council",
            "offer",
            "cohort",
            "on_behalf",
            "need",
            "why",
            "status",
            "decided_at",
            "decline_reason",
            "brokered_offer",
            "waitlisted_at",
            "outcome_note",
            "feedback_useful",
            "feedback_what_changed",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SupportRequestCreateSerializer(serializers.Serializer):
    council = serializers.CharField(help_text="The council's GSS code")
    offer = serializers.CharField(help_text="The offer's code")
    cohort = serializers.IntegerField(required=False, allow_null=True)
    need = serializers.CharField(max_length=5000)
    why = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class CloseSerializer(serializers.Serializer):
    outcome_note = serializers.CharField(max_length=5000)
    useful = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    what_changed = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


class BrokerSerializer(serializers.Serializer):
    offer = serializers.CharField(help_text="The code of the offer that fits better")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
