"""The peer challenge API (/api/v1/programmes/, /challenges/, /actions/, /ledger/):
serializers apart from the viewsets, which call the same selectors and services as the
pages."""

# Until funds' API imports it from its new home (its api/ package is on its way): remove then.
from cib_portal.api_fields import NamedChoiceField

__all__ = ["NamedChoiceField"]
