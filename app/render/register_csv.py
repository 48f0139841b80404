"""Register books as CSV: UTF-8 with a BOM (so spreadsheet programs read Vietnamese), header =
the column titles (the printed ones, then the CSV-only ones), one line per row as it arrives."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from app.render.register_forms import RegisterKind, RegisterMeta, Row, csv_cells, csv_columns


def csv_chunks(kind: RegisterKind, rows: Iterable[Row], chunk_bytes: int = 64 * 1024
               ) -> Iterator[bytes]:
    """The register as CSV bytes, in pieces of about ``chunk_bytes`` (0: one piece per line),
    written as the rows arrive; the last piece may be empty."""
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(csv_columns(kind))
    for row in rows:
        writer.writerow(csv_cells(kind, row))
        if buffer.tell() >= chunk_bytes:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_register_csv(meta: RegisterMeta, rows: Iterable[Row], out: BinaryIO) -> int:
    """Write the register as CSV to ``out``, line by line; returns the number of data rows."""
    count = 0

    def counted() -> Iterator[Row]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in csv_chunks(meta.kind, counted(), chunk_bytes=0):
        out.write(chunk)
    return count
