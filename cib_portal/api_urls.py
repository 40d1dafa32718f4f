from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from regions.api import CouncilViewSet, RegionViewSet

from . import api_docs

router = DefaultRouter()
router.register("councils", CouncilViewSet, basename="council")
router.register("regions", RegionViewSet, basename="region")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs.api_docs, name="api-docs"),
    path("", include(router.urls)),
]
