"""Intake: register a confirmed proposal as an arrival in one unit of work, and read back what
it declared. Reading a text into a proposal is :mod:`app.services.intake_parse`; finding or
creating the issuer :mod:`app.services.intake_issuer`.

What the text says about copies and other offices' stamps is stored as *declared* history
(``declared_copies``, ``declared_stamps``): read from text, never cryptographically verified, and
never a row of ``certified_copies`` (the copies this service itself signed). The arrival's số đến
always comes from this office's register; a số đến printed on the text is another register's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.context import AppContext
from app.db import Arrival, DeclaredCopy, DeclaredStamp, Document, Organisation
from app.domain.audit_actions import AuditAction
from app.domain.dates import to_vn
from app.domain.doc_types import Family, lookup_type, type_by_code, type_by_name
from app.domain.intake import CopyBlock, Proposal
from app.domain.text import fold
from app.errors import Invalid
from app.services import arrivals, audit_log, documents
from app.services.access import Principal, readable_org_ids, require_clerk_of
from app.services.intake_issuer import resolve_issuer
from app.services.organisations import get_by_code

#: Shown beside every declared copy, signature and stamp, wherever they appear.
DECLARED = "declared (read from text, not cryptographically verified)"
#: Text accepted for parsing (characters): far above any real document, bounded for the parser.
MAX_TEXT = 400_000


# -- confirming -------------------------------------------------------------------------------


@dataclass
class Choices:
    """What the clerk decided beside the (possibly edited) proposal."""

    #: An organisation already in the system to use as the issuer (else matched by name).
    issuer_code: str | None = None
    #: Create the issuer (external) when it is not in the system: code required, name and family
    #: default to the proposal's.
    create_issuer: bool = False
    issuer_name: str | None = None
    issuer_family: str | None = None
    #: Record the copy blocks read from the text (declared, never verified).
    import_copies: bool = False
    received_at: datetime | None = None
    sender: str | None = None
    routed_to: str | None = None
    deadline: date | None = None
    file_code: str | None = None
    note: str | None = None
    late_reason: str | None = None


@dataclass
class Confirmed:
    arrival: Arrival
    issuer: Organisation
    issuer_created: bool
    document_created: bool
    copies: list[DeclaredCopy]
    stamps: list[DeclaredStamp]
    notes: list[str] = field(default_factory=list)


def _require(value: Any, name: str, what: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid(f"the proposal has no {what}: fill it in before confirming",
                      field=f"proposal.{name}")


def _check(p: Proposal, choices: Choices) -> None:
    _require(p.notation, "notation", "số và ký hiệu (notation)")
    _require(p.issued_on, "issued_on", "date of issue (issued_on)")
    _require(p.title, "title", "trích yếu (title)")
    if not choices.issuer_code:
        _require(p.issuer, "issuer", "issuer (cơ quan ban hành); or give issuer_code")


def _type_code(p: Proposal, family: str) -> str | None:
    """The catalogue code of the proposal's type, for the issuer's family on the issue date."""
    fam, on = Family(family), p.issued_on
    if p.doc_type_code:
        found = (type_by_code(fam, p.doc_type_code, on)
                 or lookup_type(fam, p.doc_type_code, on))
        if found is None:
            raise Invalid(f"unknown document type {p.doc_type_code!r} for a {family} issuer "
                          "(see the type catalogue)", field="proposal.doc_type_code")
        return found.code
    if p.doc_type:
        by_name = type_by_name(fam, p.doc_type, on)
        if by_name is None:
            raise Invalid(f"unknown document type {p.doc_type!r} for a {family} issuer",
                          field="proposal.doc_type")
        return by_name.code
    return None


def _document_input(p: Proposal, type_code: str | None) -> documents.DocumentIn:
    assert p.notation is not None and p.issued_on is not None and p.title is not None
    return documents.DocumentIn(
        notation=p.notation, issued_on=p.issued_on, title=p.title, type_code=type_code,
        place=p.place, signer_authority=p.signer.authority, signer_title=p.signer.title,
        signer_name=p.signer.name, confidentiality=p.confidentiality or "NONE",
        urgency=p.urgency or "THUONG",
        references=[documents.ReferenceIn(notation=r.notation, issued_on=r.date)
                    for r in p.references])


def _evidence(p: Proposal, prefix: str) -> dict[str, Any]:
    return {key[len(prefix):]: ev.to_dict() for key, ev in p.evidence.items()
            if key.startswith(prefix)}


def _declared_copy(who: Principal, arrival: Arrival, p: Proposal, n: int,
                   block: CopyBlock) -> DeclaredCopy:
    sig = block.signature
    return DeclaredCopy(
        arrival_id=arrival.id, document_id=arrival.document_id, position=n, kind=block.kind,
        notation=block.notation, office=block.office, place=block.place, copied_on=block.date,
        signer_authority=block.signer_authority, signer_title=block.signer_title,
        signer_name=block.signer_name, recipients=list(block.recipients),
        signature_organisation=None if sig is None else sig.organisation,
        signature_signer=None if sig is None else sig.signer,
        signature_email=None if sig is None else sig.email,
        signature_signed_at=None if sig is None else sig.signed_at,
        evidence=_evidence(p, f"copies.{n}."), created_by=who.user_id)


def _stamps(who: Principal, org: Organisation, arrival: Arrival, p: Proposal,
            notes: list[str]) -> list[DeclaredStamp]:
    rows = []
    for n, stamp in enumerate(p.arrival_stamps):
        rows.append(DeclaredStamp(
            arrival_id=arrival.id, document_id=arrival.document_id, position=n,
            office=stamp.office, office_line=stamp.office_line, number=stamp.number,
            stamped_on=stamp.date, routing=stamp.routing, file_code=stamp.file_code,
            evidence=_evidence(p, f"arrival_stamps.{n}."), created_by=who.user_id))
        if stamp.office and fold(stamp.office) == fold(org.name):
            notes.append(f"the text bears a stamp of {org.code} itself (số đến {stamp.number}, "
                         f"{stamp.date}): kept as declared history; this register gave số đến "
                         f"{arrival.arrival_number}")
    return rows


def _declared_state(copies: list[DeclaredCopy], stamps: list[DeclaredStamp]) -> dict[str, Any]:
    """What was declared, for the audit event's digest (the rows are never changed after)."""
    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "copies": [{"position": c.position, "kind": c.kind, "notation": c.notation,
                    "office": c.office, "place": c.place, "date": day(c.copied_on),
                    "signer": [c.signer_authority, c.signer_title, c.signer_name],
                    "recipients": c.recipients,
                    "signature": [c.signature_organisation, c.signature_signer,
                                  c.signature_email, signed_at_vn(c.signature_signed_at)]}
                   for c in copies],
        "stamps": [{"position": st.position, "office": st.office, "number": st.number,
                    "date": day(st.stamped_on), "routing": st.routing,
                    "file_code": st.file_code} for st in stamps],
    }


