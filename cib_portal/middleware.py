"""Refuse input PostgreSQL text cannot hold before any view sees it.

PostgreSQL's text types cannot store a NUL character, and an unpaired surrogate (which a JSON
body can carry as an escape) cannot be encoded for it at all: either, reaching a filter or a
save, answers 500. Rather than every filter and form checking, one check here covers every
query parameter (name and value), form field, uploaded file's name and JSON field of every
request, pages and API alike, and answers 400 naming the parameter. A NUL in the address
itself names nothing there is: 404.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A JSON body carries those characters only as escapes: look for one before parsing anything.
_JSON_ESCAPE = re.compile(rb"\\u(?:0000|d[89a-f][0-9a-f]{2})", re.IGNORECASE)


def _shown(text: str) -> str:
    """The text with each unstorable character written as its escape, so it can be read."""
    return UNSTORABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _json_leaves(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(name, text) for every key and string in a parsed JSON body, named as a path."""
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else key
            yield name, key
            yield from _json_leaves(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_leaves(item, f"{where}[{index}]")
    elif isinstance(value, str):
        yield where, value


def _fields(request: HttpRequest) -> Iterator[tuple[str, str, str]]:
    """(kind, name, text) for every piece of input the request carries."""
    for name, values in request.GET.lists():
        yield "query parameter", name, name
        for value in values:
            yield "query parameter", name, value
    if request.method == "POST":
        for name, values in request.POST.lists():
            yield "form field", name, name
            for value in values:
                yield "form field", name, value
        for name, files in request.FILES.lists():
            for upload in files:
                yield "uploaded file name in", name, upload.name or ""
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if _JSON_ESCAPE.search(body):
            try:
                parsed = json.loads(body)
            except ValueError:
                return  # not JSON at all: the API's parser says so
            for name, text in _json_leaves(parsed, ""):
                yield "field", name or "(the body)", text


def unstorable_input(request: HttpRequest) -> str | None:
    """A message naming the first input holding a character PostgreSQL text cannot hold."""
    for kind, name, text in _fields(request):
        found = UNSTORABLE.search(text)
        if found:
            character = "a NUL character" if found.group() == "\x00" else "an unpaired surrogate"
            return (
                f"The {kind} “{_shown(name)}” contains {character} "
                f"({_shown(found.group())}), which is not allowed."
            )
    return None


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request is for the API (answered in JSON), not a page."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return request.path_info.startswith(reverse("api-root"))
    from rest_framework.views import APIView

    view_class = getattr(view, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class RejectUnstorableInputMiddleware:
    """400 naming the parameter for input PostgreSQL cannot store, decided before the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if UNSTORABLE.search(request.path_info):
            raise Http404("The address contains a character no address here has.")
        problem = unstorable_input(request)
        if problem is not None:
            if is_api_request(request):
                return JsonResponse({"detail": problem}, status=400)
            return render(request, "errors/400.html", {"problem": problem}, status=400)
        return self.get_response(request)
