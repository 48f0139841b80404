"""Read a PDF once, within bounds: its signatures and its attached files.

Every later step (signature validation, the chain walk, the report) works from the `PdfFile`
read here, so a file is parsed once however many steps look at it. With `Limits` the read is
bounded (size, revisions, objects, signatures) before any signature is checked; pyHanko's own
decode limits bound decompression. A file that is not a PDF, is damaged or is too complex
raises `InputProblem`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, Literal

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfDecodeLimitError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

ProblemKind = Literal["not-pdf", "damaged", "too-complex"]
MiB = 1024 * 1024
#: How deep a chain (copy of a copy of …) or an attachment tree may go.
MAX_DEPTH = 16


class InputProblem(ValueError):
    """The input cannot be verified at all: not a PDF, damaged/truncated, or too complex."""

    def __init__(self, kind: ProblemKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one verification may do (the file and all PDFs attached inside it)."""

    max_bytes: int = 256 * MiB  # the file plus every attached file, together
    max_depth: int = MAX_DEPTH  # attachment nesting (copy of a copy of …)
    max_pdfs: int = 64  # PDFs in the whole tree
    max_revisions: int = 64  # incremental updates per PDF
    max_objects: int = 200_000  # objects per PDF
    max_signatures: int = 32  # signatures per PDF


@dataclass(frozen=True)
class Attachment:
    """An embedded file (tệp đính kèm); a parent signed PDF in a copy chain."""

    name: str
    description: str | None
    data: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_pdf(self) -> bool:
        return self.data.startswith(b"%PDF-")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "sha256": self.sha256,
                "size": len(self.data), "is_pdf": self.is_pdf}


@dataclass(frozen=True)
class PdfFile:
    """One PDF as read: its signatures and attachments, or why it could not be read."""

    sha256: str
    data: bytes = field(repr=False)
    signatures: tuple[EmbeddedPdfSignature, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    #: Why the file cannot be read at all (its signatures are then not checked).
    error: str | None = None
    #: An attachment that does not decode: not fatal, the signature checks say what is wrong.
    damage: tuple[str, ...] = ()


def sniff_pdf(data: bytes) -> None:
    """Raise `InputProblem('not-pdf')` unless `data` starts like a PDF."""
    if not data:
        raise InputProblem("not-pdf", "the file is empty")
    if data.lstrip(b"\r\n\t \x00")[:5] != b"%PDF-":
        raise InputProblem("not-pdf", "the file is not a PDF (it does not start with %PDF-)")


def _text(obj: Any) -> str | None:
    return None if obj is None else str(obj)


def list_attachments(reader: PdfFileReader) -> list[Attachment]:
    """Files in the document's /EmbeddedFiles name tree (flat or with /Kids)."""
    try:
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return []
    found: list[Attachment] = []

    def walk(node: generic.DictionaryObject, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        names = node.get("/Names")
        if names is not None:
            for spec_ref in list(names.get_object())[1::2]:
                spec = spec_ref.get_object()
                try:
                    stream = spec["/EF"]["/F"].get_object()
                except KeyError:
                    continue
                name = _text(spec.get("/UF")) or _text(spec.get("/F")) or "attachment"
                found.append(Attachment(name, _text(spec.get("/Desc")), stream.data))
        kids = node.get("/Kids")
        for kid in kids.get_object() if kids is not None else []:
            walk(kid.get_object(), depth + 1)

    walk(tree.get_object(), 0)
    return found


def problem_from(exc: BaseException, what: str) -> InputProblem:
    if isinstance(exc, InputProblem):
        return exc
    if isinstance(exc, PdfDecodeLimitError | RecursionError | MemoryError):
        return InputProblem(
            "too-complex", f"{what} is too complex to check safely: {type(exc).__name__}: {exc}"
        )
    text = str(exc) or type(exc).__name__
    return InputProblem("damaged", f"{what} is damaged or truncated: {text}"[:500])


def _check_bounds(reader: PdfFileReader, lim: Limits, what: str) -> None:
    revisions = reader.xrefs.total_revisions
    if revisions > lim.max_revisions:
        raise InputProblem(
            "too-complex", f"{what} has {revisions} revisions; at most {lim.max_revisions}"
        )
    objects = sum(len(reader.xrefs.explicit_refs_in_revision(r)) for r in range(revisions))
    if objects > lim.max_objects:
        raise InputProblem("too-complex", f"{what} has {objects} objects; at most {lim.max_objects}")
    _ = reader.root["/Pages"]  # the catalog must parse


def read_pdf(data: bytes, limits: Limits, what: str = "the file") -> PdfFile:
    """Read `data` within `limits`; `InputProblem` when it is not a PDF, damaged or too big."""
    sniff_pdf(data)
    digest = hashlib.sha256(data).hexdigest()
    if b"%%EOF" not in data[-2048:]:
        raise InputProblem("damaged", f"{what} is truncated: it does not end with %%EOF")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        _check_bounds(reader, limits, what)
        embedded = tuple(reader.embedded_signatures)
        if len(embedded) > limits.max_signatures:
            raise InputProblem(
                "too-complex",
                f"{what} has {len(embedded)} signatures; at most {limits.max_signatures}",
            )
    except Exception as exc:  # pyHanko raises many kinds on a damaged file
        raise problem_from(exc, what) from exc
    try:
        attachments = tuple(list_attachments(reader))
    except Exception as exc:
        problem = problem_from(exc, f"an attachment of {what}")
        if problem.kind == "too-complex":
            raise problem from exc
        # A damaged attached file (a changed byte in its compressed data) is the signatures'
        # business: the file still reads, and the checks say what is wrong.
        return PdfFile(digest, data, embedded, (), None, (problem.message,))
    return PdfFile(digest, data, embedded, attachments)


def open_pdf(data: bytes) -> PdfFile:
    """Read `data` without bounds, never raising: a file that does not read carries its
    `error` (for a caller that checks a file it made or already bounded)."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = tuple(reader.embedded_signatures)
        attachments = tuple(list_attachments(reader))
    except Exception as exc:  # any parse failure means the file itself is damaged
        return PdfFile(digest, data, error=f"the file cannot be read as a PDF: {exc}")
    return PdfFile(digest, data, embedded, attachments)
