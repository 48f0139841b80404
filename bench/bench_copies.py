"""Certified copies issued per second (render + sign + store + register), beside the cost of each
part measured in the same run on the same source, and a raw ECDSA P-256 signature as baseline.

Usage: .venv/bin/python bench/bench_copies.py [--quick]
Writes bench/results/copies.json and prints a markdown table. SQLite (WAL) in a temporary folder;
the source is the demo's 160-TB/TW (rendered from the seed), copied as a sao lục by VPTU.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "copies.json"


def timed(fn: Callable[[], Any], n: int) -> tuple[float, float]:
    """(operations per second, median ms) over n calls."""
    laps = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        laps.append(time.perf_counter() - start)
    return n / sum(laps), statistics.median(laps) * 1000


def main() -> None:
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 5 if args.quick else 30

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from sqlalchemy import select

    from app.context import AppContext
    from app.db import Document, migrate
    from app.demo import _principal, load_demo, seed_original_pdf
    from app.domain.copy_forms import CopyKind
    from app.domain.dates import VN_TZ
    from app.services import copies, copy_requests
    from app.services.copy_pdf import CopySpec, manifest_for
    from app.services.dispatches import RecipientIn
    from app.settings import Settings
    from app.storage import StagedWrites
    from signing.manifest import sign_manifest
    from signing.pdf_sign import StampText, embed_manifest, embed_parent, sign_pdf

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = Settings(database_url=f"sqlite:///{folder / 'v.db'}",
                            storage_dir=folder / "files", keys_dir=folder / "keys")
        migrate.upgrade(settings.database_url)
        ctx = AppContext.from_settings(settings)
        load_demo(ctx)
        clerk, department = _principal(ctx, "clerk"), _principal(ctx, "department")
        with ctx.reading() as s:
            doc_id = s.scalars(select(Document.id).where(Document.notation == "160-TB/TW")).one()

        def request() -> int:
            return copy_requests.create(ctx, department, "VPTU", copy_requests.CopyRequestIn(
                kind=CopyKind.SAO_LUC, reason="bench", document_id=doc_id,
                recipients=[RecipientIn(org_code="VPDUK", name="Các Đảng bộ trực thuộc"),
                            RecipientIn(name="Các đ/c TUV")])).id

        pending = [request() for _ in range(n)]
        issue = copies.ApproveIn(signer_title="CHÁNH VĂN PHÒNG", signer_name="Lê Văn Chiến")
        whole_rate, whole_ms = timed(lambda: copies.approve(ctx, clerk, pending.pop(), issue), n)

        # The parts, on the same inputs, outside the service.
        from app.render.compose import compose_copy
        from app.render.copy_page import CopyBlock, render_copy_page
        from app.render.fonts import font_path

        with ctx.reading() as s:
            from app.services.organisations import get_by_code

            org = get_by_code(s, "VPTU")
            office = copies.office_of(org)
            identity = ctx.keys.identity(ctx.keys.active_key(s, org))  # type: ignore[arg-type]
        from datetime import datetime

        source = seed_original_pdf()
        signed_at = datetime(2020, 2, 4, 15, 30, 15, tzinfo=VN_TZ)
        block = CopyBlock(kind_heading="SAO LỤC", office_parent="TỈNH ỦY ĐẮK NÔNG",
                          office_name="VĂN PHÒNG", party=True, number_line="Số 397-BS/VPTU",
                          date_line="Đắk Nông, ngày 04 tháng 02 năm 2020", signer_authority=None,
                          signer_title="CHÁNH VĂN PHÒNG", signer_name="Lê Văn Chiến",
                          recipients=["Các đ/c TUV", "Các Đảng bộ trực thuộc",
                                      "Lưu Văn phòng Tỉnh ủy"])
        page = render_copy_page(block)
        composed = compose_copy(source, page.pdf, None)
        with_parent = embed_parent(composed, source, "160-TB_TW.pdf", "Bản được sao")
        spec = CopySpec(kind=CopyKind.SAO_LUC, notation="397-BS/VPTU", place="Đắk Nông",
                        copy_date=signed_at.date(), signed_at=signed_at, signer_authority=None,
                        signer_title="CHÁNH VĂN PHÒNG", signer_name="Lê Văn Chiến",
                        recipients=block.recipients, pages=None, source_notation="160-TB/TW",
                        source_pdf=source, source_is_copy=False, parent_manifest_sha256=None,
                        document_notation="160-TB/TW")
        manifest = sign_manifest(manifest_for(office, spec), identity)
        ready = embed_manifest(with_parent, manifest.to_json())
        stamp = StampText.office(office.signature_office, office.email, signed_at)
        signed = sign_pdf(ready, identity, signed_at=signed_at, appearance=stamp,
                          box=page.signature_box, page=-1, field_name="SaoVanBan",
                          font_path=font_path("regular"), manifest_sha256=manifest.sha256)
        raw_key = ec.generate_private_key(ec.SECP256R1())
        parts: list[tuple[str, Callable[[], Any]]] = [
            ("render copy block (reportlab)", lambda: render_copy_page(block)),
            ("compose source pages + block", lambda: compose_copy(source, page.pdf, None)),
            ("embed source PDF", lambda: embed_parent(composed, source, "a.pdf", "a")),
            ("sign manifest (RFC 8785 + ECDSA)",
             lambda: sign_manifest(manifest_for(office, spec), identity)),
            ("embed manifest", lambda: embed_manifest(with_parent, manifest.to_json())),
            ("sign PDF (PAdES, visible stamp)",
             lambda: sign_pdf(ready, identity, signed_at=signed_at, appearance=stamp,
                              box=page.signature_box, page=-1, field_name="SaoVanBan",
                              font_path=font_path("regular"), manifest_sha256=manifest.sha256)),
            ("store PDF (content-addressed file)",
             lambda: ctx.store.put(signed + os.urandom(8), StagedWrites())),
        ]
        raw_rate, raw_ms = timed(lambda: raw_key.sign(b"x" * 64, ec.ECDSA(hashes.SHA256())),
                                 max(n * 20, 200))
        rows = [{"name": "copy issued (approve: number, render, sign, store, register)",
                 "per_second": whole_rate, "median_ms": whole_ms}]
        for name, fn in parts:
            rate, ms = timed(fn, n)
            rows.append({"name": name, "per_second": rate, "median_ms": ms})
        ctx.db.dispose()

    for row in rows:
        row["baseline"] = "raw ECDSA P-256 sign (cryptography)"
        row["baseline_per_second"] = raw_rate
        row["ratio"] = row["per_second"] / raw_rate
    print(f"cores: {os.cpu_count()}, n = {n}, source: 160-TB/TW ({len(source):,} bytes), "
          f"copy PDF {len(signed):,} bytes\n")
    print("| operation | ops/s | median ms | ratio to raw ECDSA sign |\n|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row['name']} | {row['per_second']:,.1f} | {row['median_ms']:.1f} "
              f"| {row['ratio']:.5f} |")
    print(f"| baseline: raw ECDSA P-256 sign | {raw_rate:,.0f} | {raw_ms:.3f} | 1 |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
