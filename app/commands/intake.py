"""`vanthu intake FILE [--json]`: read a received document's text into a registration proposal.

FILE is the text of the document (UTF-8, e.g. OCR output) or a PDF with a text layer. No server
and no database are needed. The proposal is printed for review, each field with the line it was
read from; with ``--json``, as JSON (the keys of ``POST /intake/parse``, null or [] where the text
has nothing). Copy blocks and signature boxes read from text are declared, never verified.

Exit status: 0 the proposal has what registering needs (notation, date of issue, issuer, title);
1 it was printed but lacks some of them (named on stderr); 2 FILE cannot be read (missing, not
UTF-8 text, not a usable PDF, a PDF without a text layer, empty).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INCOMPLETE, EXIT_UNUSABLE = 0, 1, 2
#: What registering a proposal needs (POST /orgs/{code}/intake/confirm refuses it otherwise).
REQUIRED = ("notation", "issued_on", "issuer", "title")
MAX_BYTES = 200 * 1024 * 1024


def _fail(message: str) -> int:
    print(f"vanthu intake: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def read_text(path: Path) -> str:
    """The document's text: a PDF's text layer, or the file as UTF-8 text.

    Raises ``OSError`` (unreadable), ``ValueError`` (not UTF-8) or ``AppError`` (a PDF that is not
    usable or has no text layer)."""
    from app.services.intake_parse import pdf_text
    from app.services.uploads import check_pdf

    data = path.read_bytes()
    if data.lstrip(b"\r\n\t ")[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        return pdf_text(check_pdf(data, MAX_BYTES, path.name))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start}); save the text as UTF-8") from exc


def run(args: argparse.Namespace) -> int:
    from app.domain.intake import parse_text
    from app.errors import AppError
    from app.services.intake_parse import proposal_dict

    path: Path = args.file
    try:
        text = read_text(path)
    except OSError as exc:
        return _fail(f"cannot read {path}: {exc.strerror or exc}")
    except (ValueError, AppError) as exc:
        return _fail(f"{path}: {exc}")
    if not text.strip():
        return _fail(f"{path}: the text is empty")
    proposal = parse_text(text)
    data = proposal_dict(proposal)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(proposal.to_text())
    missing = [key for key in REQUIRED if data[key] in (None, "")]
    if missing:
        print(f"vanthu intake: not read from the text: {', '.join(missing)} (fill in before "
              "registering)", file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK


def register(subparsers: Any) -> None:
    """Add `intake` to the `vanthu` command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "intake",
        help="read a document's text (.txt) or a PDF's text layer into a registration proposal",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the document: .txt (UTF-8) or .pdf")
    p.add_argument("--json", action="store_true", help="print the proposal as JSON")
    p.set_defaults(handler=run)
