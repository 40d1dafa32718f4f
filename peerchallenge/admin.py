"""Admin for peer challenge: read-only. Programmes and challenges change through the services
(which keep the hard rules and the audit trail) and the portal's own pages."""

from django.contrib import admin
from django.db.models import Q

from cib_portal.admin import ADVISERS, NATIONAL_STAFF, PortalModelAdmin
from peerchallenge import permissions

from .models import Challenge, DeclaredConflict, Programme


@admin.register(Programme)
class ProgrammeAdmin(PortalModelAdmin):
    view_roles = NATIONAL_STAFF  # can_view_programme
    read_only = True
    list_display = ["region", "year", "model", "cluster_size", "status", "published_at"]
    list_filter = ["status", "model", "year", "region"]
    list_select_related = ["region"]

    def visible_rows(self, request) -> Q | None:
        # Drafts only for those preparing them; a subquery, so a join cannot repeat rows.
        visible = Programme.objects.filter(permissions.programmes_visible_filter(request.user))
        return Q(pk__in=visible.values("pk"))


@admin.register(Challenge)
class ChallengeAdmin(PortalModelAdmin):
    # Confidential to the host and those named in can_view_challenge: of national staff, the
    # advisers only (not the programme manager, not the CIB administrator).
    view_roles = ADVISERS
    read_only = True
    list_display = ["host", "programme", "group", "status", "starts_on", "locked"]
    list_filter = ["status", "programme__year"]
    search_fields = ["host__name", "host__gss_code"]
    list_select_related = ["host", "programme__region"]

    def visible_rows(self, request) -> Q | None:
        visible = Challenge.objects.filter(permissions.challenges_visible_filter(request.user))
        return Q(pk__in=visible.values("pk"))


@admin.register(DeclaredConflict)
class DeclaredConflictAdmin(PortalModelAdmin):
    view_roles = NATIONAL_STAFF  # conflicts_visible
    read_only = True
    list_display = ["council_a", "council_b", "reason", "declared_by", "declared_at"]
    list_select_related = ["council_a", "council_b", "declared_by"]
