"""/openapi.json describes every operation: a written summary, a description, and an example of
its request body that the body's own schema accepts."""

from __future__ import annotations

from typing import Any

import pytest

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def spec(client: Any) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    return dict(r.json())


def _operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, ops in spec["paths"].items()
            for method, op in ops.items() if method in METHODS]


def _generated(summary: str) -> bool:
    """FastAPI's default summary is the function's name, title-cased ("List Arrivals")."""
    words = summary.split()
    return all(w[:1].isupper() and w[1:].islower() for w in words if w.isalpha())


def test_every_operation_has_a_summary_and_a_description(spec: dict[str, Any]) -> None:
    operations = _operations(spec)
    assert len(operations) > 50
    lacking = [(name, key) for name, op in operations
               for key, words in (("summary", 2), ("description", 5))
               if len(op.get(key, "").split()) < words]
    assert lacking == []
    generated = [(name, op["summary"]) for name, op in operations if _generated(op["summary"])]
    assert generated == []


def _body_models() -> dict[str, Any]:
    """The JSON body models of every router, by the name their schema has in the document."""
    import importlib
    import pkgutil

    import app.api.routers as routers

    models: dict[str, Any] = {}
    for info in pkgutil.iter_modules(routers.__path__):
        router = importlib.import_module(f"app.api.routers.{info.name}").router
        for route in router.routes:
            for param in route.dependant.body_params:
                kind = param.field_info.annotation
                if hasattr(kind, "model_validate"):
                    models[kind.__name__] = kind
    return models


def test_every_request_body_has_an_example_its_schema_accepts(spec: dict[str, Any]) -> None:
    models = _body_models()
    assert len(models) >= 15  # the examples are checked against the models themselves
    missing, invalid = [], []
    for name, op in _operations(spec):
        for kind, media in op.get("requestBody", {}).get("content", {}).items():
            example = media.get("example")
            if example is None:
                missing.append((name, kind))
                continue
            if kind != "application/json":
                continue
            model = models.get(media.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1])
            if model is None:  # a body the route reads itself (POST /intake/parse)
                continue
            try:
                model.model_validate(example)
            except ValueError as exc:
                invalid.append((name, str(exc)))
    assert missing == []
    assert invalid == []
