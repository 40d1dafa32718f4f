"""The reviews API: serializers apart from viewsets."""
