"""Serializers of the peer challenge API: programmes and their pairings, challenges, the
action plan and the reciprocity ledger. Responses are written out by hand (`to_representation`);
the fields describe them for the OpenAPI schema. Days are decimal strings ("2", "4.5"), never
floats; scores are numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from cib_portal.api_fields import NamedChoiceField
from cib_portal.numbers import decimal_text
from cib_portal.years import year_label
from peerchallenge import permissions
from peerchallenge.models import (
    Action,
    ActionStatus,
    Challenge,
    Challenger,
    ChallengeStatus,
    Preference,
    Programme,
    ProgrammeModel,
    ProgrammeStatus,
)
from regions.models import Region

from .params import FIRST_YEAR, LAST_YEAR, region_param

CLUSTER_SIZES = {ProgrammeModel.CLUSTERS: (4, 8), ProgrammeModel.PANEL: (2, 5)}
ACTION_STATUS_LABELS = dict(ActionStatus.choices)


# --- Programmes ------------------------------------------------------------------------------


class PairingExplanationSerializer(serializers.Serializer):
    score = serializers.FloatField(required=False, help_text="The pairing's total score")
    terms = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text="Each weighted term of the score: context, travel, balance…",
    )
    words = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Why, in words"
    )


class PairingSerializer(serializers.Serializer):
    challenge = serializers.IntegerField(help_text="The challenge's id (/api/v1/challenges/)")
    host = serializers.CharField(help_text="The host council's GSS code")
    host_name = serializers.CharField()
    challengers = serializers.ListField(
        child=serializers.CharField(), help_text="GSS codes of the councils challenging the host"
    )
    group = serializers.IntegerField(help_text="The pair, triad or cluster the host is in")
    locked = serializers.BooleanField(help_text="Kept as it is when the pairings are made again")
    score = serializers.FloatField()
    explanation = PairingExplanationSerializer(help_text="Why these challengers, term by term")


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(help_text="The region's GSS code")
    region_name = serializers.CharField()
    year = serializers.IntegerField(help_text="Programme year: 2026 runs April 2026 to March 2027")
    label = serializers.CharField(help_text="e.g. 2026-27")
    model = serializers.ChoiceField(choices=ProgrammeModel.choices)
    cluster_size = serializers.IntegerField(
        allow_null=True, help_text="Councils per cluster, or DCSs per panel; null otherwise"
    )
    status = NamedChoiceField(choices=ProgrammeStatus.choices, enum_name="ProgrammeStatusEnum")
    focus = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    days_per_challenge = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        coerce_to_string=True,
        help_text="On-site days each challenger gives, as a decimal string",
    )
    preference = serializers.ChoiceField(choices=Preference.choices)
    weight_context = serializers.IntegerField()
    weight_travel = serializers.IntegerField()
    weight_balance = serializers.IntegerField()
    objective = serializers.FloatField(
        allow_null=True, help_text="The total score of the pairings as last made"
    )
    proven_optimal = serializers.BooleanField(
        help_text="False when the optimiser's time ran out before it proved the pairings best"
    )
    generated_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, p: Programme) -> dict:
        return {
            "id": p.pk,
            "region": p.region.gss_code,
            "region_name": p.region.name,
            "year": p.year,
            "label": year_label(p.year),
            "model": p.model,
            "cluster_size": p.cluster_size,
            "status": p.status,
            "focus": p.focus,
            "starts_on": p.starts_on.isoformat(),
            "ends_on": p.ends_on.isoformat(),
            "days_per_challenge": decimal_text(p.days_per_challenge),
            "preference": p.preference,
            "weight_context": p.weight_context,
            "weight_travel": p.weight_travel,
            "weight_balance": p.weight_balance,
            "objective": p.objective,
            "proven_optimal": p.proven_optimal,
            "generated_at": p.generated_at.isoformat() if p.generated_at else None,
            "published_at": p.published_at.isoformat() if p.published_at else None,
        }


class ProgrammeDetailSerializer(ProgrammeSerializer):
    participants = serializers.ListField(
        child=serializers.CharField(), help_text="GSS codes of the councils taking part"
    )
    pairings = PairingSerializer(many=True, help_text="One per host council, by host name")

    def to_representation(self, p: Programme) -> dict:
        out = super().to_representation(p)
        out["participants"] = list(
            p.participants.order_by("council__gss_code").values_list("council__gss_code", flat=True)
        )
        challenges = p.challenges.select_related("host").prefetch_related(
            Prefetch("challengers", queryset=Challenger.objects.select_related("council"))
        )
        out["pairings"] = [
            {
                "challenge": ch.pk,
                "host": ch.host.gss_code,
                "host_name": ch.host.name,
                "challengers": sorted(x.council.gss_code for x in ch.challengers.all()),
                "group": ch.group,
                "locked": ch.locked,
                "score": ch.score,
                "explanation": ch.explanation,
            }
            for ch in challenges.order_by("host__name")
        ]
        return out


class ProgrammeCreateSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="The region's GSS code, e.g. E12000003")
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    model = serializers.ChoiceField(choices=ProgrammeModel.choices)
    cluster_size = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Required for clusters (4 to 8 councils) and panel (2 to 5 DCSs); leave it "
        "out (or null) for pairs and triads",
    )
    starts_on = serializers.DateField(required=False, help_text="1 April of the year by default")
    ends_on = serializers.DateField(required=False, help_text="31 March after by default")
    focus = serializers.CharField(required=False, allow_blank=True, default="")
    preference = serializers.ChoiceField(choices=Preference.choices, required=False)
    weight_context = serializers.IntegerField(required=False, min_value=0, max_value=10)
    weight_travel = serializers.IntegerField(required=False, min_value=0, max_value=10)
    weight_balance = serializers.IntegerField(required=False, min_value=0, max_value=10)
    days_per_challenge = serializers.DecimalField(
        required=False,
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("10"),
        help_text="On-site days each challenger gives (0.5 to 10; 2 by default)",
    )

    def validate_region(self, value: str) -> Region:
        region = region_param(value)
        if region is None:
            raise serializers.ValidationError("Give a region's GSS code, e.g. E12000003.")
        return region

    def validate(self, data: dict) -> dict:
        model, size = data["model"], data.get("cluster_size")
        if model in CLUSTER_SIZES:
            low, high = CLUSTER_SIZES[model]
            if size is None or not low <= size <= high:
                what = "councils per cluster" if model == ProgrammeModel.CLUSTERS else "DCSs"
                raise ValidationError(
                    {"cluster_size": [f"A {model} programme needs {low} to {high} {what}."]}
                )
        elif size is not None:
            raise ValidationError(
                {"cluster_size": [f"A {model} programme has no cluster size: leave it out."]}
            )
        year = data["year"]
        starts = data.get("starts_on") or date(year, 4, 1)
        ends = data.get("ends_on") or date(year + 1, 3, 31)
        if ends < starts:
            raise ValidationError({"ends_on": ["The programme must end after it starts."]})
        if Programme.objects.filter(region=data["region"], year=year).exists():
            raise ValidationError(
                {"year": [f"{data['region']} already has a programme for {year}."]}
            )
        return data


# --- Challenges --------------------------------------------------------------------------------


class ChallengerSerializer(serializers.Serializer):
    council = serializers.CharField(help_text="GSS code")
    name = serializers.CharField(help_text="The council's name")
    person = serializers.CharField(
        allow_null=True, help_text="The person assigned (normally the DCS), or null"
    )


class ChallengeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    programme = serializers.IntegerField(help_text="The programme's id")
    region = serializers.CharField(help_text="The programme's region (GSS code)")
    year = serializers.IntegerField()
    host = serializers.CharField(help_text="The host council's GSS code")
    host_name = serializers.CharField()
    challengers = ChallengerSerializer(many=True)
    status = NamedChoiceField(choices=ChallengeStatus.choices, enum_name="ChallengeStatusEnum")
    focus = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True, help_text="First on-site day, once agreed")
    ends_on = serializers.DateField(allow_null=True)
    follow_up_on = serializers.DateField(
        allow_null=True,
        help_text="The follow-up review date: as set, or the chosen months after the challenge",
    )
    follow_up_completed_on = serializers.DateField(allow_null=True)

    def to_representation(self, ch: Challenge) -> dict:
        follow_up = ch.follow_up_due()
        return {
            "id": ch.pk,
            "programme": ch.programme_id,
            "region": ch.programme.region.gss_code,
            "year": ch.programme.year,
            "host": ch.host.gss_code,
            "host_name": ch.host.name,
            "challengers": [
                {
                    "council": x.council.gss_code,
                    "name": x.council.name,
                    "person": x.person.get_full_name() if x.person_id else None,
                }
                for x in ch.challengers.all()
            ],
            "status": ch.status,
            "focus": ch.focus,
            "starts_on": ch.starts_on.isoformat() if ch.starts_on else None,
            "ends_on": ch.ends_on.isoformat() if ch.ends_on else None,
            "follow_up_on": follow_up.isoformat() if follow_up else None,
            "follow_up_completed_on": ch.follow_up_completed_on.isoformat()
            if ch.follow_up_completed_on
            else None,
        }


class FeedbackLetterSerializer(serializers.Serializer):
    summary = serializers.CharField()
    strengths = serializers.CharField()
    areas_to_consider = serializers.CharField()
    issued_at = serializers.DateTimeField(allow_null=True, help_text="Null while a draft")
    updated_at = serializers.DateTimeField()


class SelfAssessmentSerializer(serializers.Serializer):
    summary = serializers.CharField()
    understanding = serializers.CharField()
    planning = serializers.CharField()
    doing = serializers.CharField()
    reviewing = serializers.CharField()
    shared_at = serializers.DateTimeField(
        allow_null=True, help_text="When the host shared it with the challengers"
    )
    updated_at = serializers.DateTimeField()


class ChallengeDetailSerializer(ChallengeSerializer):
    follow_up_months = serializers.IntegerField()
    lines_of_enquiry = serializers.ListField(
        child=serializers.CharField(), help_text="Key lines of enquiry, in order"
    )
    feedback_letter = FeedbackLetterSerializer(
        allow_null=True,
        help_text="Null when there is none, or while it is a draft and you are not on the "
        "challengers' side (the assigned challengers and the region's leads)",
    )
    self_assessment = SelfAssessmentSerializer(
        allow_null=True,
        help_text="Null when there is none, or until the host shares it unless you are on the "
        "host's side (its staff and the region's leads and programme manager)",
    )

    def to_representation(self, ch: Challenge) -> dict:
        out = super().to_representation(ch)
        user = self.context["request"].user
        out["follow_up_months"] = ch.follow_up_months
        out["lines_of_enquiry"] = list(ch.lines_of_enquiry.values_list("text", flat=True))
        letter = getattr(ch, "feedback_letter", None)
        if letter is not None and not (
            letter.issued_at or permissions.can_edit_challenge_as_challenger(user, ch)
        ):
            letter = None
        out["feedback_letter"] = (
            None
            if letter is None
            else {
                "summary": letter.summary,
                "strengths": letter.strengths,
                "areas_to_consider": letter.areas_to_consider,
                "issued_at": letter.issued_at.isoformat() if letter.issued_at else None,
                "updated_at": letter.updated_at.isoformat(),
            }
        )
        sa = getattr(ch, "self_assessment", None)
        if sa is not None and not (
            sa.shared_at or permissions.can_edit_challenge_as_host(user, ch)
        ):
            sa = None
        out["self_assessment"] = (
            None
            if sa is None
            else {
                "summary": sa.summary,
                "understanding": sa.understanding,
                "planning": sa.planning,
                "doing": sa.doing,
                "reviewing": sa.reviewing,
                "shared_at": sa.shared_at.isoformat() if sa.shared_at else None,
                "updated_at": sa.updated_at.isoformat(),
            }
        )
        return out


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    challenge = serializers.IntegerField(help_text="The challenge's id")
    title = serializers.CharField()
    owner = serializers.CharField()
    due_on = serializers.DateField()
    status = NamedChoiceField(choices=ActionStatus.choices, enum_name="ActionStatusEnum")
    status_label = serializers.CharField()
    evidence = serializers.CharField()
    has_evidence_file = serializers.BooleanField(
        help_text="A file of evidence was uploaded (on the portal's pages)"
    )
    updated_at = serializers.DateTimeField()

    def to_representation(self, a: Action) -> dict:
        return {
            "id": a.pk,
            "challenge": a.challenge_id,
            "title": a.title,
            "owner": a.owner,
            "due_on": a.due_on.isoformat(),
            "status": a.status,
            "status_label": ACTION_STATUS_LABELS.get(a.status, a.status),
            "evidence": a.evidence,
            "has_evidence_file": bool(a.evidence_file),
            "updated_at": a.updated_at.isoformat(),
        }


class ActionWriteSerializer(serializers.Serializer):
    """Creating takes title, owner and due_on (status and evidence optional); PATCH takes any
    of them."""

    title = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=200, help_text="Who is responsible")
    due_on = serializers.DateField()
    status = NamedChoiceField(
        choices=ActionStatus.choices, enum_name="ActionStatusEnum", default=ActionStatus.NOT_STARTED
    )
    evidence = serializers.CharField(allow_blank=True, default="")


class ActionPatchSerializer(ActionWriteSerializer):
    """Any of the fields (schema: PATCH bodies are partial)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


