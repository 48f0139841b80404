"""The distribution tree of a document: who received it, who copied it to whom, at which depth."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload

from app.context import AppContext
from app.db import Arrival, CertifiedCopy, Document, Recipient
from app.domain.copy_forms import CopyKind
from app.domain.dates import format_signing_time
from app.domain.doc_types import Family
from app.errors import NotFound
from app.services import documents
from app.services.access import Principal, descendant_ids, readable_org_ids

Node = dict[str, Any]


def may_see_tree(session: Session, who: Principal, doc: Document) -> bool:
    """Offices that issued, registered or copied the document; auditors above one of them."""
    readable = readable_org_ids(session, who)
    if doc.issuer_id in readable:
        return True
    return bool(session.scalar(select(or_(
        exists().where(Arrival.organisation_id.in_(readable), Arrival.document_id == doc.id),
        exists().where(CertifiedCopy.organisation_id.in_(readable),
                       CertifiedCopy.document_id == doc.id)))))


def tree(ctx: AppContext, who: Principal, document_id: int) -> Node:
    with ctx.reading() as s:
        doc = documents.get(s, document_id)
        if not may_see_tree(s, who, doc):  # nothing about the document, not even its notation
            raise NotFound(f"no document {document_id} in your registers")
        documents.require_visible(who, doc)
        return build(s, who, doc)


def build(session: Session, who: Principal, doc: Document) -> Node:
    arrivals = list(session.scalars(select(Arrival).where(Arrival.document_id == doc.id)
                                    .options(selectinload(Arrival.organisation))
                                    .order_by(Arrival.received_at, Arrival.id)))
    copies = list(session.scalars(select(CertifiedCopy).where(CertifiedCopy.document_id == doc.id)
                                  .options(selectinload(CertifiedCopy.organisation),
                                           selectinload(CertifiedCopy.recipients)
                                           .selectinload(Recipient.organisation))
                                  .order_by(CertifiedCopy.signed_at, CertifiedCopy.id)))
    # The caller sees the số đến of its own offices only (an auditor: those in its remit), and
    # the copies its offices made or received with the copies they descend from.
    remit = readable_org_ids(session, who) if who.role != "auditor" \
        else descendant_ids(session, who.org_id)
    own = [a for a in arrivals if a.organisation_id in remit]
    copies = _visible_copies(copies, own, remit)
    # A copy reproduces the arrival stamp of what it was made from: that số đến is seen too.
    sources = {(c.organisation_id, c.parent_copy_id) for c in copies}
    arrivals = [a for a in arrivals if a.organisation_id in remit
                or (a.organisation_id, a.copy_id) in sources]
    by_copy: dict[int | None, list[Arrival]] = {}
    for arrival in arrivals:
        by_copy.setdefault(arrival.copy_id, []).append(arrival)
    children: dict[int | None, list[CertifiedCopy]] = {}
    for copy in copies:
        children.setdefault(copy.parent_copy_id, []).append(copy)

    def received(copy_id: int | None) -> list[Node]:
        return [{"org_code": a.organisation.code, "arrival_id": a.id,
                 "arrival_number": a.arrival_number, "received_on": a.received_on.isoformat()}
                for a in by_copy.get(copy_id, [])]

    def copy_node(copy: CertifiedCopy) -> Node:
        arrived = {r["org_code"]: r for r in received(copy.id)}
        recipients = []
        for line in copy.recipients:
            code = None if line.organisation is None else line.organisation.code
            entry = arrived.get(code) if code else None
            recipients.append({
                "name": line.name, "org_code": code,
                "archive": code == copy.organisation.code,
                "arrival_number": None if entry is None else entry["arrival_number"],
                "received_on": None if entry is None else entry["received_on"]})
        return {
            "copy_id": copy.id, "notation": copy.notation, "kind": copy.kind,
            "heading": CopyKind(copy.kind).heading(Family(copy.organisation.family)),
            "org_code": copy.organisation.code, "depth": copy.depth,
            "signed_at": format_signing_time(copy.signed_at), "recipients": recipients,
            "copies": [copy_node(c) for c in children.get(copy.id, [])]}

    return {"document_id": doc.id, "notation": doc.notation, "issuer": doc.issuer.name,
            "issued_on": doc.issued_on.isoformat(), "received": received(None),
            "copies": [copy_node(c) for c in children.get(None, [])]}


def _visible_copies(copies: list[CertifiedCopy], arrivals: list[Arrival],
                    remit: set[int]) -> list[CertifiedCopy]:
    by_id = {c.id: c for c in copies}
    seen: set[int] = set()
    todo = [c.id for c in copies if c.organisation_id in remit]
    todo += [a.copy_id for a in arrivals if a.copy_id is not None]
    while todo:
        current = todo.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        parent = by_id[current].parent_copy_id
        if parent is not None:
            todo.append(parent)
    return [c for c in copies if c.id in seen]


def draw(root: Node, mark_copy_id: int | None = None) -> str:
    """The tree as text, one line per event, ◀ on the marked copy."""
    lines = [f"{root['notation']} ({root['issuer']}, {root['issued_on']})"]

    def walk(items: list[tuple[str, Node | None]], prefix: str) -> None:
        for i, (label, node) in enumerate(items):
            last = i == len(items) - 1
            lines.append(prefix + ("└─ " if last else "├─ ") + label)
            if node is not None:
                walk(_items(node), prefix + ("   " if last else "│  "))

    def _items(node: Node) -> list[tuple[str, Node | None]]:
        out: list[tuple[str, Node | None]] = []
        for r in node.get("recipients", []):
            if r["archive"]:
                continue
            where = f" → số đến {r['arrival_number']} ({r['received_on']})" \
                if r["arrival_number"] is not None else ""
            out.append((f"nơi nhận: {r['name']}{where}", None))
        for c in node["copies"]:
            mark = " ◀" if c["copy_id"] == mark_copy_id else ""
            out.append((f"{c['notation']} {c['heading'].lower()} của {c['org_code']}, ký "
                        f"{c['signed_at']} (cấp {c['depth']}){mark}", c))
        return out

    top: list[tuple[str, Node | None]] = [
        (f"đến {r['org_code']}: số đến {r['arrival_number']} ({r['received_on']})", None)
        for r in root["received"]]
    walk(top + _items(root), "")
    return "\n".join(lines)
