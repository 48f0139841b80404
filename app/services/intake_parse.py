"""Intake, reading: a received document's text (or a PDF's text layer) into a proposal, with the
organisation the register holds for its issuer. Nothing is stored; confirming the proposal is
:func:`app.services.intake.confirm`."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from app.context import AppContext
from app.db import Organisation
from app.domain.intake import Proposal, parse_text
from app.domain.intake.model import JSON
from app.errors import Invalid
from app.services.intake import DECLARED, MAX_TEXT
from app.services.intake_issuer import match_issuer
from app.services.uploads import CheckedPdf

#: Pages of a PDF whose text layer is read.
MAX_PDF_PAGES = 300


@dataclass
class Parsed:
    """A proposal with what the register knows about it (the issuer, if it holds it)."""

    proposal: Proposal
    source: str  # "text" | "pdf"
    issuer_match: Organisation | None
    pages: int | None = None

    def to_dict(self) -> JSON:
        """The proposal's keys at the top level (so it can be posted back as it is), plus
        ``issuer_match`` and ``source``."""
        data = proposal_dict(self.proposal)
        org = self.issuer_match
        data["issuer_match"] = None if org is None else {
            "code": org.code, "name": org.name, "family": org.family, "external": org.external}
        data["source"] = {"kind": self.source, "pages": self.pages}
        return data


def proposal_dict(proposal: Proposal) -> JSON:
    """``Proposal.to_dict()`` with every signature box marked declared, and ``declared`` saying
    what that means (the JSON of ``POST /intake/parse`` and ``vanthu intake --json``)."""
    data = proposal.to_dict()
    data["declared"] = DECLARED
    for block in data["copies"]:
        if block["signature"] is not None:
            block["signature"]["status"] = DECLARED
    if data["signature"] is not None:
        data["signature"]["status"] = DECLARED
    return data


def pdf_text(pdf: CheckedPdf) -> str:
    """The PDF's text layer; a scan without one is a 422 that says so."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(pdf.data), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except Exception as exc:  # a PDF check_pdf accepted but pypdf cannot read: no text layer
        raise Invalid(f"the PDF's text could not be read ({type(exc).__name__}); post the text "
                      "instead", field="file") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise Invalid(f"the PDF has no text layer ({pdf.page_count} page(s) of images, a scan): "
                      "run OCR on it and post the text as {\"text\": ...}", field="file")
    return text


def parse(ctx: AppContext, text: str, *, source: str = "text",
          pages: int | None = None) -> Parsed:
    if not text.strip():
        raise Invalid("the text is empty", field="text")
    if len(text) > MAX_TEXT:
        raise Invalid(f"the text has {len(text)} characters; at most {MAX_TEXT} are read",
                      field="text")
    proposal = parse_text(text)
    with ctx.reading() as s:
        match = match_issuer(s, proposal.issuer, proposal.issuer_parent)
    return Parsed(proposal=proposal, source=source, issuer_match=match, pages=pages)


def parse_pdf(ctx: AppContext, pdf: CheckedPdf) -> Parsed:
    return parse(ctx, pdf_text(pdf), source="pdf", pages=pdf.page_count)


