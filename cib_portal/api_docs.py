"""A GOV.UK-styled page documenting the API, built from the OpenAPI schema.

Swagger UI and ReDoc need inline scripts (which the Content Security Policy forbids) and a CDN;
this page renders the same schema on the server instead.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from cib_portal import access

_METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if not op:
                continue
            responses = []
            for code, response in op.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                ref = content.get("schema", {}).get("$ref") or content.get("schema", {}).get(
                    "items", {}
                ).get("$ref", "")
                responses.append({"code": code, "schema": _schema_name(ref) if ref else ""})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": op.get("operationId", ""),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                            "type": p.get("schema", {}).get("type", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": responses,
                }
            )
    components = []
    for name, comp in sorted(schema.get("components", {}).get("schemas", {}).items()):
        props = []
        for pname, prop in comp.get("properties", {}).items():
            kind = prop.get("type") or (_schema_name(prop["$ref"]) if "$ref" in prop else "")
            if not kind and prop.get("allOf"):
                kind = _schema_name(prop["allOf"][0].get("$ref", ""))
            if not kind and prop.get("oneOf"):
                kind = " or ".join(
                    _schema_name(o["$ref"]) if "$ref" in o else o.get("type", "")
                    for o in prop["oneOf"]
                )
            if kind == "array" and "items" in prop:
                inner = prop["items"]
                item = _schema_name(inner["$ref"]) if "$ref" in inner else inner.get("type", "")
                kind = f"list of {item}"
            props.append(
                {
                    "name": pname,
                    "type": kind,
                    "description": prop.get("description", ""),
                    "read_only": prop.get("readOnly", False),
                }
            )
        if props:
            components.append(
                {"name": name, "description": comp.get("description", ""), "properties": props}
            )
    return render(
        request,
        "api/docs.html",
        {
            "title": schema.get("info", {}).get("title", "API"),
            "description": schema.get("info", {}).get("description", ""),
            "operations": operations,
            "components": components,
            "token_lifetime_days": settings.API_TOKEN_LIFETIME_DAYS,
        },
    )
