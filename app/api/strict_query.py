"""An unknown query parameter is a 422 naming it, not silently ignored (`?stauts=done` would
otherwise list every entry as if it were filtered). Installed on the whole application: each
route's declared query parameters (their aliases, from its dependencies too) are the ones it
takes."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.errors import Invalid


def _query_aliases(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_aliases(sub)
    return names


def _declared(route: APIRoute) -> frozenset[str]:
    """The route's query parameters, worked out once and kept on the route."""
    names: frozenset[str] | None = getattr(route, "_vanthu_query_names", None)
    if names is None:
        names = frozenset(_query_aliases(route.dependant))
        setattr(route, "_vanthu_query_names", names)  # noqa: B010
    return names


def reject_unknown_query(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    allowed = _declared(route)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed)) or "none"
        raise Invalid(f"unknown query parameter {unknown[0]!r}: this operation takes {takes}",
                      field=unknown[0], unknown=unknown)
