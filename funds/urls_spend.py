"""Spend request pages under /funds/requests/."""

from django.urls import path

from . import views_spend as v

urlpatterns: list = [
    path("", v.request_list, name="request_list"),
    path("new/", v.request_create, name="request_create"),
    path("<int:pk>/", v.request_detail, name="request_detail"),
    path("<int:pk>/change/", v.request_edit, name="request_edit"),
    path("<int:pk>/submit/", v.request_submit, name="request_submit"),
    path("<int:pk>/withdraw/", v.request_withdraw, name="request_withdraw"),
    path("<int:pk>/approve/", v.request_approve, name="request_approve"),
    path("<int:pk>/reject/", v.request_reject, name="request_reject"),
    path("<int:pk>/paid/", v.request_mark_paid, name="request_mark_paid"),
    path("<int:pk>/evidence/", v.request_evidence_add, name="request_evidence_add"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        v.request_evidence_download,
        name="request_evidence_download",
    ),
]
