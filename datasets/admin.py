from django.contrib import admin

from .models import Area, ComparisonGroup, ImportRun, ImportSpec, Indicator, Period


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "theme", "unit", "polarity", "source", "is_key", "council")
    list_filter = ("theme", "source", "polarity", "is_key", "unit")
    search_fields = ("name", "code", "definition")
    list_select_related = ("council",)
    raw_id_fields = ("numerator", "denominator", "council")
    readonly_fields = ("created_at", "updated_at")


@admin.register(ImportSpec)
class ImportSpecAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "source")
    list_filter = ("source",)
    search_fields = ("name", "title", "publication")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Import runs are a record of what happened: they can be looked at, not changed."""

    list_display = ("filename", "spec", "status", "rows_read", "created", "updated", "created_at")
    list_filter = ("status", "spec")
    search_fields = ("filename", "sha256")
    list_select_related = ("spec", "started_by")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level")
    list_filter = ("level",)
    search_fields = ("name", "code")
    raw_id_fields = ("council", "region")


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("label", "time_identifier", "start_year", "end_year")
    list_filter = ("time_identifier",)


@admin.register(ComparisonGroup)
class ComparisonGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at")
    search_fields = ("name", "owner__email")
    list_select_related = ("owner",)
    filter_horizontal = ("councils",)
