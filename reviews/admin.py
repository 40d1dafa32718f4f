"""Admin for the catalogue and bookings. Bookings change through the services (which keep the
entitlement and the audit trail), so here they are read-only, and read only by those who see
every booking on the portal."""

from django.contrib import admin

from cib_portal.admin import BOOKING_READERS, NATIONAL_STAFF, PROGRAMME_MANAGER, PortalModelAdmin

from .models import Booking, Product


@admin.register(Product)
class ProductAdmin(PortalModelAdmin):
    # The catalogue is the programme manager's; everyone may read it.
    view_roles = NATIONAL_STAFF
    change_roles = PROGRAMME_MANAGER
    list_display = [
        "name",
        "code",
        "on_site_days",
        "entitlement_family",
        "subsidised_price_pence",
        "whole_cost_price_pence",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(Booking)
class BookingAdmin(PortalModelAdmin):
    # A council's confidential material (scope, lines of enquiry, reasons, contacts):
    # bookings_visible_filter gives every booking to the programme manager and the advisers.
    view_roles = BOOKING_READERS
    read_only = True
    list_display = ["pk", "council", "product", "first_on_site_day", "charging_basis", "status"]
    list_filter = ["status", "charging_basis", "product"]
    search_fields = ["council__name", "council__gss_code"]
    list_select_related = ["council", "product"]
    readonly_fields = [f.name for f in Booking._meta.fields]
