"""Admin for the support app. The offer and its cohorts are the programme manager's to keep;
requests change through the services (which keep the places, the waiting list and the audit
trail), so here they are read-only, for national staff."""

from django.contrib import admin

from cib_portal.admin import NATIONAL_STAFF, PROGRAMME_MANAGER, PortalModelAdmin

from .models.offers import Cohort, SupportOffer, SupportRequest

# --- Offers and requests --------------------------------------------------------------------


@admin.register(SupportOffer)
class SupportOfferAdmin(PortalModelAdmin):
    view_roles = NATIONAL_STAFF
    change_roles = PROGRAMME_MANAGER
    list_display = ["name", "code", "kind", "cost_basis", "decided_by", "requestable"]
    list_filter = ["kind", "cost_basis", "decided_by", "requestable"]
    search_fields = ["name", "code"]
    # An offer's own places are taken and freed only by accepting and cancelling requests.
    readonly_fields = ["places_taken"]


@admin.register(Cohort)
class CohortAdmin(PortalModelAdmin):
    view_roles = NATIONAL_STAFF
    change_roles = PROGRAMME_MANAGER
    list_display = ["offer", "name", "starts", "ends", "places", "places_taken"]
    list_select_related = ["offer"]
    # Places are taken and freed only by accepting and cancelling requests.
    readonly_fields = ["places_taken"]


@admin.register(SupportRequest)
class SupportRequestAdmin(PortalModelAdmin):
    view_roles = NATIONAL_STAFF
    read_only = True
    list_display = ["pk", "council", "offer", "status", "created_at"]
    list_filter = ["status", "offer"]
    search_fields = ["council__name", "council__gss_code"]
    list_select_related = ["council", "offer"]
    readonly_fields = [f.name for f in SupportRequest._meta.fields]
