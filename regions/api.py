"""API for councils and regions: /api/v1/councils/, /api/v1/regions/."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets

from cib_portal.api import MemberPermission

from . import selectors
from .models import (
    Council,
    CouncilType,
    Judgement,
    ProximityBand,
    Region,
    StatisticalNeighbour,
)

_TYPE_LABELS = dict(CouncilType.choices)
_JUDGEMENT_LABELS = dict(Judgement.choices)
_BAND_LABELS = dict(ProximityBand.choices)


class RegionSerializer(serializers.ModelSerializer):
    council_count = serializers.IntegerField(source="n_councils", read_only=True)

    class Meta:
        model = Region
        fields = ["gss_code", "name", "council_count"]


class OfstedSerializer(serializers.Serializer):
    overall = serializers.ChoiceField(choices=Judgement.choices)
    overall_label = serializers.CharField(source="get_overall_display")
    inspection_date = serializers.DateField()
    publication_date = serializers.DateField()
    inspection_type = serializers.CharField()


class NeighbourSerializer(serializers.ModelSerializer):
    gss_code = serializers.CharField(source="neighbour.gss_code")
    band = serializers.CharField(source="get_band_display")

    class Meta:
        model = StatisticalNeighbour
        fields = ["rank", "gss_code", "band"]


class CouncilSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.gss_code")
    region_name = serializers.CharField(source="region.name")
    type_label = serializers.CharField(source="get_type_display")
    ofsted = serializers.SerializerMethodField()
    statistical_neighbours = NeighbourSerializer(source="neighbour_links", many=True)

    class Meta:
        model = Council
        fields = [
            "gss_code",
            "la_number",
            "name",
            "region",
            "region_name",
            "type",
            "type_label",
            "ofsted",
            "statistical_neighbours",
        ]

    def to_representation(self, council: Council) -> dict:
        """Written out by hand: DRF's generic fields cost ~1 ms a council on the full list."""
        inspection = council.latest_inspection
        return {
            "gss_code": council.gss_code,
            "la_number": council.la_number,
            "name": council.name,
            "region": council.region.gss_code,
            "region_name": council.region.name,
            "type": council.type,
            "type_label": _TYPE_LABELS[council.type],
            "ofsted": None
            if inspection is None
            else {
                "overall": inspection.overall,
                "overall_label": _JUDGEMENT_LABELS[inspection.overall],
                "inspection_date": inspection.inspection_date.isoformat(),
                "publication_date": inspection.publication_date.isoformat(),
                "inspection_type": inspection.inspection_type,
            },
            "statistical_neighbours": [
                {"rank": rank, "gss_code": code, "band": _BAND_LABELS[band]}
                for rank, code, band in self.context["neighbours"].get(council.pk, [])
            ],
        }

    @extend_schema_field(OfstedSerializer(allow_null=True))
    def get_ofsted(self, council: Council) -> dict | None:
        """The latest Ofsted judgement and its dates, or null if never inspected under ILACS."""
        inspection = council.latest_inspection
        return OfstedSerializer(inspection).data if inspection else None


class CouncilApiFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="region__gss_code", help_text="A region's GSS code, e.g. E12000005"
    )
    ofsted = django_filters.ChoiceFilter(
        field_name="latest_inspection__overall",
        choices=Judgement.choices,
        help_text="The latest Ofsted overall judgement",
    )
    type = django_filters.ChoiceFilter(choices=CouncilType.choices)

    class Meta:
        model = Council
        fields = ["region", "ofsted", "type"]


@extend_schema(tags=["councils"])
class CouncilViewSet(viewsets.ReadOnlyModelViewSet):
    """The 153 councils with children's services, their latest Ofsted judgement and their ten
    statistical neighbours in official order."""

    serializer_class = CouncilSerializer
    permission_classes = [MemberPermission]
    filterset_class = CouncilApiFilter
    lookup_field = "gss_code"
    lookup_value_regex = "E[0-9]{8}"

    def get_queryset(self):
        return selectors.council_list(user=self.request.user).order_by("name")

    def get_serializer_context(self):
        # Every council's neighbours as plain tuples in one query: building 1,530 model
        # instances for the full list cost more than the rest of the response.
        return {**super().get_serializer_context(), "neighbours": selectors.neighbour_codes()}


@extend_schema(tags=["regions"])
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The nine English regions."""

    serializer_class = RegionSerializer
    permission_classes = [MemberPermission]
    lookup_field = "gss_code"
    pagination_class = None

    def get_queryset(self):
        return selectors.region_list(user=self.request.user)
