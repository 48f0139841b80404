# mypy: disable-error-code="no-untyped-call"
# (pyHanko's pdf_utils.generic constructors and writer methods carry no annotations.)
"""Compose a certified copy: the source's pages (all, or some for trích sao) + the copy block page.

Each kept source page becomes a form XObject drawn on a fresh page of the same size, so its
content is kept byte-for-byte (decoded) with its resources. Annotations are not carried over:
their normal appearances (/AP /N) are painted into the page at their /Rect instead, so the
parent's visible signature stamp stays readable on a copy of a copy, while the parent's
signature fields, /AcroForm and signature values are left out (the new file is signed afresh;
the parent's signed file travels as an attachment added by the signing library).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

#: Annotation flags (PDF 32000-1, 12.5.3): 2 = Hidden, 32 = NoView.
_HIDDEN_FLAGS = 2 | 32


@dataclass
class _PageParts:
    """What is taken from one source page, to import into the writer in one pass."""

    media_box: list[float]
    crop_box: list[float] | None
    rotate: int
    content: bytes
    resources: generic.PdfObject
    #: (appearance stream, annotation /Rect) for every painted annotation.
    appearances: list[tuple[generic.PdfObject, list[float]]]


def _open(data: bytes, what: str) -> PdfFileReader:
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise ValueError(f"{what} is not a PDF (no %PDF- header)")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"{what} is not a readable PDF: {exc}") from exc
    if reader.encrypted:
        raise ValueError(f"{what} is encrypted; decrypt it before making a copy")
    try:
        count = _page_count(reader)
    except (PdfError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{what} has no readable page tree: {exc}") from exc
    if count == 0:
        raise ValueError(f"{what} has zero pages")
    return reader


def _inherited(page: generic.DictionaryObject, key: str) -> generic.PdfObject | None:
    node: generic.PdfObject | None = page
    while isinstance(node, generic.DictionaryObject):
        if key in node:
            found: generic.PdfObject = node[key]
            return found
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _box(value: generic.PdfObject | None) -> list[float] | None:
    if value is None:
        return None
    return [float(v) for v in value.get_object()]


def _page_content(page: generic.DictionaryObject) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = contents if isinstance(contents, generic.ArrayObject) else [contents]
    # Separate the parts: a content array may split mid-line, never mid-token.
    return b"\n".join(s.get_object().data for s in streams)


def _normal_appearance(annot: generic.DictionaryObject) -> generic.PdfObject | None:
    ap = annot.get("/AP")
    if ap is None:
        return None
    normal = ap.get_object().get("/N")
    if normal is None:
        return None
    resolved = normal.get_object()
    if isinstance(resolved, generic.StreamObject):
        stream_ref: generic.PdfObject = normal
        return stream_ref
    if isinstance(resolved, generic.DictionaryObject):
        # A state dictionary (check boxes): pick the state named by /AS.
        state = annot.get("/AS")
        if state is not None and state in resolved:
            chosen = resolved.raw_get(state)
            if isinstance(chosen.get_object(), generic.StreamObject):
                chosen_ref: generic.PdfObject = chosen
                return chosen_ref
    return None


def _appearances(page: generic.DictionaryObject) -> list[tuple[generic.PdfObject, list[float]]]:
    found: list[tuple[generic.PdfObject, list[float]]] = []
    annots = page.get("/Annots")
    if annots is None:
        return found
    for ref in annots.get_object():
        annot = ref.get_object()
        if not isinstance(annot, generic.DictionaryObject):
            continue
        if annot.get("/Subtype") == "/Popup" or int(annot.get("/F", 0)) & _HIDDEN_FLAGS:
            continue
        rect = _box(annot.get("/Rect"))
        normal = _normal_appearance(annot)
        if normal is None or rect is None:
            continue
        x1, y1, x2, y2 = rect
        rect = [min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)]
        if rect[2] - rect[0] <= 0 or rect[3] - rect[1] <= 0:
            continue  # invisible signature fields have an empty /Rect
        found.append((normal, rect))
    return found


def _collect(reader: PdfFileReader, index: int) -> _PageParts:
    page_ref, _ = reader.find_page_for_modification(index)
    page_obj = page_ref.get_object()
    media_box = _box(_inherited(page_obj, "/MediaBox")) or [0.0, 0.0, 595.28, 841.89]
    resources = _inherited(page_obj, "/Resources")
    rotate = _inherited(page_obj, "/Rotate")
    return _PageParts(
        media_box=media_box,
        crop_box=_box(_inherited(page_obj, "/CropBox")),
        rotate=int(rotate) if rotate is not None else 0,  # type: ignore[call-overload]
        content=_page_content(page_obj),
        resources=resources if resources is not None else generic.DictionaryObject(),
        appearances=_appearances(page_obj),
    )


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _appearance_matrix(form: generic.StreamObject, rect: list[float]) -> str:
    """The cm operands mapping the form's transformed /BBox onto /Rect (PDF 32000-1, 12.5.5)."""
    bbox = [float(v) for v in form.get("/BBox", generic.ArrayObject([0, 0, 1, 1]))]
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [(bbox[0], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[1]), (bbox[2], bbox[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    sx = (rect[2] - rect[0]) / width if width else 1.0
    sy = (rect[3] - rect[1]) / height if height else 1.0
    tx = rect[0] - sx * min(xs)
    ty = rect[1] - sy * min(ys)
    return " ".join(_num(v) for v in (sx, 0.0, 0.0, sy, tx, ty))


def _form(content: bytes, resources: generic.PdfObject, bbox: list[float]) -> generic.StreamObject:
    form = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(generic.FloatObject(v) for v in bbox),
            pdf_name("/Resources"): resources,
        },
        stream_data=content,
    )
    form.compress()
    return form


def _import_all(writer: PdfFileWriter, reader: PdfFileReader, parts: list[_PageParts]) -> None:
    """Import every needed object with one importer, so shared fonts are copied once."""
    bundle = generic.ArrayObject()
    for part in parts:
        bundle.append(part.resources)
        bundle.extend(ap for ap, _ in part.appearances)
    bundle.container_ref = generic.TrailerReference(reader)
    imported = writer.import_object(bundle)
    assert isinstance(imported, generic.ArrayObject)
    position = 0
    for part in parts:
        part.resources = imported[position]
        position += 1
        part.appearances = [
            (imported.raw_get(position + n), rect) for n, (_, rect) in enumerate(part.appearances)
        ]
        position += len(part.appearances)


def _add_page(writer: PdfFileWriter, *layers: _PageParts) -> None:
    """One page drawing each layer's content (and painted annotations) in turn, on the first
    layer's page geometry: a source page, or the last one with the copy block over it."""
    xobjects = generic.DictionaryObject()
    ops = []
    for layer, part in enumerate(layers):
        page_form = writer.add_object(_form(part.content, part.resources, part.media_box))
        xobjects[pdf_name(f"/P{layer}")] = page_form
        ops.append(f"q /P{layer} Do Q")
        for n, (appearance, rect) in enumerate(part.appearances):
            name = f"/A{layer}_{n}" if layer else f"/A{n}"
            form = appearance.get_object()
            assert isinstance(form, generic.StreamObject)
            # Some writers omit /Subtype on appearance streams; Do needs a form XObject.
            form[pdf_name("/Type")] = pdf_name("/XObject")
            form[pdf_name("/Subtype")] = pdf_name("/Form")
            xobjects[pdf_name(name)] = appearance
            ops.append(f"q {_appearance_matrix(form, rect)} cm {name} Do Q")
    first = layers[0]
    content = generic.StreamObject(stream_data="\n".join(ops).encode("ascii"))
    content.compress()
    resources = generic.DictionaryObject({pdf_name("/XObject"): xobjects})
    page = PageObject(writer.add_object(content), first.media_box, resources)
    if first.crop_box is not None:
        page[pdf_name("/CropBox")] = generic.ArrayObject(
            generic.FloatObject(v) for v in first.crop_box
        )
    if first.rotate % 360:
        page[pdf_name("/Rotate")] = generic.NumberObject(first.rotate % 360)
    writer.insert_page(page)


def _selected(total: int, pages: list[int] | None) -> list[int]:
    """0-based indices of the kept pages, in source order."""
    if pages is None:
        return list(range(total))
    if not pages:
        raise ValueError("pages is empty: give at least one page to extract (trích sao)")
    seen: set[int] = set()
    for page in pages:
        if isinstance(page, bool) or not isinstance(page, int):
            raise ValueError(f"page {page!r} is not a page number (1-based integers)")
        if not 1 <= page <= total:
            raise ValueError(f"page {page} does not exist: the source has pages 1 to {total}")
        if page in seen:
            raise ValueError(f"page {page} is listed twice")
        seen.add(page)
    return [p - 1 for p in sorted(seen)]


def compose_copy(source_pdf: bytes, copy_page_pdf: bytes, pages: list[int] | None = None,
                 *, block_on_last_page: bool = False) -> bytes:
    """The source's pages (all, or the 1-based `pages` for a trích sao) + the copy block's
    pages; with `block_on_last_page`, the block's first page is drawn over the last kept page
    (the block was rendered under that page's last text)."""
    source = _open(source_pdf, "the source document")
    block = _open(copy_page_pdf, "the copy block page")
    source_parts = [_collect(source, i) for i in _selected(_page_count(source), pages)]
    block_parts = [_collect(block, i) for i in range(_page_count(block))]

    writer = PdfFileWriter(stream_xrefs=False)
    _import_all(writer, source, source_parts)
    _import_all(writer, block, block_parts)
    if block_on_last_page:
        for part in source_parts[:-1]:
            _add_page(writer, part)
        _add_page(writer, source_parts[-1], block_parts[0])
        rest = block_parts[1:]
    else:
        rest = source_parts + block_parts
    for part in rest:
        _add_page(writer, part)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])
