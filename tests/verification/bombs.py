"""Hand-built hostile PDFs: decompression bombs, an object-stream bomb, deep nesting, many objects.

Each is small on the wire; checking it without bounds would take gigabytes or recurse without
end. The verifier must answer each with a clear 422.
"""

from __future__ import annotations

import zlib

PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
}
MiB = 1024 * 1024


def deflate_zeros(size: int, filler: bytes = b"\0", head: bytes = b"") -> bytes:
    """zlib data that inflates to `head` + `size` bytes of `filler`, made without holding them."""
    z = zlib.compressobj(9)
    parts = [z.compress(head)]
    chunk = filler * MiB
    for _ in range(size // MiB):
        parts.append(z.compress(chunk))
    parts.append(z.flush())
    return b"".join(parts)


def stream(entries: bytes, data: bytes) -> bytes:
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF with a classic cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def plain() -> bytes:
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", **PAGES})


def attachment_bomb(inflated: int = 300 * MiB) -> bytes:
    """An attached file behind two FlateDecode layers: a few KB that inflate to `inflated`."""
    inner = deflate_zeros(inflated)
    outer = zlib.compress(inner, 9)
    return raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names "
           b"[(bomb.pdf) 4 0 R] >> >> >>",
        **PAGES,
        4: b"<< /Type /Filespec /F (bomb.pdf) /EF << /F 5 0 R >> >>",
        5: stream(b"/Type /EmbeddedFile /Filter [/FlateDecode /FlateDecode]", outer),
    })


def deep_nesting(depth: int = 50_000) -> bytes:
    """The catalog holds an array nested `depth` levels deep."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * depth + b"]" * depth
                       + b" >>", **PAGES})


def many_objects(count: int) -> bytes:
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", **PAGES,
                    **{n: b"null" for n in range(4, count + 4)}})


def object_stream_bomb(padding: int = 200 * MiB) -> bytes:
    """The catalog lives in an object stream padded to `padding` bytes of spaces (cross-reference
    stream, PDF 1.5): reading the catalog inflates it."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    head = b"1 0 "
    data = deflate_zeros(padding, b" ", head + catalog)
    objstm = stream(b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(head), data)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num, body in ((2, PAGES[2]), (3, PAGES[3]), (4, objstm)):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    offsets[5] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff",  # 0: free
            b"\x02" + (4).to_bytes(4, "big") + b"\x00\x00",  # 1: in object stream 4, index 0
            *(b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (2, 3, 4, 5))]
    xref = stream(b"/Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R", b"".join(rows))
    out += b"5 0 obj\n" + xref + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[5]
    return bytes(out)
