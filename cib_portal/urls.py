from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts import views as accounts_views
from regions.views import homes as region_homes

from . import views

urlpatterns = [
    path("", TemplateView.as_view(template_name="pages/start.html"), name="start"),
    path("home/", region_homes.home, name="home"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("cookies/", TemplateView.as_view(template_name="pages/cookies.html"), name="cookies"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # allauth's email page, with an error when nothing is selected (before allauth's own).
    path("accounts/email/", accounts_views.email, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("", include("regions.urls")),
    path("reports/", include("reports.urls")),
    path("", include("reviews.urls")),
    path("", include("peerchallenge.urls")),
    path("funds/", include("funds.urls")),
    path("early-support/", include("earlysupport.urls")),
    path("support/", include("support.urls")),
    path("data/", include("datasets.urls")),
    path("api/v1/", include("cib_portal.api_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "cib_portal.views.bad_request"
handler404 = "cib_portal.views.not_found"
handler403 = "cib_portal.views.forbidden"
handler500 = "cib_portal.views.server_error"
