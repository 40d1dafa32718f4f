from django.contrib import admin

from cib_portal.admin import SUPERUSERS_ONLY, PortalModelAdmin

from .models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(PortalModelAdmin):
    # A job carries its report's file and parameters, which only the person who asked may
    # download (can_view_report): in the admin, superusers only.
    view_roles = change_roles = SUPERUSERS_ONLY
    list_display = ["created_at", "kind", "subject_council", "requested_by", "status", "progress"]
    list_filter = ["kind", "status"]
    search_fields = ["requested_by__email", "subject_council__name"]
    readonly_fields = ["id", "created_at", "started_at", "finished_at", "attempts", "file"]
    list_select_related = ["subject_council", "requested_by"]
