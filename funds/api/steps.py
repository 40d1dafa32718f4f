"""What the funds API's viewsets share: the schema of their responses, a step on a spend
request or a return (StepMixin: 404, 403 with the rule's reason, 400, 409), and the checks
of the list's query parameters (a 400 naming the parameter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from cib_portal import access

from .. import services

NOT_YOURS = OpenApiResponse(description="Not found, or not yours to see")
BAD_FIELD = OpenApiResponse(OpenApiTypes.OBJECT, description="A bad field, named")
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"detail": why}: e.g. it would overspend, your own request, the wrong state',
)


def _conflict(exc: services.FundsError) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


def step_schema(
    ok: type[serializers.Serializer],
    conflict: OpenApiResponse,
    forbidden: str,
    body: type[serializers.Serializer] | None = None,
) -> Callable:
    """The schema of a step on a spend request or a return (see StepMixin): `ok` (200), a bad
    field of `body` (400), `forbidden` (403), not visible (404) and `conflict` (409)."""
    responses: dict[int, Any] = {200: ok}
    if body is not None:
        responses[400] = BAD_FIELD
    responses.update({403: OpenApiResponse(description=forbidden), 404: NOT_YOURS, 409: conflict})
    return extend_schema(request=body, responses=responses)


class StepMixin:
    """A spend request or return (404 if the user may not see it), and a step on it: 403
    with the rule's reason unless `rule(user, object)` allows it, the `body` checked (400), then
    `service(user=…, <subject>=object, **body)`: 409 with its message on a FundsError, else
    the object written out afresh by the viewset's `_respond`."""

    subject: str  # the service's keyword for the object
    visible: Callable[[Any], QuerySet]  # what the user may see

    def get_object(self) -> Any:
        found = self.visible(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound
        return found

    def _step(
        self,
        rule: Callable[[Any, Any], access.Decision],
        service: Callable[..., Any],
        body: type[serializers.Serializer] | None = None,
    ) -> Response:
        found = self.get_object()
        user = self.request.user
        access.require_permission(rule(user, found))
        values: dict = {}
        if body is not None:
            data = body(data=self.request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
        try:
            done = service(user=user, **{self.subject: found}, **values)
        except services.FundsError as exc:
            return _conflict(exc)
        return self._respond(done)


def id_param(params: Any, name: str) -> int | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({name: [f"{value!r} is not an id."]})
    return int(value)


def choice_param(params: Any, name: str, choices: list[str]) -> str | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    if value not in choices:
        raise ValidationError({name: [f"{value!r} is not one of {', '.join(choices)}"]})
    return value
