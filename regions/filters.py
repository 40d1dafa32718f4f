import django_filters
from django import forms

from .models import CouncilType, Judgement, Region

SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "region": ("region__name", "name"),
    "-region": ("-region__name", "name"),
    "type": ("type", "name"),
    "-type": ("-type", "name"),
    "ofsted": ("judgement_rank", "name"),
    "-ofsted": ("-judgement_rank", "name"),
    "published": ("latest_inspection__publication_date", "name"),
    "-published": ("-latest_inspection__publication_date", "name"),
    "la_number": ("la_number",),
    "-la_number": ("-la_number",),
}


class CouncilFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        label="Search by name",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.order_by("name"),
        to_field_name="gss_code",
        label="Region",
        empty_label="All regions",
    )
    type = django_filters.ChoiceFilter(
        choices=CouncilType.choices, label="Type of council", empty_label="All types"
    )
    ofsted = django_filters.ChoiceFilter(
        field_name="latest_inspection__overall",
        choices=Judgement.choices,
        label="Latest Ofsted judgement",
        empty_label="All judgements",
    )
    sort = django_filters.ChoiceFilter(
        choices=[(k, k) for k in SORTS],
        method="apply_sort",
        label="Sort by",
        empty_label=None,
        widget=forms.HiddenInput,
    )

    def apply_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, ("name",)))
