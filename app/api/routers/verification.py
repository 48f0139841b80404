"""POST /verify: verify a signed PDF someone received, against our trust roots and the register."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response

from app.api.deps import Caller, Ctx
from app.api.reports import report_response
from app.api.schemas.verification import VerificationOut
from app.api.uploads import read_bytes
from app.services import verification

router = APIRouter(tags=["verification"])


@router.post(
    "/verify", response_model=VerificationOut,
    summary="Verify a signed PDF (multipart: file, optional manifest); ?format=pdf for a report",
    responses={200: {"content": {"application/pdf": {}}},
               413: {"description": "the upload is larger than the limit"},
               415: {"description": "the file is not a PDF"},
               422: {"description": "a damaged or truncated PDF, a PDF too complex to check "
                                    "(PDF bomb), or a manifest that is not a signed envelope"}},
)
def verify_upload(
    ctx: Ctx, who: Caller,
    file: Annotated[UploadFile, File(description="the PDF to verify")],
    manifest: Annotated[UploadFile | None, File(
        description="its signed manifest (*.manifest.json), if it came separately")] = None,
    format_: Annotated[Literal["json", "pdf"], Query(alias="format")] = "json",
) -> Response:
    """Upload a signed PDF (and, if held, its manifest): the chain it declares is checked as for a
    copy in the system. JSON by default, `format=pdf` for a report."""
    pdf = read_bytes(file, ctx.settings.max_upload_bytes, "file")
    envelope = (read_bytes(manifest, verification.MAX_MANIFEST_BYTES, "manifest")
                if manifest is not None else None)
    result = verification.verify_upload(ctx, pdf, envelope, filename=file.filename,
                                        levels=who.visible_levels())
    return report_response(ctx, result, format_)
