"""The archive export of a copy (PAdES B-LTA): its signed PDF with every signature's validation
data and a document timestamp from the configured TSA, so that it still verifies after the
certificates expire (signing.archive_pdf).

The archive is made on request and handed out: it is not stored, is no new copy and takes no
number; the register's copy stays the signed PDF it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.context import AppContext
from app.errors import Conflict, Unavailable
from app.services import copies
from app.services.access import Principal
from signing import ArchivedPdf, ArchiveError, archive_pdf


@dataclass(frozen=True)
class CopyArchive:
    notation: str
    archived: ArchivedPdf

    @property
    def filename(self) -> str:
        return f"{self.notation.replace('/', '_')}.lta.pdf"


def archive(ctx: AppContext, copy_id: int, who: Principal | None = None) -> CopyArchive:
    """The archive of copy `copy_id`; with `who`, only for those who may read the copy (the
    offline CLI passes none). 409 without a TSA, 503 when the TSA gives no timestamp."""
    copy = copies.get(ctx, who, copy_id) if who is not None else copies.written(ctx, copy_id)
    url = ctx.settings.tsa_url
    if not url:
        raise Conflict("an archive copy (PAdES B-LTA) needs a timestamp authority: set "
                       "VANTHU_TSA_URL", field="tsa_url")
    try:
        archived = archive_pdf(ctx.store.get(copy.pdf_sha256), ctx.keys.trust_store(), url)
    except ArchiveError as exc:
        raise Unavailable(f"the archive of {copy.notation} cannot be made: {exc}") from exc
    return CopyArchive(copy.notation, archived)
