"""The serializers of early support's API (earlysupport.api.viewsets)."""

from __future__ import annotations

from rest_framework import serializers

from cib_portal.api_fields import NamedChoiceField

from ..models import Flag, FlagStatus, Rule, RuleKind, Severity, SupportKind


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
    support_request = serializers.IntegerField(
        allow_null=True, help_text="A support request (/api/v1/support-requests/) of the council"
    )
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
            "support_request": f.support_request_id,
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
    support_request = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="For support_request or mentoring: a support request of the council",
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
