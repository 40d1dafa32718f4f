from django.contrib import admin

from .models import (
    Council,
    Membership,
    OfstedInspection,
    Organisation,
    Region,
    StatisticalNeighbour,
)


class NeighbourInline(admin.TabularInline):
    model = StatisticalNeighbour
    fk_name = "council"
    extra = 0
    autocomplete_fields = ["neighbour"]
    ordering = ["rank"]


class InspectionInline(admin.TabularInline):
    model = OfstedInspection
    extra = 0
    ordering = ["-inspection_date"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code"]
    search_fields = ["name", "gss_code"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "la_number", "region", "type", "latest_inspection"]
    list_filter = ["region", "type", "latest_inspection__overall"]
    search_fields = ["name", "gss_code", "la_number"]
    list_select_related = ["region", "latest_inspection"]
    inlines = [NeighbourInline, InspectionInline]
    raw_id_fields = ["latest_inspection"]


@admin.register(OfstedInspection)
class OfstedInspectionAdmin(admin.ModelAdmin):
    list_display = ["council", "inspection_date", "publication_date", "inspection_type", "overall"]
    list_filter = ["overall", "inspection_type"]
    search_fields = ["council__name"]
    list_select_related = ["council"]
    date_hierarchy = "inspection_date"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["council", "region"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "starts_on", "ends_on"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["created_at", "created_by"]
