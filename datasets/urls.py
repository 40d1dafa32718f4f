"""The data set's pages, under data/: the catalogue and figures, councils' data, comparison
groups, the imports (namespace datasets:imports) and local indicators (datasets:local)."""

from django.urls import include, path

from .views import councils, groups, imports, indicators, local

app_name = "datasets"

import_patterns = [
    path("", imports.run_list, name="run_list"),
    path("new/", imports.upload, name="upload"),
    path("<int:pk>/", imports.run_detail, name="run_detail"),
    path("<int:pk>/status/", imports.run_status, name="run_status"),
]

local_patterns = [
    path("", local.local_list, name="list"),
    path("new/", local.local_create, name="create"),
    path("<int:pk>/", local.local_detail, name="detail"),
    path("<int:pk>/edit/", local.local_edit, name="edit"),
    path("<int:pk>/values/new/", local.local_value_add, name="value_add"),
    path("<int:pk>/values/upload/", local.local_values_upload, name="values_upload"),
    path("<int:pk>/share/", local.local_share, name="share"),
    path("<int:pk>/delete/", local.local_delete, name="delete"),
]

urlpatterns = [
    path("imports/", include((import_patterns, "imports"))),
    path("local/", include((local_patterns, "local"))),
    path("indicators/", indicators.indicator_list, name="indicator_list"),
    path("indicators/<slug:code>/", indicators.indicator_detail, name="indicator_detail"),
    path("indicators/<slug:code>/csv/", indicators.indicator_csv, name="indicator_csv"),
    path("indicators/<slug:code>/edit/", indicators.indicator_edit, name="indicator_edit"),
    path("councils/<str:gss_code>/", councils.profile, name="profile"),
    path("councils/<str:gss_code>/pdf/", councils.profile_pdf, name="profile_pdf"),
    path("councils/<str:gss_code>/compare/", councils.compare, name="compare"),
    path("councils/<str:gss_code>/neighbours/", councils.neighbours_view, name="neighbours"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:pk>/", groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", groups.group_delete, name="group_delete"),
]
