"""One vocabulary: the database's CHECK constraints (as the migrations made them) and the API's
OpenAPI schema list exactly the values of the domain's enums."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from app.domain.copy_forms import CopyKind
from app.domain.doc_types import Family
from app.domain.numbering import RegisterKind
from app.domain.statuses import ArrivalStatus, CopyRequestStatus, InboxStatus, Role

#: (table, column, the values its CHECK allows)
CHECKED: list[tuple[str, str, list[StrEnum]]] = [
    ("arrivals", "status", list(ArrivalStatus)),
    ("copy_requests", "status", list(CopyRequestStatus)),
    ("copy_requests", "kind", list(CopyKind)),
    ("certified_copies", "kind", list(CopyKind)),
    ("inbox_items", "status", list(InboxStatus)),
    ("users", "role", list(Role)),
    ("organisations", "family", list(Family)),
    ("entry_corrections", "register", [RegisterKind.ARRIVAL, RegisterKind.DISPATCH]),
]


def _allowed(sql: str, column: str) -> list[str]:
    found = re.search(rf"\b{column} IN \(([^)]*)\)", sql)
    assert found, f"no CHECK on {column} in {sql}"
    return re.findall(r"'([^']*)'", found.group(1))


def _checks(db_url: str, table: str, column: str) -> list[str]:
    """The values the migrated database's CHECK on `table.column` allows, in order."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        if db_url.startswith("sqlite"):
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                                    "name = :t"), {"t": table}).scalar_one()
            engine.dispose()
            return _allowed(sql, column)
        # PostgreSQL: CHECK (((status)::text = ANY ((ARRAY['received'::character varying, …
        defs = conn.execute(text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                                 "conrelid = CAST(:t AS regclass) AND contype = 'c'"),
                            {"t": table}).scalars().all()
    engine.dispose()
    mine = [d for d in defs if re.search(rf"\(+{column}\)", d)]
    assert len(mine) == 1, defs
    return re.findall(r"'([^']*)'", mine[0])


@pytest.mark.parametrize(("table", "column", "values"), CHECKED,
                         ids=[f"{t}.{c}" for t, c, _ in CHECKED])
def test_the_migrated_check_allows_exactly_the_domain_values(
        db_url: str, table: str, column: str, values: list[StrEnum]) -> None:
    assert _checks(db_url, table, column) == [v.value for v in values]


def _enum_of(spec: dict[str, Any], schema: str, field: str) -> list[str]:
    prop = spec["components"]["schemas"][schema]["properties"][field]
    ref = next((p["$ref"] for p in prop.get("anyOf", [prop]) if "$ref" in p), None)
    target = spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else prop
    return list(target["enum"])


def test_the_api_schema_lists_the_domain_values(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    assert _enum_of(spec, "ArrivalOut", "status") == [s.value for s in ArrivalStatus]
    assert _enum_of(spec, "CopyRequestOut", "status") == [s.value for s in CopyRequestStatus]
    assert _enum_of(spec, "CopyRequestOut", "kind") == [k.value for k in CopyKind]
    assert _enum_of(spec, "UserIn", "role") == [r.value for r in Role]


def test_the_signing_library_and_the_domain_name_the_same_copy_forms() -> None:
    """signing/ cannot import app: its `CopyForm` (in every manifest) and the domain's `CopyKind`
    (with the headings) are two enums held to one list of values here."""
    from signing import CopyForm

    assert [f.value for f in CopyForm] == [k.value for k in CopyKind]
