"""The peer challenge API (/api/v1/programmes/, /challenges/, /actions/, /ledger/):
serializers apart from the viewsets, which call the same selectors and services as the
pages."""
