"""`vanthu init FILE`: create the organisation trees and the first administrators from a YAML or
CSV file (docs/operations.md, "First set-up"). Exit 0: created or already so; 1: the database
differs from the file (nothing changed, each difference listed); 2: the file is unusable."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

#: CSV columns (one organisation per row); `terms` is "label:starts_on:ends_on;…".
CSV_COLUMNS = ("code", "name", "short_name", "family", "parent", "place", "email", "external",
               "copy_code", "terms")


def _csv_terms(text: str) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        label, starts_on, *rest = (x.strip() for x in part.split(":"))
        out.append({"label": label, "starts_on": starts_on, "ends_on": (rest[0] or None) if rest else None})
    return out


def _read_csv(text: str) -> dict[str, Any]:
    rows = list(csv.DictReader(io.StringIO(text)))
    unknown = set(rows[0]) - set(CSV_COLUMNS) if rows else set()
    if unknown:
        raise ValueError(f"unknown CSV columns: {', '.join(sorted(unknown))}; the columns are "
                         + ", ".join(CSV_COLUMNS))
    orgs = []
    for row in rows:
        org: dict[str, Any] = {k: v.strip() for k, v in row.items() if v and v.strip()}
        org["external"] = org.get("external", "").lower() in ("1", "true", "yes", "có")
        if "terms" in org:
            org["terms"] = _csv_terms(org["terms"])
        orgs.append(org)
    return {"organisations": orgs}


def read_plan(path: Path, admins: list[str]) -> Any:
    """The file as a `SetupPlan`; `admins` adds "ORG:login:Name" entries (for a CSV file)."""
    import yaml
    from pydantic import ValidationError

    from app.services.setup import SetupPlan

    text = path.read_text(encoding="utf-8-sig")
    try:
        raw = _read_csv(text) if path.suffix.lower() == ".csv" else yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path} is not YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path} must hold `organisations:` (and `admins:`)")
    for entry in admins:
        org, _, rest = entry.partition(":")
        login, _, name = rest.partition(":")
        raw.setdefault("admins", []).append({"org": org, "login": login, "name": name})
    try:
        return SetupPlan.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from exc


def _run(args: argparse.Namespace) -> int:
    from app.context import AppContext
    from app.services import setup
    from app.settings import get_settings

    try:
        plan = read_plan(args.file, args.admin)
        result = setup.apply(AppContext.from_settings(get_settings()), plan)
    except (OSError, ValueError) as exc:
        print(f"vanthu init: {exc}", file=sys.stderr)
        return 2
    for line in result.differences:
        print(f"differs: {line}")
    if result.differences:
        print("nothing was changed: change these through the API (PATCH /orgs/…) or fix the file",
              file=sys.stderr)
        return 1
    for line in result.created:
        print(f"created: {line}")
    for line in result.unchanged:
        print(f"unchanged: {line}")
    for login, password in result.passwords.items():
        print(f"one-time password for {login}: {password}  (shown once; the first sign-in, "
              "POST /auth/token with new_password, replaces it)")
    return 0


def register(sub: Any) -> None:
    init = sub.add_parser("init", help="create the organisation trees and first admins from a "
                                       "YAML or CSV file")
    init.add_argument("file", type=Path, help="organisations (and admins) as YAML, or a CSV")
    init.add_argument("--admin", action="append", default=[], metavar="ORG:LOGIN:NAME",
                      help="a first administrator (repeatable; for a CSV file)")
    init.set_defaults(handler=_run)
