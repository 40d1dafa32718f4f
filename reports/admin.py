from django.contrib import admin

from .models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "subject_council", "requested_by", "status", "progress"]
    list_filter = ["kind", "status"]
    search_fields = ["requested_by__email", "subject_council__name"]
    readonly_fields = ["id", "created_at", "started_at", "finished_at", "attempts", "file"]
    list_select_related = ["subject_council", "requested_by"]
