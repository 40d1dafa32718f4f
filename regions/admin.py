"""Councils, regions and their published facts for national staff; what grants roles
(organisations, memberships) is changed by superusers only."""

from django.contrib import admin

from cib_portal.admin import (
    NATIONAL_STAFF,
    SUPERUSERS_ONLY,
    AuditedMembershipsMixin,
    PortalModelAdmin,
    PortalTabularInline,
)

from .models import (
    Council,
    Membership,
    OfstedInspection,
    Organisation,
    Region,
    StatisticalNeighbour,
)


class NeighbourInline(PortalTabularInline):
    model = StatisticalNeighbour
    fk_name = "council"
    extra = 0
    autocomplete_fields = ["neighbour"]
    ordering = ["rank"]
    view_roles = NATIONAL_STAFF


class InspectionInline(PortalTabularInline):
    model = OfstedInspection
    extra = 0
    ordering = ["-inspection_date"]
    view_roles = NATIONAL_STAFF


@admin.register(Region)
class RegionAdmin(PortalModelAdmin):
    # Published; a region's councils decide who sees their confidential material, so only a
    # superuser changes them.
    view_roles = NATIONAL_STAFF
    list_display = ["name", "gss_code"]
    search_fields = ["name", "gss_code"]


@admin.register(Council)
class CouncilAdmin(PortalModelAdmin):
    # Moving a council to another region changes who reads its material: superusers only.
    view_roles = NATIONAL_STAFF
    list_display = ["name", "gss_code", "la_number", "region", "type", "latest_inspection"]
    list_filter = ["region", "type", "latest_inspection__overall"]
    search_fields = ["name", "gss_code", "la_number"]
    list_select_related = ["region", "latest_inspection"]
    inlines = [NeighbourInline, InspectionInline]
    raw_id_fields = ["latest_inspection"]


@admin.register(OfstedInspection)
class OfstedInspectionAdmin(PortalModelAdmin):
    # Published judgements, facts national staff keep as they keep interventions.
    view_roles = change_roles = NATIONAL_STAFF
    list_display = ["council", "inspection_date", "publication_date", "inspection_type", "overall"]
    list_filter = ["overall", "inspection_type"]
    search_fields = ["council__name"]
    list_select_related = ["council"]
    date_hierarchy = "inspection_date"


@admin.register(Organisation)
class OrganisationAdmin(PortalModelAdmin):
    # An organisation's kind decides what its members' roles grant: superusers only.
    view_roles = NATIONAL_STAFF
    change_roles = SUPERUSERS_ONLY
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["council", "region"]


@admin.register(Membership)
class MembershipAdmin(AuditedMembershipsMixin, PortalModelAdmin):
    view_roles = change_roles = SUPERUSERS_ONLY
    list_display = ["user", "organisation", "role", "starts_on", "ends_on"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["created_at", "created_by"]
