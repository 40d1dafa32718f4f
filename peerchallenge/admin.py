"""Admin for peer challenge: read-only. Programmes and challenges change through the services
(which keep the hard rules and the audit trail) and the portal's own pages."""

from django.contrib import admin

from .models import Challenge, DeclaredConflict, Programme


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["region", "year", "model", "cluster_size", "status", "published_at"]
    list_filter = ["status", "model", "year", "region"]
    list_select_related = ["region"]


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    list_display = ["host", "programme", "group", "status", "starts_on", "locked"]
    list_filter = ["status", "programme__year"]
    search_fields = ["host__name", "host__gss_code"]
    list_select_related = ["host", "programme__region"]


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(ReadOnlyAdmin):
    list_display = ["council_a", "council_b", "reason", "declared_by", "declared_at"]
    list_select_related = ["council_a", "council_b", "declared_by"]