# --- The reciprocity ledger ------------------------------------------------------------------


class LedgerRowSerializer(serializers.Serializer):
    council = serializers.CharField(help_text="GSS code")
    name = serializers.CharField()
    region = serializers.CharField(help_text="The council's region (name)")
    dcs = serializers.CharField(help_text="The DCS's name, or '' when none is registered")
    days_given = serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=True, help_text="Decimal string"
    )
    days_received = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=True)
    balance = serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=True, help_text="Given minus received"
    )
    challenge_days_given = serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=True
    )
    challenge_days_received = serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=True
    )
    review_days_given = serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=True
    )
    review_days_received = serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=True
    )
    dcs_days_given = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        coerce_to_string=True,
        allow_null=True,
        help_text=(
            "Days the council's DCS gave in person (the five-day expectation); null when no DCS"
            " is recorded"
        ),
    )
    warning = serializers.ChoiceField(
        choices=["over", "under", ""], help_text="Against the five-day expectation for the DCS"
    )
    warning_text = serializers.CharField()


class LedgerSummarySerializer(serializers.Serializer):
    councils = serializers.IntegerField()
    given = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=True)
    received = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=True)
    over = serializers.IntegerField(help_text="Councils whose DCS is over-committed")
    under = serializers.IntegerField(help_text="Councils whose DCS is under-committed")
    expected_days = serializers.IntegerField(help_text="Days a DCS is expected to give (5)")
    under_days = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=True, help_text="Fewer is 'under'"
    )
    over_days = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=True, help_text="More is 'over'"
    )


class LedgerSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    label = serializers.CharField(help_text="e.g. 2026-27 (April to March)")
    region = serializers.CharField(allow_null=True, help_text="GSS code, or null: national")
    rows = LedgerRowSerializer(many=True)
    summary = LedgerSummarySerializer()
