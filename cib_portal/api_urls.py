from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from datasets.api.viewsets import CouncilComparisonView, IndicatorViewSet, ObservationViewSet
from earlysupport.api import RiskFlagViewSet, RiskRuleViewSet
from funds.api.viewsets import AgreementViewSet, ReturnViewSet, SpendRequestViewSet
from peerchallenge.api.viewsets import ActionViewSet, ChallengeViewSet, LedgerView, ProgrammeViewSet
from regions.api import CouncilViewSet, RegionViewSet
from reviews.api.viewsets import BookingViewSet, CouncilEntitlementView, ProductViewSet
from support.api.campaigns import CampaignViewSet
from support.api.mentoring import MentorProposalsView, MentorViewSet
from support.api.offers import SupportOfferViewSet, SupportRequestViewSet

from . import api_docs


class PortalRouter(DefaultRouter):
    """No `.json` style format suffixes: every endpoint answers 404 to one, the same way
    (choose JSON with the Accept header, or ?format=json). Views written with plain
    signatures could not take the suffix's `format` argument and answered 500."""

    include_format_suffixes = False


router = PortalRouter()
router.register("councils", CouncilViewSet, basename="council")
router.register("regions", RegionViewSet, basename="region")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("observations", ObservationViewSet, basename="observation")
router.register("products", ProductViewSet, basename="product")
router.register("bookings", BookingViewSet, basename="booking")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("challenges", ChallengeViewSet, basename="challenge")
router.register("actions", ActionViewSet, basename="challenge-action")
router.register("agreements", AgreementViewSet, basename="funding-agreement")
router.register("spend-requests", SpendRequestViewSet, basename="spend-request")
router.register("returns", ReturnViewSet, basename="funds-return")
router.register("risk-flags", RiskFlagViewSet, basename="risk-flag")
router.register("risk-rules", RiskRuleViewSet, basename="risk-rule")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("support-offers", SupportOfferViewSet, basename="support-offer")
router.register("support-requests", SupportRequestViewSet, basename="support-request")
router.register("mentors", MentorViewSet, basename="mentor")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs.api_docs, name="api-docs"),
    path(
        "councils/<str:gss_code>/comparison/",
        CouncilComparisonView.as_view(),
        name="council-comparison",
    ),
    path(
        "councils/<str:gss_code>/entitlement/",
        CouncilEntitlementView.as_view(),
        name="council-entitlement",
    ),
    path("ledger/", LedgerView.as_view(), name="peer-challenge-ledger"),
    path(
        "support-requests/<int:pk>/mentor-proposals/",
        MentorProposalsView.as_view(),
        name="support-request-mentor-proposals",
    ),
    path("", include(router.urls)),
]
