"""Devolved funds URLs under /funds/: agreements and budgets (the national view or a region's
agreements, recording and changing an agreement, its signed document, its budget), spend
requests under requests/, and quarterly returns to CIB under returns/."""

from django.urls import path

from .views import agreements, budget, returns, spend, spend_actions

app_name = "funds"

urlpatterns = [
    # Agreements and budgets
    path("", agreements.home, name="home"),
    path("export/", agreements.home_export, name="home_export"),
    path("agreements/new/", agreements.agreement_create_view, name="agreement_create"),
    path("agreements/<int:pk>/", budget.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", agreements.agreement_document, name="agreement_document"),
    path("agreements/<int:pk>/export/", budget.agreement_export, name="agreement_export"),
    # Spend requests
    path("requests/", spend.request_list, name="request_list"),
    path("requests/new/", spend.request_create, name="request_create"),
    path("requests/<int:pk>/", spend.request_detail, name="request_detail"),
    path("requests/<int:pk>/change/", spend.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", spend_actions.request_submit, name="request_submit"),
    path("requests/<int:pk>/withdraw/", spend_actions.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/approve/", spend_actions.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", spend_actions.request_reject, name="request_reject"),
    path("requests/<int:pk>/paid/", spend_actions.request_mark_paid, name="request_mark_paid"),
    path("requests/<int:pk>/evidence/", spend.request_evidence_add, name="request_evidence_add"),
    path(
        "requests/<int:pk>/evidence/<int:evidence_pk>/",
        spend.request_evidence_download,
        name="request_evidence_download",
    ),
    # Quarterly returns
    path("returns/", returns.return_list, name="return_list"),
    path("returns/<int:pk>/", returns.return_detail, name="return_detail"),
    path("returns/<int:pk>/edit/", returns.return_edit, name="return_edit"),
    path("returns/<int:pk>/sign-off/", returns.return_sign_off, name="return_sign_off"),
    path("returns/<int:pk>/submit/", returns.return_submit, name="return_submit"),
    path("returns/<int:pk>/accept/", returns.return_accept, name="return_accept"),
    path("returns/<int:pk>/return/", returns.return_send_back, name="return_send_back"),
    path("returns/<int:pk>/pdf/", returns.return_pdf, name="return_pdf"),
]
