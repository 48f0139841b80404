"""`vanthu init FILE`: a province's trees and first admins from YAML or CSV, idempotent, all or
nothing; the first admin signs in with a one-time password and must replace it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.commands.init import read_plan
from app.db import AuditEvent, Organisation, User
from app.main import create_app
from app.services import organisations, setup
from app.services.audit_verify import verify
from app.services.copies import office_of

ROOT = Path(__file__).resolve().parents[2]
YAML = ROOT / "docs/examples/province.yaml"
CSV = ROOT / "docs/examples/province.csv"
NEW_PASSWORD = "một mật khẩu đủ dài"


def _orgs(ctx: Any) -> dict[str, dict[str, Any]]:
    with ctx.reading() as s:
        rows = s.scalars(select(Organisation)).all()
        by_id = {o.id: o.code for o in rows}
        return {o.code: {**organisations.snapshot(o), "parent_id": by_id.get(o.parent_id or 0),
                         "short_name": o.short_name,
                         "terms": [(t.label, t.starts_on, t.ends_on) for t in o.terms]}
                for o in rows}


def _events(ctx: Any) -> int:
    with ctx.reading() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_the_yaml_makes_two_trees_and_the_admins(ctx: Any) -> None:
    result = setup.apply(ctx, read_plan(YAML, []))
    assert result.ok and result.differences == []
    assert result.created == ["organisation TU", "organisation UBND", "organisation TW",
                              "organisation VPTU", "organisation SNV", "admin admin.tu (TU)",
                              "admin admin.ubnd (UBND)"]
    assert set(result.passwords) == {"admin.tu", "admin.ubnd"}
    orgs = _orgs(ctx)
    assert orgs["VPTU"]["parent_id"] == "TU" and orgs["SNV"]["parent_id"] == "UBND"
    assert orgs["UBND"]["parent_id"] is None and orgs["TW"]["external"] is True
    assert orgs["TU"]["terms"][1][0] == "2020-2025"
    with ctx.reading() as s:
        snv = s.scalar(select(Organisation).where(Organisation.code == "SNV"))
        assert snv is not None
        # A Sở's copies print the UBND tỉnh as their governing body, not the Tỉnh ủy.
        assert office_of(snv).parent_name == "Ủy ban nhân dân tỉnh Đắk Nông"
        # The Văn phòng has no terms of its own: it numbers in the Tỉnh ủy's.
        vptu = s.scalar(select(Organisation).where(Organisation.code == "VPTU"))
        assert vptu is not None and vptu.terms == []
        assert [t.label for t in vptu.committee_terms] == ["2015-2020", "2020-2025", "2025-2030"]
        admin = s.scalar(select(User).where(User.login == "admin.tu"))
        assert admin is not None and admin.role == "admin" and admin.password_must_change
        assert result.passwords["admin.tu"] not in (admin.password_hash or "")
    report = verify(ctx)
    assert report.ok, report.summary()


def test_running_it_again_changes_nothing(ctx: Any) -> None:
    setup.apply(ctx, read_plan(YAML, []))
    before, events = _orgs(ctx), _events(ctx)
    again = setup.apply(ctx, read_plan(YAML, []))
    assert again.created == [] and again.passwords == {} and again.ok
    assert len(again.unchanged) == 7
    assert _orgs(ctx) == before and _events(ctx) == events


def test_a_difference_is_named_and_nothing_is_changed(ctx: Any, tmp_path: Path) -> None:
    setup.apply(ctx, read_plan(YAML, []))
    organisations_only = YAML.read_text(encoding="utf-8").split("admins:")[0]
    changed = tmp_path / "changed.yaml"
    changed.write_text(organisations_only.replace("snv@daknong.gov.vn", "sonoivu@daknong.gov.vn")
                       + "  - {code: STC, name: Sở Tài chính, family: state, parent: UBND}\n",
                       encoding="utf-8")
    events = _events(ctx)
    result = setup.apply(ctx, read_plan(changed, []))
    assert result.differences == ["organisation SNV: email is 'snv@daknong.gov.vn' here, "
                                  "'sonoivu@daknong.gov.vn' in the file"]
    assert result.created == [] and "STC" not in _orgs(ctx) and _events(ctx) == events


def test_the_csv_makes_the_same_trees(ctx: Any) -> None:
    result = setup.apply(ctx, read_plan(CSV, ["TU:admin.tu:Quản trị Tỉnh ủy"]))
    assert result.ok and "admin admin.tu (TU)" in result.created
    from_csv = _orgs(ctx)
    again = setup.apply(ctx, read_plan(YAML, []))
    assert again.differences == [] and again.created == ["admin admin.ubnd (UBND)"]
    assert _orgs(ctx) == from_csv


@pytest.mark.parametrize(("text", "says"), [
    ("organisations:\n  - {code: A, name: A, family: party, parent: B}\n",
     "no organisation B (the parent of A)"),
    ("organisations:\n  - {code: A, name: A, family: party, parent: B}\n"
     "  - {code: B, name: B, family: party, parent: A}\n", "form a loop"),
    ("organisations:\n  - {code: A, name: A, family: party}\n  - {code: A, name: A, family: "
     "party}\n", "organisation A is listed twice"),
    ("organisations:\n  - {code: A, name: A, family: church}\n", "organisations.0.family"),
    ("organisations:\n  - {code: A, name: A, family: party, email: not-an-email}\n",
     "organisations.0.email"),
    ("- just a list\n", "must hold `organisations:`"),
])
def test_a_bad_file_is_refused_with_the_reason(ctx: Any, tmp_path: Path, text: str,
                                               says: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(says)):
        setup.apply(ctx, read_plan(path, []))
    assert _orgs(ctx) == {}


def test_the_first_admin_signs_in_and_replaces_the_one_time_password(ctx: Any) -> None:
    password = setup.apply(ctx, read_plan(YAML, [])).passwords["admin.tu"]
    client = TestClient(create_app(ctx=ctx))
    sign = {"login": "admin.tu", "password": password}
    r = client.post("/auth/token", json=sign)
    assert r.status_code == 403 and r.json()["field"] == "new_password", r.text
    assert "one-time password must be replaced" in r.json()["detail"]
    r = client.post("/auth/token", json={**sign, "new_password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    me = client.get("/me", headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert me.status_code == 200 and me.json()["role"] == "admin"
    assert client.post("/auth/token", json=sign).status_code == 401  # the one-time one is gone
    ok = client.post("/auth/token", json={"login": "admin.tu", "password": NEW_PASSWORD})
    assert ok.status_code == 200 and ok.json()["expires_at"]
    for wrong in ({"login": "admin.tu", "password": "sai mật khẩu"},
                  {"login": "nobody", "password": NEW_PASSWORD}):
        r = client.post("/auth/token", json=wrong)
        assert r.status_code == 401 and r.json()["detail"] == "the login or the password is wrong"
    short = client.post("/auth/token", json={**sign, "new_password": "ngắn"})
    assert short.status_code == 422
    report = verify(ctx)
    assert report.ok, report.summary()


def test_the_command_reports_and_exits(settings: Any, tmp_path: Path) -> None:
    env = {**os.environ, "VANTHU_DATABASE_URL": settings.database_url,
           "VANTHU_STORAGE_DIR": str(tmp_path / "files"), "VANTHU_KEYS_DIR": str(tmp_path / "k")}

    def init(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.cli", "init", str(path)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)

    first = init(YAML)
    assert first.returncode == 0, first.stderr
    assert "created: organisation SNV" in first.stdout
    assert "one-time password for admin.tu: " in first.stdout
    second = init(YAML)
    assert second.returncode == 0 and "created:" not in second.stdout
    assert "unchanged: organisation TU" in second.stdout
    changed = tmp_path / "changed.yaml"
    changed.write_text(YAML.read_text(encoding="utf-8").replace("Sở Nội vụ tỉnh Đắk Nông",
                                                                "Sở Nội vụ"), encoding="utf-8")
    third = init(changed)
    assert third.returncode == 1
    assert "differs: organisation SNV: name is 'Sở Nội vụ tỉnh Đắk Nông' here" in third.stdout
    assert "nothing was changed" in third.stderr
    missing = init(tmp_path / "none.yaml")
    assert missing.returncode == 2 and missing.stderr.startswith("vanthu init: ")
