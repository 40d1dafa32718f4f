"""API for peer challenge: /api/v1/programmes/ (create, list, read, generate, publish),
/api/v1/challenges/ (list, read, and each challenge's action plan), /api/v1/actions/<id>/
and the reciprocity ledger /api/v1/ledger/.

Same access rules as the pages (cib_portal.access, "Peer challenge"): an object the user may
not see is a 404; one they may see but not change is a 403. A refusal of the programme rules
(ProgrammeError) is a 409 with the message a person can act on; a bad field is a 400 naming it.

Responses are written out by hand (as in regions/api.py and datasets/api.py); the serializers
below describe them for the OpenAPI schema. Days are decimal strings ("2", "4.5"), never
floats; scores are numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from cib_portal import access
from cib_portal.api import MemberPermission
from cib_portal.years import year_label
from datasets.api import decimal_text
from regions.models import Region

from . import services
from .ledger import OVER_DAYS, UNDER_DAYS, ledger_rows, ledger_summary
from .models import (
    EXPECTED_DAYS_PER_YEAR,
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

FIRST_YEAR, LAST_YEAR = 2000, 2100
CLUSTER_SIZES = {ProgrammeModel.CLUSTERS: (4, 8), ProgrammeModel.PANEL: (2, 5)}
_ACTION_STATUS_LABELS = dict(ActionStatus.choices)


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choices are one named enum in the schema, however many components
    use it (three other choice sets are also called `status`: without a name of their own
    drf-spectacular would give them hashed names)."""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={
                "type": "string",
                "enum": list(field.choices),
                "description": "\n".join(f"* `{k}` - {v}" for k, v in field.choices.items()),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def _detail(exc: services.ProgrammeError) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


def _year_param(value: str | None, *, required: bool) -> int | None:
    """A year from the query string, or a 400 naming `year`."""
    if value is None or not value.strip():
        if required:
            raise ValidationError({"year": ["This parameter is required, e.g. 2026."]})
        return None
    try:
        year = int(value.strip())
    except ValueError:
        raise ValidationError({"year": [f"{value!r} is not a year, e.g. 2026."]}) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [f"Give a year from {FIRST_YEAR} to {LAST_YEAR}."]})
    return year


def _region_param(value: str | None) -> Region | None:
    """A region from its GSS code, or a 400 naming `region`."""
    if value is None or not value.strip():
        return None
    region = Region.objects.filter(gss_code=value.strip()).first()
    if region is None:
        raise ValidationError({"region": [f"No region has the GSS code {value.strip()!r}."]})
    return region


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
        region = _region_param(value)
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


def programmes_visible(user: Any) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(access.programmes_visible_filter(user))
        .distinct()
        .select_related("region")
        .order_by("-year", "region__name")
    )


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
        qs = programmes_visible(self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        year = _year_param(params.get("year"), required=False)
        if year is not None:
            qs = qs.filter(year=year)
        region = _region_param(params.get("region"))
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
        if not access.can_view_programme(self.request.user, programme):
            raise NotFound
        return programme

    def _programme(self, pk: str) -> Programme:
        """Any programme the user may see (not only those of the list's filters)."""
        programme = Programme.objects.select_related("region").filter(pk=pk).first()
        if programme is None or not access.can_view_programme(self.request.user, programme):
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
        region = _region_param(str(request.data.get("region") or ""))
        if region is None:
            raise ValidationError({"region": ["Give a region's GSS code, e.g. E12000003."]})
        if not access.can_prepare_programme(request.user, region.pk):
            raise PermissionDenied("Only the region's leads and programme manager can do this.")
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
        if not access.can_prepare_programme(request.user, programme.region_id):
            raise PermissionDenied("Only the region's leads and programme manager can do this.")
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
        if not access.can_publish_programme(request.user, programme):
            raise PermissionDenied("Only the region's leads can publish the pairings.")
        try:
            programme = services.programme_publish(user=request.user, programme=programme)
        except services.ProgrammeError as exc:
            return _detail(exc)
        return Response(ProgrammeDetailSerializer(self._programme(programme.pk)).data)


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
            letter.issued_at or access.can_edit_challenge_as_challenger(user, ch)
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
        if sa is not None and not (sa.shared_at or access.can_edit_challenge_as_host(user, ch)):
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
            "status_label": _ACTION_STATUS_LABELS.get(a.status, a.status),
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


def challenges_visible(user: Any) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(access.challenges_visible_filter(user))
        .distinct()
        .select_related("programme__region", "host")
        .prefetch_related(
            Prefetch(
                "challengers",
                queryset=Challenger.objects.select_related("council", "person").order_by(
                    "council__name"
                ),
            )
        )
        .order_by("-programme__year", "host__name", "pk")
    )


def _changeable_as_host(user: Any, challenge: Challenge) -> None:
    if not access.can_view_challenge(user, challenge):
        raise NotFound
    if not access.can_edit_challenge_as_host(user, challenge):
        raise PermissionDenied(
            "Only the host council's staff and the region's leads can change the action plan."
        )


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
        qs = challenges_visible(self.request.user)
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
        if not access.can_view_challenge(self.request.user, challenge):
            raise NotFound
        return challenge

    def _challenge(self, pk: str | None) -> Challenge:
        challenge = (
            Challenge.objects.select_related("programme__region", "host").filter(pk=pk).first()
        )
        if challenge is None or not access.can_view_challenge(self.request.user, challenge):
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
        item = Action.objects.create(challenge=challenge, **data.validated_data)
        audit_record(
            actor=request.user,
            action="challenge.action_add",
            obj=item,
            summary=f"Action added to the plan of {challenge.host}: {item.title}",
            after={"status": item.status, "due_on": item.due_on.isoformat()},
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
        if found is None or not access.can_view_challenge(self.request.user, found.challenge):
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
        """Change an action; a change of status is audited."""
        item = self.get_object()
        _changeable_as_host(request.user, item.challenge)
        data = ActionPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = {
            name: value
            for name, value in data.validated_data.items()
            if getattr(item, name) != value
        }
        if changed:
            before = {name: _plain(getattr(item, name)) for name in changed}
            for name, value in changed.items():
                setattr(item, name, value)
            item.save(update_fields=[*changed, "updated_at"])
            audit_record(
                actor=request.user,
                action="challenge.action_status" if "status" in changed else "challenge.action",
                obj=item,
                summary=(
                    f"Action of {item.challenge.host} "
                    + (
                        f"now {_ACTION_STATUS_LABELS[item.status].lower()}: "
                        if "status" in changed
                        else "changed: "
                    )
                    + item.title
                ),
                before=before,
                after={name: _plain(value) for name, value in changed.items()},
            )
        return Response(ActionSerializer(item).data)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


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
        region = _region_param(request.query_params.get("region"))
        if not access.can_view_ledger(request.user, region.pk if region else None):
            if region is not None:
                raise NotFound
            raise PermissionDenied("The national ledger is for advisers and national staff.")
        year = _year_param(request.query_params.get("year"), required=True)
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
