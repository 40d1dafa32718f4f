"""The data set in the admin: national staff keep it (as on the portal's pages); a council's
unshared local indicators follow the local indicator rule; a comparison group is its
owner's alone."""

from django.contrib import admin
from django.db.models import Q

from cib_portal.admin import NATIONAL_STAFF, PortalModelAdmin

from . import permissions
from .models import Area, ComparisonGroup, ImportRun, ImportSpec, Indicator, Period


@admin.register(Indicator)
class IndicatorAdmin(PortalModelAdmin):
    view_roles = change_roles = NATIONAL_STAFF
    list_display = ("name", "code", "theme", "unit", "polarity", "source", "is_key", "council")
    list_filter = ("theme", "source", "polarity", "is_key", "unit")
    search_fields = ("name", "code", "definition")
    list_select_related = ("council",)
    raw_id_fields = ("numerator", "denominator", "council")
    readonly_fields = ("created_at", "updated_at")

    def visible_rows(self, request) -> Q | None:
        councils = permissions.councils_with_local_indicator_access(request.user)
        return Q(council__isnull=True) | Q(is_shared=True) | Q(council__in=councils)

    def may_change(self, request, obj) -> bool:
        # A local indicator is its council's to change, on the portal's own pages.
        return super().may_change(request, obj) and (
            obj.council_id is None or request.user.is_superuser
        )


@admin.register(ImportSpec)
class ImportSpecAdmin(PortalModelAdmin):
    view_roles = change_roles = NATIONAL_STAFF
    list_display = ("name", "title", "source")
    list_filter = ("source",)
    search_fields = ("name", "title", "publication")


@admin.register(ImportRun)
class ImportRunAdmin(PortalModelAdmin):
    """Import runs are a record of what happened: they can be looked at, not changed."""

    view_roles = NATIONAL_STAFF
    read_only = True
    list_display = ("filename", "spec", "status", "rows_read", "created", "updated", "created_at")
    list_filter = ("status", "spec")
    search_fields = ("filename", "sha256")
    list_select_related = ("spec", "started_by")
    readonly_fields = [f.name for f in ImportRun._meta.fields]


@admin.register(Area)
class AreaAdmin(PortalModelAdmin):
    view_roles = change_roles = NATIONAL_STAFF
    list_display = ("name", "code", "level")
    list_filter = ("level",)
    search_fields = ("name", "code")
    raw_id_fields = ("council", "region")


@admin.register(Period)
class PeriodAdmin(PortalModelAdmin):
    view_roles = change_roles = NATIONAL_STAFF
    list_display = ("label", "time_identifier", "start_year", "end_year")
    list_filter = ("time_identifier",)


@admin.register(ComparisonGroup)
class ComparisonGroupAdmin(PortalModelAdmin):
    """Private to its owner: nobody else, superusers included, lists or opens it."""

    view_roles = change_roles = NATIONAL_STAFF
    list_display = ("name", "created_at")
    search_fields = ("name",)
    filter_horizontal = ("councils",)
    exclude = ("owner",)

    def visible_rows(self, request) -> Q | None:
        return Q(owner_id=request.user.pk)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.owner = request.user
        super().save_model(request, obj, form, change)
