"""How low a page's marks reach: where a copy block may start on the copied document's last page.

ND 30 Phụ lục I Phần II II.2.a puts the copy block right after the last text of the copied
document, on the same sheet when it fits. This walks the page's content stream (and the forms it
draws, with their matrices) and returns the lowest point of any text, image or path, in PDF
points from the bottom of the page. Annotations' appearances count too (a parent's visible
signature). Anything not understood counts as reaching the bottom, so a doubtful page never gets
the block drawn over it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ContentStream, DictionaryObject, StreamObject

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: How far below its baseline text reaches (descenders), in em.
DESCENT = 0.3
#: Forms drawn inside forms deeper than this are taken as reaching the bottom.
MAX_DEPTH = 8


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m × n (m applied first), as PDF concatenates matrices."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def _y(m: Matrix, x: float, y: float) -> float:
    return m[1] * x + m[3] * y + m[5]


class _Walker:
    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.lowest = float("inf")

    def mark(self, y: float) -> None:
        self.lowest = min(self.lowest, y)

    def walk(self, content: object, resources: DictionaryObject, ctm: Matrix, depth: int) -> None:
        if depth > MAX_DEPTH:
            self.mark(0.0)
            return
        stack: list[Matrix] = []
        tm = line = IDENTITY
        size = leading = 0.0
        for operands, operator in ContentStream(content, self.reader).operations:
            op = operator.decode("latin-1") if isinstance(operator, bytes) else str(operator)
            args = [float(v) if isinstance(v, int | float) else v for v in operands]
            if op == "q":
                stack.append(ctm)
            elif op == "Q" and stack:
                ctm = stack.pop()
            elif op == "cm":
                ctm = _times(tuple(float(v) for v in args[:6]), ctm)  # type: ignore[arg-type]
            elif op == "BT":
                tm = line = IDENTITY
            elif op == "Tf":
                size = float(args[1])
            elif op == "TL":
                leading = float(args[0])
            elif op in ("Td", "TD"):
                if op == "TD":
                    leading = -float(args[1])
                tm = line = _times((1, 0, 0, 1, float(args[0]), float(args[1])), line)
            elif op == "Tm":
                tm = line = tuple(float(v) for v in args[:6])  # type: ignore[assignment]
            elif op in ("T*", "'", '"'):
                tm = line = _times((1, 0, 0, 1, 0, -leading), line)
                if op != "T*":
                    self.mark(_y(_times(tm, ctm), 0.0, -DESCENT * size))
            elif op in ("Tj", "TJ"):
                self.mark(_y(_times(tm, ctm), 0.0, -DESCENT * size))
            elif op in ("re",):
                x, y, w, h = (float(v) for v in args[:4])
                full = _times(IDENTITY, ctm)
                for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)):
                    self.mark(_y(full, px, py))
            elif op in ("m", "l", "c", "v", "y"):
                values = [float(v) for v in args]
                for px, py in zip(values[0::2], values[1::2], strict=False):
                    self.mark(_y(ctm, px, py))
            elif op == "Do":
                self.draw(resources, str(args[0]), ctm, depth)
            elif op in ("sh", "BI", "INLINE IMAGE"):
                self.mark(0.0)  # a shading or an inline image: take it as filling the page

    def draw(self, resources: DictionaryObject, name: str, ctm: Matrix, depth: int) -> None:
        xobjects = resources.get("/XObject")
        target = None if xobjects is None else xobjects.get_object().get(name)
        obj = None if target is None else target.get_object()
        if not isinstance(obj, StreamObject):
            self.mark(0.0)
            return
        if obj.get("/Subtype") == "/Form":
            matrix = tuple(float(v) for v in obj.get("/Matrix", IDENTITY))
            inner = obj.get("/Resources")
            self.walk(obj, inner.get_object() if inner is not None else resources,
                      _times(matrix, ctm), depth + 1)  # type: ignore[arg-type]
        else:  # an image fills the unit square
            for px, py in ((0, 0), (1, 0), (0, 1), (1, 1)):
                self.mark(_y(ctm, px, py))


def _annotation_bottoms(page: DictionaryObject) -> Iterable[float]:
    annots = page.get("/Annots")
    for ref in [] if annots is None else annots.get_object():
        annot = ref.get_object()
        rect = annot.get("/Rect") if isinstance(annot, DictionaryObject) else None
        if rect is not None and "/AP" in annot:
            y1, y2 = float(rect[1]), float(rect[3])
            if y1 != y2:
                yield min(y1, y2)


#: A4 portrait in points, and how far a page may differ from it to take a copy block.
A4_SIZE = (595.28, 841.89)
SIZE_TOLERANCE = 2.0


def room_below(pdf: bytes, page_index: int) -> float | None:
    """Where the copy block may start on the page: its lowest mark, or None if the page is
    not an upright A4 page (the block's page is A4; another sheet takes the block on its own)."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        page = reader.pages[page_index]
        box = page.mediabox
        size = (float(box.width), float(box.height))
        upright = int(page.get("/Rotate", 0) or 0) % 360 == 0
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    if not upright or float(box.bottom) != 0.0 or float(box.left) != 0.0 or any(
            abs(a - b) > SIZE_TOLERANCE for a, b in zip(size, A4_SIZE, strict=True)):
        return None
    return _lowest(reader, page_index)


def lowest_mark(pdf: bytes, page_index: int) -> float:
    """The lowest y (PDF points from the page's bottom) that the page's content reaches;
    0.0 when the page cannot be read (then nothing may be drawn under its content)."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return 0.0
    return _lowest(reader, page_index)


def _lowest(reader: PdfReader, page_index: int) -> float:
    try:
        page = reader.pages[page_index]
        walker = _Walker(reader)
        resources = page.get("/Resources")
        contents = page.get_contents()
        if contents is not None:
            walker.walk(contents, resources.get_object() if resources is not None
                        else DictionaryObject(), IDENTITY, 0)
        for bottom in _annotation_bottoms(page):
            walker.mark(bottom)
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return 0.0
    return walker.lowest if walker.lowest != float("inf") else float(page.mediabox.top)
