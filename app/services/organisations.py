"""Organisations: create, read, update, delete, with their hierarchy and committee terms."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db import (
    Arrival,
    CommitteeTerm,
    Dispatch,
    Document,
    Organisation,
    User,
)
from app.db.loads import ORGANISATION_LOADS
from app.domain.audit_actions import AuditAction
from app.errors import Conflict, Invalid, NotFound
from app.services import audit_log
from app.services.access import Principal, descendant_ids, require_role

EDITABLE = ("name", "parent_code", "family", "place_name", "email", "external", "copy_code",
            "dispatch_per_type")


def snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        # printed on its copies, so a change the log does not show is a finding
        "short_name": org.short_name,
        "signature_office": org.signature_office,
        "parent_id": org.parent_id,
        "family": org.family,
        "place_name": org.place_name,
        "email": org.email,
        "external": org.external,
        "copy_code": org.copy_code,
        "dispatch_per_type": org.dispatch_per_type,
    }


def get_by_code(session: Session, code: str, field: str = "code") -> Organisation:
    org = session.scalar(
        select(Organisation).where(Organisation.code == code).options(*ORGANISATION_LOADS))
    if org is None:
        raise NotFound(f"no organisation with code {code!r}", field=field)
    return org


def _resolve_parent(session: Session, parent_code: str | None) -> Organisation | None:
    if parent_code is None:
        return None
    parent = session.scalar(select(Organisation).where(Organisation.code == parent_code))
    if parent is None:
        raise Invalid(f"no organisation with code {parent_code!r}", field="parent_code")
    return parent


def require_admin_over(session: Session, who: Principal, org: Organisation | None) -> None:
    require_role(who, "admin")
    if org is not None and org.id not in descendant_ids(session, who.org_id):
        raise NotFound(f"no organisation with code {org.code!r} under {who.org_code}")


def require_manager_of(session: Session, who: Principal, org: Organisation) -> None:
    """An office of the tree: its admins; an external issuer outside any tree: the admins of
    the tree whose office added it."""
    require_role(who, "admin")
    mine = descendant_ids(session, who.org_id)
    if org.id in mine or (org.external and org.created_by_org_id in mine):
        return
    raise NotFound(f"no organisation with code {org.code!r} under {who.org_code}")


def create(ctx: AppContext, who: Principal, data: dict[str, Any]) -> Organisation:
    with ctx.unit_of_work() as work:
        s = work.session
        parent = _resolve_parent(s, data.get("parent_code"))
        # Admins add offices below their own; external issuers (e.g. TW) may stand anywhere.
        if not data.get("external", False):
            require_admin_over(s, who, parent or s.get(Organisation, who.org_id))
            if parent is None:
                raise Invalid("an office of the system needs a parent_code", field="parent_code")
        else:
            require_role(who, "admin")
        if s.scalar(select(exists().where(Organisation.code == data["code"]))):
            raise Conflict(f"organisation code {data['code']!r} is taken", field="code",
                           existing=f"/orgs/{data['code']}")
        org = Organisation(
            code=data["code"],
            name=data["name"],
            short_name=data.get("short_name"),
            signature_office=data.get("signature_office"),
            parent_id=None if parent is None else parent.id,
            family=data["family"],
            place_name=data.get("place_name"),
            email=data.get("email"),
            external=data.get("external", False),
            copy_code=data.get("copy_code"),
            dispatch_per_type=data.get("dispatch_per_type", False),
            created_by_org_id=who.org_id if data.get("external", False) else None,
        )
        s.add(org)
        s.flush()
        audit_log.record(s, who, AuditAction.ORGANISATION_CREATED, "organisation", org.code,
                         after=snapshot(org))
    return org


#: Fields every organisation has: a change gives a value, never null.
_REQUIRED = ("name", "family", "external", "dispatch_per_type")


def update(ctx: AppContext, who: Principal, code: str, changes: dict[str, Any]) -> Organisation:
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, code)
        require_manager_of(s, who, org)
        for name in _REQUIRED:
            if name in changes and changes[name] is None:
                raise Invalid(f"{name} cannot be removed: give its new value, or leave it out",
                              field=name)
        before = snapshot(org)
        if "parent_code" in changes:
            parent = _resolve_parent(s, changes.pop("parent_code"))
            if parent is not None and parent.id in descendant_ids(s, org.id):
                raise Invalid(f"{parent.code} is {code} or below it: the hierarchy cannot loop",
                              field="parent_code")
            org.parent_id = None if parent is None else parent.id
        for key, value in changes.items():
            setattr(org, key, value)
        s.flush()
        audit_log.record(s, who, AuditAction.ORGANISATION_UPDATED, "organisation", org.code,
                         before=before, after=snapshot(org))
        s.refresh(org, ["terms", "parent"])
    return org


def delete(ctx: AppContext, who: Principal, code: str) -> None:
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, code)
        require_manager_of(s, who, org)
        in_use = s.scalar(select(exists().where(or_(
            Organisation.parent_id == org.id,
        )))) or s.scalar(select(exists().where(User.organisation_id == org.id))) \
            or s.scalar(select(exists().where(Document.issuer_id == org.id))) \
            or s.scalar(select(exists().where(Arrival.organisation_id == org.id))) \
            or s.scalar(select(exists().where(Dispatch.organisation_id == org.id)))
        if in_use:
            raise Conflict(
                f"{code} has offices, users or register entries; registers are kept, so it "
                "cannot be deleted", field="code")
        before = snapshot(org)
        for term in list(org.terms):
            s.delete(term)
        s.delete(org)
        audit_log.record(s, who, AuditAction.ORGANISATION_DELETED, "organisation", code, before=before)


def list_all(ctx: AppContext, *, parent_code: str | None = None,
             family: str | None = None) -> list[Organisation]:
    with ctx.reading() as s:
        query = select(Organisation).options(*ORGANISATION_LOADS).order_by(Organisation.code)
        if parent_code is not None:
            query = query.where(Organisation.parent_id == get_by_code(s, parent_code, "parent_code").id)
        if family is not None:
            query = query.where(Organisation.family == family)
        return list(s.scalars(query))


def read(ctx: AppContext, code: str) -> Organisation:
    with ctx.reading() as s:
        return get_by_code(s, code)


def tree(ctx: AppContext, code: str) -> dict[str, Any]:
    """The organisation and everything below it, nested."""
    with ctx.reading() as s:
        root = get_by_code(s, code)
        rows = list(s.scalars(select(Organisation).order_by(Organisation.code)))
    by_parent: dict[int | None, list[Organisation]] = {}
    for org in rows:
        by_parent.setdefault(org.parent_id, []).append(org)

    def node(org: Organisation) -> dict[str, Any]:
        return {"code": org.code, "name": org.name, "family": org.family,
                "children": [node(c) for c in by_parent.get(org.id, [])]}

    return node(root)


def add_term(ctx: AppContext, who: Principal, code: str, label: str, starts_on: date,
             ends_on: date | None) -> CommitteeTerm:
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, code)
        require_admin_over(s, who, org)
        if ends_on is not None and ends_on < starts_on:
            raise Invalid("a term cannot end before it starts", field="ends_on")
        for term in org.terms:
            overlap = (term.ends_on is None or starts_on <= term.ends_on) and (
                ends_on is None or term.starts_on <= ends_on)
            if term.label == label or overlap:
                raise Conflict(f"term {label} overlaps term {term.label} of {code}",
                               field="starts_on")
        term = CommitteeTerm(organisation_id=org.id, label=label, starts_on=starts_on,
                             ends_on=ends_on)
        s.add(term)
        s.flush()
        audit_log.record(s, who, AuditAction.ORGANISATION_TERM_ADDED, "organisation", code,
                         details={"label": label, "starts_on": starts_on.isoformat(),
                                  "ends_on": None if ends_on is None else ends_on.isoformat()})
    return term
