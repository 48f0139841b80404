"""Put a signed chain into the register directly: the original as a document with its file, each
copy as a certified-copy row with its PDF and manifest envelope in the file store."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.context import AppContext
from app.db import CertifiedCopy, Document, DocumentFile, Organisation
from app.domain.notation import notation_key
from signing.ca import DevCA
from signing.timefmt import parse_iso
from tests.verification.chains import Chain


def trust_ca(ctx: AppContext, *cas: DevCA) -> None:
    """Make the service trust these CAs (its trust folder is configuration)."""
    for i, ca in enumerate(cas):
        ca.write_trust_dir(ctx.keys.trust_dir)
        roots = ctx.keys.trust_dir / "roots"
        (roots / "root.pem").rename(roots / f"root-{i}.pem")
        crls = ctx.keys.trust_dir / "crls"
        for name in ("root", "intermediate"):
            (crls / f"{name}.crl.pem").rename(crls / f"{name}-{i}.crl.pem")
        inter = ctx.keys.trust_dir / "intermediates"
        (inter / "intermediate.pem").rename(inter / f"intermediate-{i}.pem")


def _org(s: Any, code: str) -> Organisation:
    org = s.scalar(select(Organisation).where(Organisation.code == code))
    assert org is not None, code
    return org


def register_original(ctx: AppContext, pdf: bytes, created_by: int) -> int:
    with ctx.unit_of_work() as work:
        s = work.session
        doc = Document(issuer_id=_org(s, "TW").id, number=160, notation="160-TB/TW",
                       notation_key=notation_key("160-TB/TW"), type_code="TB",
                       issued_on=date(2020, 1, 15), title="Thông báo kết luận", created_by=created_by)
        s.add(doc)
        s.flush()
        digest = ctx.store.put(pdf, work.staged)
        s.add(DocumentFile(document_id=doc.id, sha256=digest, size=len(pdf), filename="160.pdf",
                           content_type="application/pdf", created_by=created_by))
        return doc.id


def register_chain(ctx: AppContext, chain: Chain, created_by: int, *,
                   with_original: bool = True) -> list[int]:
    """Rows for every copy of `chain` (ids in chain order); the original's document too."""
    doc_id = register_original(ctx, chain.original, created_by) if with_original else None
    ids: list[int] = []
    with ctx.unit_of_work() as work:
        s = work.session
        if doc_id is None:
            doc_id = register_original(ctx, b"%PDF-1.4 placeholder", created_by)
        parent: CertifiedCopy | None = None
        for depth, (files, notation) in enumerate(zip(chain.copies, chain.notations, strict=True),
                                                  start=1):
            m = files.manifest.manifest
            org = _org(s, m["office"]["code"])
            row = CertifiedCopy(
                organisation_id=org.id, document_id=doc_id,
                parent_copy_id=parent.id if parent else None, depth=depth, kind=m["kind"],
                scope_key="2015-2020", number=int(notation.split("-")[0]), notation=notation,
                notation_key=notation_key(notation), place=m["place"],
                copy_date=date.fromisoformat(m["date"]), signed_at=parse_iso(m["signed_at"]),
                signer_authority=None, signer_title=m["signer"]["title"],
                signer_name=m["signer"]["name"], pages=m["pages"],
                source_sha256=m["source"]["sha256"],
                pdf_sha256=ctx.store.put(files.pdf, work.staged),
                manifest_sha256=files.manifest.sha256,
                envelope_sha256=ctx.store.put(files.manifest.to_json(), work.staged),
                certificate_serial="0", created_by=created_by)
            s.add(row)
            s.flush()
            ids.append(row.id)
            parent = row
    return ids
