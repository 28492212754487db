"""The API's own reference, for facilitators: the OpenAPI schema and a page drawn from it.

FastAPI's Swagger page loads its script and styles from a CDN, which the
Content-Security-Policy forbids (it rendered blank), and it was served to anyone. Here the
schema and a plain page listing each route, who may reach it and what it takes are served
from this app alone, to signed-in facilitators only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION
from tracktwo.web.security import Access, guard

router = APIRouter(dependencies=[ONE_TRANSACTION])
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    """One route as the reference page lists it."""

    method: str
    path: str
    summary: str
    description: str
    access: str
    parameters: list[str]
    body: str


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """Name the fields of a request body's schema, following a reference to it."""
    reference = schema.get("$ref", "")
    if reference:
        schema = components.get(reference.rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    names = [name if name in required else f"{name}?" for name in schema.get("properties", {})]
    return ", ".join(names) or str(schema.get("type", ""))


def operations(schema: dict[str, Any]) -> list[Operation]:
    """Return every operation of an OpenAPI schema, by path, then method."""
    components = schema.get("components", {}).get("schemas", {})
    listed = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                f"{p['name']} ({p['in']}{'' if p.get('required') else ', optional'})"
                for p in operation.get("parameters", [])
            ]
            content = operation.get("requestBody", {}).get("content", {})
            body = "; ".join(
                f"{media}: {_fields(spec.get('schema', {}), components)}"
                for media, spec in content.items()
            )
            listed.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", "").strip(),
                    access=operation.get("x-access", ""),
                    parameters=parameters,
                    body=body,
                )
            )
    return listed


@router.get("/openapi.json", **guard(Access.ANY_FACILITATOR))
def openapi_schema(request: Request) -> Response:
    """The OpenAPI schema of this app, each route's rule in its x-access field."""
    return JSONResponse(request.app.openapi())


@router.get("/docs", **guard(Access.ANY_FACILITATOR))
def reference_page(request: Request) -> Response:
    """Every route, who may reach it and what it takes, drawn from the OpenAPI schema."""
    schema = request.app.openapi()
    return render(
        request,
        "reference.html",
        title=schema["info"]["title"],
        version=schema["info"]["version"],
        description=schema["info"].get("description", ""),
        operations=operations(schema),
    )
