"""The archive export of a copy (PAdES B-LTA): GET /copies/{id}/archive.pdf and `vanthu copies
archive ID OUT` add the validation data and a document timestamp from the configured TSA.
pyHanko's LTA validator accepts it offline after the signer's certificate expired, pdfsig sees
the document timestamp, and the register keeps one copy (no new copy, no number, nothing
stored). Without VANTHU_TSA_URL: 409 / exit 2, naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.db import CertifiedCopy
from signing import sha256_hex
from tests.factories import issue_first_copy
from tests.lta import LATER, assert_pdfsig_sees_the_document_timestamp, lta_verdict
from tests.pdfs import pdfsig_report
from tests.tsa import local_tsa

#: `vanthu` from this tree (not whichever one is installed)
VANTHU = [sys.executable, "-m", "app.cli"]
ROOT = Path(__file__).resolve().parents[2]


def _env(ctx: Any, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "VANTHU_TSA_URL"}
    return {**env, "VANTHU_DATABASE_URL": ctx.settings.database_url,
            "VANTHU_STORAGE_DIR": str(ctx.settings.storage_dir),
            "VANTHU_KEYS_DIR": str(ctx.settings.keys_dir), "PYTHONPATH": str(ROOT), **extra}


def _copies(ctx: Any) -> int:
    with ctx.reading() as s:
        count: int = s.scalar(select(func.count()).select_from(CertifiedCopy)) or 0
        return count


def test_the_archive_outlives_the_certificate_and_is_no_new_copy(
        client: Any, world: Any, ctx: Any, tmp_path: Path) -> None:
    ca = ctx.keys.dev_ca()
    with local_tsa(ca, valid_days=365 * 20) as url:
        ctx.settings = ctx.settings.model_copy(update={"tsa_url": url})
        _, copy = issue_first_copy(client, world, ctx)
        before = _copies(ctx)
        got = client.get(f"/copies/{copy['id']}/archive.pdf", headers=world.auth("auditor"))
        assert got.status_code == 200, got.text
        assert got.headers["content-type"] == "application/pdf"
        assert 'filename="01-BS_VPTU.lta.pdf"' in got.headers["content-disposition"]
        out = tmp_path / "cli.pdf"
        done = subprocess.run([*VANTHU, "copies", "archive", str(copy["id"]), str(out)],
                              env=_env(ctx, VANTHU_TSA_URL=url), capture_output=True, text=True)
    archive = got.content
    signed = ctx.store.get(copy["pdf_sha256"])
    assert archive.startswith(signed)  # the signed copy, untouched, plus updates
    assert lta_verdict(archive, ca.root_cert, LATER).name == "OK"
    assert lta_verdict(signed, ca.root_cert, LATER).name != "OK"
    assert_pdfsig_sees_the_document_timestamp(pdfsig_report(archive, [ca.root_cert], tmp_path))
    assert done.returncode == 0, done.stderr
    assert "01-BS/VPTU: archive (PAdES B-LTA) of 1 signature(s)" in done.stdout
    assert lta_verdict(out.read_bytes(), ca.root_cert, LATER).name == "OK"
    # nothing new in the register or the store
    assert _copies(ctx) == before
    assert not ctx.store.exists(sha256_hex(archive))
    again = client.get(f"/copies/{copy['id']}", headers=world.auth("auditor")).json()
    assert again["pdf_sha256"] == copy["pdf_sha256"]
    # only those who may read the copy may have its archive
    assert client.get(f"/copies/{copy['id']}/archive.pdf",
                      headers=world.auth("clerk_ubnd")).status_code in (403, 404)


def test_without_a_tsa_there_is_no_archive(client: Any, world: Any, ctx: Any,
                                           tmp_path: Path) -> None:
    _, copy = issue_first_copy(client, world, ctx)
    got = client.get(f"/copies/{copy['id']}/archive.pdf", headers=world.auth("auditor"))
    assert got.status_code == 409, got.text
    assert got.json()["field"] == "tsa_url" and "VANTHU_TSA_URL" in got.json()["detail"]
    done = subprocess.run([*VANTHU, "copies", "archive", str(copy["id"]),
                           str(tmp_path / "x.pdf")], env=_env(ctx), capture_output=True, text=True)
    assert done.returncode == 2 and "VANTHU_TSA_URL" in done.stderr, done.stderr
    assert not (tmp_path / "x.pdf").exists()
