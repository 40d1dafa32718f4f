"""The campaigns API's serializers: a campaign, an application, and what comes in to apply and
to decide (councils named by GSS code)."""

from __future__ import annotations

from rest_framework import serializers

from ..forms.campaigns import DECISIONS
from ..models.campaigns import Campaign, CampaignApplication


class CampaignSerializer(serializers.ModelSerializer):
    places_left = serializers.IntegerField(allow_null=True, read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "code",
            "name",
            "description",
            "how_to_apply",
            "opens_on",
            "closes_on",
            "is_open",
            "cap",
            "selected_count",
            "places_left",
            "selection_published",
            "published_at",
        ]
        read_only_fields = fields

    def get_is_open(self, campaign: Campaign) -> bool:
        return campaign.is_open()


class ApplicationSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="code", read_only=True)
    council = serializers.SlugRelatedField(slug_field="gss_code", read_only=True)
    council_name = serializers.CharField(source="council.name", read_only=True)
    region = serializers.CharField(source="council.region.gss_code", read_only=True)
    decision = serializers.SerializerMethodField()
    decision_reason = serializers.SerializerMethodField()

    class Meta:
        model = CampaignApplication
        fields = [
            "id",
            "campaign",
            "council",
            "council_name",
            "region",
            "statement",
            "applied_at",
            "decision",
            "decision_reason",
            "decided_at",
        ]
        read_only_fields = fields

    def _shown(self, application: CampaignApplication) -> bool:
        """A council sees its decision once the selection is published; national staff
        always (the viewset says which through the context)."""
        return bool(self.context.get("national")) or application.campaign.selection_published

    def get_decision(self, application: CampaignApplication) -> str:
        return application.decision if self._shown(application) else "pending"

    def get_decision_reason(self, application: CampaignApplication) -> str:
        return application.decision_reason if self._shown(application) else ""


class ApplyRequestSerializer(serializers.Serializer):
    council = serializers.CharField(
        max_length=9, help_text="The applying council's GSS code, e.g. E08000035"
    )
    statement = serializers.CharField(max_length=3000, help_text="Why the council is applying")


class SelectRequestSerializer(serializers.Serializer):
    council = serializers.CharField(max_length=9, help_text="The council's GSS code")
    decision = serializers.ChoiceField(choices=DECISIONS)
    reason = serializers.CharField(max_length=2000, help_text="Told to the applicant")
