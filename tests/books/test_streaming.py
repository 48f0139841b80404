"""A 10,000-line register streams: bounded memory whatever the number of rows; PDF checked whole."""

from __future__ import annotations

import gc
import io
import tracemalloc
from typing import Any

from app.domain.numbering import RegisterKind
from app.render.register_csv import write_register_csv
from app.services import register_books, tokens
from app.services.register_book_queries import BookQuery
from tests.books.conftest import bulk_arrivals, read_csv, register
from tests.factories import seed_arrival_body, set_clock
from tests.render.conftest import Poppler, squash

#: Peak Python allocations allowed for exporting a register as CSV, whatever its length. A list
#: of 10,000 rows alone would take more (about 10 MB for these rows).
PEAK_BOUND = 4 * 1024 * 1024


class Sink:
    """A write-only stream that keeps only the length (so the output costs no memory)."""

    def __init__(self) -> None:
        self.size = 0
        self.lines = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.lines += chunk.count(b"\n")


def csv_export_peak(ctx: Any, who: Any, year: int) -> tuple[int, Sink]:
    gc.collect()
    tracemalloc.start()
    try:
        book = register_books.open_book(ctx, who, "VPTU",
                                        BookQuery(RegisterKind.ARRIVAL, year=year))
        sink = Sink()
        for chunk in register_books.csv_chunks(book):
            sink.write(chunk)
        return tracemalloc.get_traced_memory()[1], sink
    finally:
        tracemalloc.stop()


def test_csv_export_memory_does_not_grow_with_rows(ctx: Any, world: Any) -> None:
    bulk_arrivals(ctx, "VPTU", 2019, 2_000)
    bulk_arrivals(ctx, "VPTU", 2020, 10_000)
    who = tokens.authenticate(ctx, world.tokens["clerk_vptu"])
    csv_export_peak(ctx, who, 2019)  # warm caches (compiled SQL, type names, fonts)
    small, small_out = csv_export_peak(ctx, who, 2019)
    large, large_out = csv_export_peak(ctx, who, 2020)
    print(f"CSV export peak: {small / 1e6:.2f} MB for 2,000 rows, {large / 1e6:.2f} MB for 10,000")
    assert (small_out.lines, large_out.lines) == (2_001, 10_001)
    assert large_out.size > 4.5 * small_out.size
    # five times the rows, (nearly) the same peak: the rows are never all in memory
    assert large < PEAK_BOUND, f"peak {large / 1e6:.1f} MB for 10,000 rows"
    assert large < small * 1.25 + 256 * 1024, (small, large)


def test_streamed_csv_is_the_reference_writer_byte_for_byte(client: Any, ctx: Any,
                                                           world: Any) -> None:
    bulk_arrivals(ctx, "VPTU", 2020, 1_200)
    body = seed_arrival_body(received_at="2020-12-31T20:00:00+07:00")
    set_clock(ctx, "2020-12-31T20:05:00+07:00")
    register(client, world, "clerk_vptu", "VPTU", body)  # number 1201, last day of the year
    who = tokens.authenticate(ctx, world.tokens["clerk_vptu"])
    book = register_books.open_book(ctx, who, "VPTU", BookQuery(RegisterKind.ARRIVAL, year=2020))
    reference = io.BytesIO()
    assert write_register_csv(book.meta, book.rows(), reference) == book.count == 1_201
    chunks = list(register_books.csv_chunks(book, chunk_bytes=16 * 1024))
    assert len(chunks) > 5
    assert b"".join(chunks) == reference.getvalue()
    assert book.meta.number_from == 1 and book.meta.number_to == 1_201
    r = client.get("/orgs/VPTU/registers/arrival/book?year=2020&format=csv",
                   headers=world.auth("clerk_vptu"))
    assert r.content == reference.getvalue()
    assert read_csv(r.content)[-1][:2] == ["31/12/2020", "1201"]


def test_ten_thousand_line_register_as_pdf(client: Any, ctx: Any, world: Any,
                                           poppler: Poppler) -> None:
    bulk_arrivals(ctx, "VPTU", 2020, 10_000)
    r = client.get("/orgs/VPTU/registers/arrival/book?year=2020&format=pdf",
                   headers=world.auth("clerk_vptu"))
    assert r.status_code == 200, r.text
    pages = int(r.headers["x-register-pages"])
    assert pages > 200
    assert poppler.page_count(r.content) == pages
    assert int(r.headers["content-length"]) == len(r.content)
    texts = poppler.pages_text(r.content)
    assert len(texts) == pages
    for number, page in enumerate(texts, start=1):
        flat = squash(page)
        assert f"Trang {number}/{pages}" in flat, number
        assert "Số đến" in flat and "(10)" in flat, number
    first = squash(texts[0])
    assert "Từ số 1 đến số 10000" in first and "Năm: 2020" in first
    everything = squash("".join(texts))
    assert everything.count("-CV/TW") == 10_000
    assert "10000-CV/TW" in squash(texts[-1])
