"""The data set's API: serializers (how indicators, figures and comparisons are written out)
apart from the viewsets (who may read what, and the filters)."""

from .serializers import decimal_text
from .viewsets import CouncilComparisonView, IndicatorViewSet, ObservationViewSet

__all__ = ["CouncilComparisonView", "IndicatorViewSet", "ObservationViewSet", "decimal_text"]
