"""Reading an uploaded file, the one way every route does it.

The readers are plain functions: a route that takes an upload is a plain ``def`` (FastAPI runs
it in the threadpool), so reading the spooled file, checking the PDF (pyHanko parses it) and the
service's transaction (which may wait for a busy SQLite) never hold up the event loop. A route
that must stay ``async`` (it reads the form itself) calls them through ``run_in_threadpool``.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile

from app.context import AppContext
from app.errors import PayloadTooLarge
from app.services.uploads import CheckedPdf, check_pdf


def _take(upload: UploadFile, limit: int) -> bytes:
    """At most ``limit + 1`` bytes: enough to tell an upload over the limit, never more."""
    return upload.file.read(limit + 1)


def read_bytes(upload: UploadFile, limit: int, field: str = "file") -> bytes:
    """The upload's bytes; over ``limit`` it is a 413 naming ``field``."""
    data = _take(upload, limit)
    if len(data) > limit:
        raise PayloadTooLarge(f"the {field} is larger than {limit} bytes", field=field)
    return data


def read_pdf(ctx: AppContext, upload: UploadFile, field: str = "file") -> CheckedPdf:
    """The upload as a checked PDF: 413 over ``settings.max_upload_bytes``, 415 if it is not a
    readable PDF (``app.services.uploads.check_pdf``)."""
    limit = ctx.settings.max_upload_bytes
    return check_pdf(_take(upload, limit), limit, upload.filename, field=field)
