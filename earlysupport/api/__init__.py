"""API for early support: /api/v1/risk-flags/ and /api/v1/risk-rules/ (viewsets.py), with
their serializers apart (serializers.py)."""

from .viewsets import RiskFlagViewSet, RiskRuleViewSet

__all__ = ["RiskFlagViewSet", "RiskRuleViewSet"]
