"""One search box over the registers: notation, title, issuer and the text of attached PDFs.

Ranked by the engine (SQLite FTS5 bm25, fields weighted above file text; PostgreSQL ts_rank with
weights A/D), filtered, paged by a keyset on (score, document id). A caller finds only documents
that have an entry (arrival, dispatch or copy) in a register they may read, within their clearance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import Select

from app.context import AppContext
from app.db import Arrival, CertifiedCopy, Dispatch, Document, Organisation
from app.db.filters import Equals, Since, StatementFilter, Until, VisibleTo, Where, apply
from app.domain.search_text import fts5_query, tsquery
from app.errors import Invalid
from app.services.access import Principal, readable_org_ids

REGISTERS = ("arrival", "dispatch", "copy")


@dataclass
class SearchFilter:
    text: str | None = None
    type_code: str | None = None
    issuer_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    register: str | None = None  # arrival | dispatch | copy
    status: str | None = None  # arrival handling status
    confidentiality: str | None = None
    org_code: str | None = None  # only this office's registers (auditors: one of theirs)


@dataclass
class Entry:
    """Where the document stands in a register the caller may read."""

    register: str
    id: int
    org_code: str
    number: int
    notation: str | None  # a copy's own notation
    status: str | None
    on: date


@dataclass
class Hit:
    document: Document
    score: float
    entries: list[Entry] = field(default_factory=list)


def _hits(session: Session, query: str) -> Select[tuple[int, float]] | None:
    """(document_id, score) of matching documents; lower score ranks first."""
    if session.get_bind().dialect.name == "postgresql":
        expression = tsquery(query)
        if expression is None:
            return None
        # float8, not ts_rank's float4: the keyset compares the score the client sends back.
        raw = text("SELECT document_id, "
                   "-CAST(ts_rank(tsv, to_tsquery('simple', :q)) AS double precision) AS score "
                   "FROM search_documents WHERE tsv @@ to_tsquery('simple', :q)")
    else:
        expression = fts5_query(query)
        if expression is None:
            return None
        raw = text("SELECT rowid AS document_id, bm25(search_fts, 10.0, 1.0) AS score "
                   "FROM search_fts WHERE search_fts MATCH :q")
    # Materialised: the engine runs the full-text match once, then joins; otherwise SQLite may
    # flatten it and re-run the match for every document row (seconds instead of milliseconds).
    hits = raw.bindparams(q=expression).columns(document_id=Integer, score=Float).cte("hits")
    hits = hits.prefix_with("MATERIALIZED")
    return select(hits.c.document_id, hits.c.score)


#: Score of a document found by its entry's number (số đến, số đi, a copy's number): ranked
#: above every text match (bm25 and the negated ts_rank are both above -1).
NUMBER_SCORE = -1.0e9


def _number_hits(query: str, orgs: set[int]) -> Select[tuple[int, float]] | None:
    """(document_id, score) of documents with an entry numbered `query` in a register of
    `orgs`, when the query is a bare number: a clerk finds an arrival by its số đến ("565")."""
    raw = query.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    number, score = int(raw), literal(NUMBER_SCORE, Float).label("score")
    numbered = union_all(
        select(Arrival.document_id.label("document_id"), score)
        .where(Arrival.arrival_number == number, Arrival.organisation_id.in_(orgs)),
        select(Dispatch.document_id, score)
        .where(Dispatch.number == number, Dispatch.organisation_id.in_(orgs)),
        select(CertifiedCopy.document_id, score)
        .where(CertifiedCopy.number == number, CertifiedCopy.organisation_id.in_(orgs))
    ).subquery("numbered")
    return select(numbered.c.document_id, numbered.c.score)


def _matches(session: Session, query: str, orgs: set[int]) -> Select[tuple[int, float]] | None:
    """Text matches and, for a bare number, entries of that number: one row per document, its
    best score."""
    text_hits, number_hits = _hits(session, query), _number_hits(query, orgs)
    if number_hits is None:
        return text_hits
    both = (number_hits if text_hits is None else union_all(text_hits, number_hits)).subquery("m")
    return select(both.c.document_id, func.min(both.c.score).label("score")).group_by(
        both.c.document_id)


def _in_registers(flt: SearchFilter, orgs: set[int]) -> ColumnElement[bool]:
    """The document is in a register of `orgs`: the one asked for (the incoming one when the
    filter is a status), else any of the three."""
    arrival_ok = [Arrival.document_id == Document.id, Arrival.organisation_id.in_(orgs)]
    if flt.status is not None:
        arrival_ok.append(Arrival.status == flt.status)
    in_register = {
        "arrival": exists().where(*arrival_ok),
        "dispatch": exists().where(Dispatch.document_id == Document.id,
                                   Dispatch.organisation_id.in_(orgs)),
        "copy": exists().where(CertifiedCopy.document_id == Document.id,
                               CertifiedCopy.organisation_id.in_(orgs)),
    }
    if flt.register is not None:
        return in_register[flt.register]
    if flt.status is not None:
        return in_register["arrival"]
    return or_(*in_register.values())


def _document_filters(flt: SearchFilter, who: Principal) -> tuple[StatementFilter | None, ...]:
    """The caller's clearance, then the filter's confidentiality, type, issuer and dates."""
    issuer = None if not flt.issuer_code else Where(
        Document.issuer.has(Organisation.code == flt.issuer_code))
    return (VisibleTo(who.visible_levels()), Equals(Document.confidentiality, flt.confidentiality),
            Equals(Document.type_code, flt.type_code), issuer,
            Since(Document.issued_on, flt.date_from), Until(Document.issued_on, flt.date_to))


def search(ctx: AppContext, who: Principal, flt: SearchFilter, *,
           after: tuple[float, int] | None = None,
           limit: int = 20) -> tuple[list[Hit], tuple[float, int] | None]:
    if flt.register is not None and flt.register not in REGISTERS:
        raise Invalid(f"register is one of {', '.join(REGISTERS)}", field="register")
    if flt.status is not None and flt.register not in (None, "arrival"):
        raise Invalid("status filters the incoming register only", field="status")
    if flt.confidentiality is not None and flt.confidentiality not in who.visible_levels():
        return [], None  # nothing at a level above the caller's clearance, not even a count
    with ctx.reading() as s:
        orgs = readable_org_ids(s, who)
        if flt.org_code is not None:
            org_id = s.scalar(select(Organisation.id).where(Organisation.code == flt.org_code))
            orgs = orgs & ({org_id} if org_id is not None else set())
        hits = _matches(s, flt.text, orgs) if flt.text and flt.text.strip() else None
        if flt.text and flt.text.strip() and hits is None:
            raise Invalid("the search text has no letters or digits", field="q")
        if hits is not None:
            sub = hits.subquery("h")
            query = select(Document, sub.c.score).join(sub, sub.c.document_id == Document.id)
            score = sub.c.score
        else:
            # No text: every visible document, newest first (score = -id keeps the keyset).
            score = (-Document.id).cast(Float)  # type: ignore[assignment]
            query = select(Document, score.label("score"))
        query = apply(query.where(_in_registers(flt, orgs)), *_document_filters(flt, who))
        if after is not None:
            last_score, last_id = after
            query = query.where(or_(score > literal(last_score),
                                    and_(score == literal(last_score), Document.id > last_id)))
        rows = s.execute(query.options(selectinload(Document.issuer))
                         .order_by(score, Document.id).limit(limit + 1)).all()
        page = [Hit(document=doc, score=float(sc)) for doc, sc in rows[:limit]]
        _attach_entries(s, page, orgs)
        cursor = (page[-1].score, page[-1].document.id) if len(rows) > limit else None
        return page, cursor


def _attach_entries(session: Session, page: list[Hit], orgs: set[int]) -> None:
    ids = [h.document.id for h in page]
    if not ids:
        return
    by_doc: dict[int, list[Entry]] = {i: [] for i in ids}
    codes: dict[int, str] = {oid: code for oid, code in session.execute(
        select(Organisation.id, Organisation.code).where(Organisation.id.in_(orgs)))}
    for a in session.scalars(select(Arrival).where(Arrival.document_id.in_(ids),
                                                   Arrival.organisation_id.in_(orgs))):
        by_doc[a.document_id].append(Entry("arrival", a.id, codes[a.organisation_id],
                                           a.arrival_number, None, a.status, a.received_on))
    for d in session.scalars(select(Dispatch).where(Dispatch.document_id.in_(ids),
                                                    Dispatch.organisation_id.in_(orgs))):
        by_doc[d.document_id].append(Entry("dispatch", d.id, codes[d.organisation_id], d.number,
                                           None, None, d.sent_on or d.created_at.date()))
    for c in session.scalars(select(CertifiedCopy).where(CertifiedCopy.document_id.in_(ids),
                                                         CertifiedCopy.organisation_id.in_(orgs))):
        by_doc[c.document_id].append(Entry("copy", c.id, codes[c.organisation_id], c.number,
                                           c.notation, None, c.copy_date))
    for hit in page:
        hit.entries = by_doc[hit.document.id]
