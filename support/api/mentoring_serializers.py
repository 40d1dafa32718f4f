"""Serializers for the mentor register and mentor proposals (support.api.mentoring)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models.mentoring import Mentor, MentorRoleKind


class MentorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    council = serializers.CharField(help_text="The mentor's council's GSS code")
    role_kind = serializers.ChoiceField(choices=MentorRoleKind.choices)
    political_group = serializers.CharField(max_length=60, required=False, allow_blank=True)
    experience = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    capacity_per_year = serializers.IntegerField(min_value=0, max_value=20)
    active = serializers.BooleanField(required=False, default=True)
    conflicts = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="GSS codes of councils"
    )
    load = serializers.SerializerMethodField(help_text="Mentees this financial year")

    @extend_schema_field(serializers.IntegerField())
    def get_load(self, mentor: Mentor) -> int:
        return int(self.context.get("loads", {}).get(mentor.pk, 0))

    def to_representation(self, mentor: Mentor) -> dict:
        return {
            "id": mentor.pk,
            "name": mentor.name,
            "email": mentor.email,
            "council": mentor.council.gss_code,
            "role_kind": mentor.role_kind,
            "political_group": mentor.political_group,
            "experience": mentor.experience,
            "tags": list(mentor.tags),
            "capacity_per_year": mentor.capacity_per_year,
            "active": mentor.active,
            "conflicts": sorted(c.gss_code for c in mentor.conflicts.all()),
            "load": self.get_load(mentor),
        }


class ProposalExplanationSerializer(serializers.Serializer):
    score = serializers.FloatField()
    terms = serializers.DictField(child=serializers.FloatField())
    words = serializers.ListField(child=serializers.CharField())


class MentorProposalSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(help_text="The mentor's id")
    name = serializers.CharField()
    council = serializers.CharField(help_text="The mentor's council's GSS code")
    load = serializers.IntegerField()
    capacity_per_year = serializers.IntegerField()
    explanation = ProposalExplanationSerializer(help_text="Why this mentor, term by term")


class MentorProposalsSerializer(serializers.Serializer):
    support_request = serializers.IntegerField()
    confirmed = serializers.IntegerField(
        allow_null=True, help_text="The confirmed mentor's id, if any"
    )
    proposals = MentorProposalSerializer(many=True)


class ConfirmMentorSerializer(serializers.Serializer):
    mentor = serializers.IntegerField()
    political_group = serializers.CharField(required=False, allow_blank=True, default="")
