"""Admin for the catalogue and bookings. Bookings change through the services (which keep the
entitlement and the audit trail), so here they are read-only."""

from django.contrib import admin

from .models import Booking, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
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
class BookingAdmin(admin.ModelAdmin):
    list_display = ["pk", "council", "product", "first_on_site_day", "charging_basis", "status"]
    list_filter = ["status", "charging_basis", "product"]
    search_fields = ["council__name", "council__gss_code"]
    list_select_related = ["council", "product"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
