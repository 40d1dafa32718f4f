"""Every URL pattern, the admin and the API included, requested with made-up ids by three
people (signed out, a council officer, a national adviser): nothing answers 500 or raises,
and a NUL byte in the query string is refused (never reaches the database).

The patterns are found by walking the resolver, so a new page is swept without being listed
here. Each generated path is resolved again and must land on the pattern it was made for, so
the count of patterns swept is the real count.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.conftest import LEEDS
from tests.factories import make_member

MADE_UP_UUID = str(uuid.UUID(int=0xDEADBEEF))
# Made-up values tried, in order, against a parameter's regex: an id, a GSS-like code, a word,
# a uuid, a format suffix.
CANDIDATES = ("999999", "E09999999", "nope", MADE_UP_UUID, "json")
_GROUP = re.compile(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)")
_ROUTE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _made_up(name: str, converter) -> str:
    """A value the converter accepts and no object has."""
    if isinstance(converter, IntConverter):
        return "999999"
    if isinstance(converter, UUIDConverter):
        return MADE_UP_UUID
    if isinstance(converter, SlugConverter):
        return "nope"
    if isinstance(converter, PathConverter):
        return "999999" if name.endswith("id") else "nope"
    if "gss" in name or name.endswith("code"):
        return "E09999999"
    if name == "format":  # DRF's format suffix
        return ".json"
    for candidate in CANDIDATES:
        if re.fullmatch(converter.regex, candidate):
            return candidate
    raise AssertionError(f"no made-up value for <{name}> ({type(converter).__name__})")


def _fill_regex(regex: str) -> str:
    """A path matching a regex pattern (as DRF's router and the admin write them)."""

    def group(match: re.Match) -> str:
        name, inner = match.groups()
        if name == "format":
            return "json"
        for candidate in CANDIDATES:
            if re.fullmatch(inner, candidate):
                return candidate
        # An alternation of names (the admin's app_label): take the first.
        return inner.split("|")[0]

    text = _GROUP.sub(group, regex).lstrip("^").rstrip("$")
    text = text.replace("/?", "/").replace(".*", "nope")
    return text.replace("\\.", ".").replace("\\", "")


def _fill(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        converters = pattern.converters
        return _ROUTE_PARAMETER.sub(
            lambda m: _made_up(m.group(2), converters[m.group(2)]), str(pattern)
        )
    assert isinstance(pattern, RegexPattern), pattern
    return _fill_regex(str(pattern))


def _walk(resolver: URLResolver, prefix: str = "", route: str = ""):
    """(path, route) for every URL pattern below resolver, recursively (the route joined as
    Django's ResolverMatch.route joins it)."""
    for entry in resolver.url_patterns:
        path = prefix + _fill(entry.pattern)
        joined = route + str(entry.pattern).removeprefix("^")
        if isinstance(entry, URLResolver):
            yield from _walk(entry, path, joined)
        else:
            assert isinstance(entry, URLPattern)
            yield "/" + path, joined


def swept_paths() -> list[tuple[str, str]]:
    """Every pattern's made-up path, checked to resolve to that very pattern."""
    paths = []
    for path, route in _walk(get_resolver()):
        try:
            match = resolve(path)
        except Resolver404:
            raise AssertionError(f"made-up path {path} for {route} does not resolve") from None
        if match.route == route:
            paths.append((path, route))
    return paths


def test_the_sweep_reaches_every_pattern(db):
    """Each pattern (but a few the admin shadows with earlier ones) gets a path of its own."""
    every = list(_walk(get_resolver()))
    swept = swept_paths()
    assert len(swept) >= len(every) - 10, sorted(set(every) - set(swept))
    assert len(swept) > 300


@pytest.mark.django_db
def test_no_url_answers_500_to_anyone_with_made_up_ids(client, reference_data):
    people = {
        "anonymous": None,
        "council officer": make_member(LEEDS, "council_officer", email="sweep@leeds.example"),
        "national adviser": make_member("national", "principal_adviser", email="sweep@lga.example"),
    }
    paths = swept_paths()
    failures = []
    requests = 0
    for who, user in people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for path, route in paths:
            for query in ("", "?q=%00"):
                requests += 1
                try:
                    status = client.get(path + query).status_code
                except Exception as exc:  # noqa: BLE001 - every failure is reported at the end
                    failures.append(f"{who}: GET {path}{query} ({route}) raised {exc!r}")
                    continue
                if status >= 500 or query and status != 400:
                    failures.append(f"{who}: GET {path}{query} ({route}) answered {status}")
    assert requests == len(paths) * len(people) * 2
    assert not failures, f"{len(failures)} of {requests} requests failed:\n" + "\n".join(failures)
