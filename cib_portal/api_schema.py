"""The API's schema class: drf-spectacular's, with the error responses every operation can
give documented on every operation.

Kept apart from cib_portal.api: DRF imports that module (the default permission) while its
own views module is loading, before drf-spectacular's AutoSchema can be imported.
"""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiErrorSerializer(serializers.Serializer):
    """What every refusal answers: `{"detail": "..."}`."""

    detail = serializers.CharField(help_text="Why, in words a person can act on")


class ApiBadRequestSerializer(serializers.Serializer):
    """A 400: `{"detail": "..."}` naming the parameter, or one key per parameter or field at
    fault, each with a list of messages (`{"area": ["no area 'X'"]}`)."""

    detail = serializers.CharField(
        required=False, help_text="Why, naming the parameter (when not keyed by it)"
    )


ERROR_RESPONSES = {
    "400": (
        ApiBadRequestSerializer,
        "A parameter or field is missing or not valid, or holds a character that cannot be "
        "stored (a NUL); the answer names it",
    ),
    "401": (ApiErrorSerializer, "The credentials given were not accepted"),
    "403": (
        ApiErrorSerializer,
        "Not signed in, no current role, a second factor not set up, or a role that does not "
        "allow this",
    ),
    "404": (ApiErrorSerializer, "No such object, or one you may not see"),
    "429": (ApiErrorSerializer, "Too many requests: try again later"),
}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error responses any operation can give added to
    every operation (keeping a view's own description of them), each with its body."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, (serializer, description) in ERROR_RESPONSES.items():
            existing = responses.get(code)
            if existing is not None and "content" in existing:
                continue  # the view described this body itself
            documented = self._get_response_for_code(
                OpenApiResponse(
                    serializer, description=existing["description"] if existing else description
                ),
                code,
                direction=direction,
            )
            responses[code] = {**(existing or {}), **documented}
        return dict(sorted(responses.items()))


class PortalSessionScheme(SessionScheme):
    """The sign-in cookie, for the portal's own session authentication classes too
    (drf-spectacular's scheme matches only DRF's class itself, and warns for a subclass)."""

    match_subclasses = True
    priority = 0
