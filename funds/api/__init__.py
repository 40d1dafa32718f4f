"""The funds API (/api/v1/agreements/, /api/v1/spend-requests/, /api/v1/returns/): the
serializers apart from the viewsets, with what the viewsets share in steps.py."""
