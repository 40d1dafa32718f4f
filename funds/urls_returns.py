"""Quarterly returns to CIB, under /funds/returns/."""

from django.urls import path

from . import views_returns as v

urlpatterns = [
    path("", v.return_list, name="return_list"),
    path("<int:pk>/", v.return_detail, name="return_detail"),
    path("<int:pk>/edit/", v.return_edit, name="return_edit"),
    path("<int:pk>/sign-off/", v.return_sign_off, name="return_sign_off"),
    path("<int:pk>/submit/", v.return_submit, name="return_submit"),
    path("<int:pk>/accept/", v.return_accept, name="return_accept"),
    path("<int:pk>/return/", v.return_send_back, name="return_send_back"),
    path("<int:pk>/pdf/", v.return_pdf, name="return_pdf"),
]