def confirm(ctx: AppContext, who: Principal, org_code: str, proposal: Proposal,
            choices: Choices) -> Confirmed:
    """Register the proposal's document as an arrival of ``org_code``: the issuer (created if
    the clerk accepts), the document (found or created), the register row numbered by this
    office's register, and the declared stamps and (if accepted) copy blocks. All or nothing."""
    notes: list[str] = []
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, org_code)
        require_clerk_of(who, org)
        _check(proposal, choices)
        issuer, created = resolve_issuer(work, who, proposal, choices)
        type_code = _type_code(proposal, issuer.family)
        try:
            doc, doc_created = documents.find_or_create(
                work, who, issuer, _document_input(proposal, type_code), office=org)
        except Invalid as exc:  # name the proposal's field the clerk edits
            name = {"type_code": "doc_type_code"}.get(exc.field or "", exc.field)
            raise Invalid(exc.detail, field=f"proposal.{name}" if name else None,
                          **exc.extra) from exc
        last_office = next((c.office for c in reversed(proposal.copies) if c.office), None)
        arrival = arrivals.enter(
            work, who, org, doc, received_at=choices.received_at, clock=ctx.clock,
            sender=choices.sender or last_office or issuer.name, routed_to=choices.routed_to,
            deadline=choices.deadline, file_code=choices.file_code, note=choices.note,
            late_reason=choices.late_reason)
        stamps = _stamps(who, org, arrival, proposal, notes)
        copies = ([_declared_copy(who, arrival, proposal, n, c)
                   for n, c in enumerate(proposal.copies)] if choices.import_copies else [])
        if proposal.copies and not choices.import_copies:
            notes.append(f"{len(proposal.copies)} copy block(s) in the text were not imported "
                         "(import_copies: false)")
        s.add_all([*stamps, *copies])
        s.flush()
        audit_log.record(s, who, AuditAction.ARRIVAL_INTAKE, "arrival", arrival.id,
                         after=_declared_state(copies, stamps), details={
            "status": DECLARED,
            "issuer_created": issuer.code if created else None,
            "document_created": doc_created,
            "declared_copies": [c.notation for c in copies],
            "declared_stamps": [{"office": st.office, "number": st.number,
                                 "date": None if st.stamped_on is None
                                 else st.stamped_on.isoformat()} for st in stamps],
            "original_signature": None if proposal.signature is None
            else proposal.signature.to_dict(),
        })
        arrival_id = arrival.id
    return Confirmed(arrival=arrivals.written(ctx, arrival_id), issuer=issuer,
                     issuer_created=created, document_created=doc_created, copies=copies,
                     stamps=stamps, notes=notes)


# -- reading ----------------------------------------------------------------------------------


@dataclass
class Declared:
    copies: list[DeclaredCopy]
    stamps: list[DeclaredStamp]


def declared_for_arrival(ctx: AppContext, who: Principal, arrival_id: int) -> Declared:
    arrival = arrivals.get(ctx, who, arrival_id)  # read rights, clearance, logged if secret
    with ctx.reading() as s:
        return Declared(
            copies=list(s.scalars(select(DeclaredCopy).where(
                DeclaredCopy.arrival_id == arrival.id).order_by(DeclaredCopy.position))),
            stamps=list(s.scalars(select(DeclaredStamp).where(
                DeclaredStamp.arrival_id == arrival.id).order_by(DeclaredStamp.position))))


def declared_copies_of_document(ctx: AppContext, who: Principal,
                                doc_id: int) -> list[tuple[DeclaredCopy, Arrival]]:
    """Declared copy blocks of a document, from the arrivals of registers the caller may read."""
    doc: Document = documents.read_document(ctx, who, doc_id)
    with ctx.reading() as s:
        readable = readable_org_ids(s, who)
        rows = s.execute(
            select(DeclaredCopy, Arrival).join(Arrival, DeclaredCopy.arrival_id == Arrival.id)
            .where(DeclaredCopy.document_id == doc.id, Arrival.organisation_id.in_(readable))
            .options(selectinload(Arrival.organisation))
            .order_by(Arrival.id, DeclaredCopy.position)).all()
        return [(c, a) for c, a in rows]


def signed_at_vn(value: datetime | None) -> str | None:
    """A declared signing time as printed: ISO 8601 in Vietnam time (+07:00)."""
    return None if value is None else to_vn(value).isoformat()
