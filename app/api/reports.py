"""A verification as the API answers it: JSON, or the auditor's PDF report (POST /verify and
GET /copies/{id}/verification)."""

from __future__ import annotations

from typing import Literal

from fastapi.responses import Response

from app.api.deps import Ctx
from app.api.schemas.verification import VerificationOut
from app.render.verification_report import render_verification_report
from app.services import verification


def report_response(ctx: Ctx, result: verification.Verification,
                    format_: Literal["json", "pdf"]) -> Response:
    """The verification as JSON, or as the auditor's PDF report (also used by /copies)."""
    if format_ == "pdf":
        data = verification.build_report_data(result.report, result.matches,
                                              subject=result.subject, generated_at=ctx.clock(),
                                              revocations=result.revocations)
        return Response(render_verification_report(data), media_type="application/pdf",
                        headers={"Content-Disposition":
                                 f'attachment; filename="verification-{result.report.sha256[:16]}'
                                 '.pdf"'})
    body = VerificationOut.model_validate(result.to_dict())
    return Response(body.model_dump_json(), media_type="application/json")
