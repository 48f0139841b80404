"""Register series: their current state and continuing from a paper register."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db import Arrival, CertifiedCopy, Dispatch
from app.domain.audit_actions import AuditAction
from app.domain.errors import DomainError
from app.domain.numbering import RegisterKind
from app.errors import Conflict, Invalid
from app.services import audit_log, numbering
from app.services.access import Principal, require_clerk_of, require_read
from app.services.organisations import get_by_code


def _scope(org_family_org: object, register: RegisterKind, on: date, doc_type: str | None,
           secret: bool) -> str:
    from app.db import Organisation

    assert isinstance(org_family_org, Organisation)
    try:
        return numbering.register_scope(org_family_org, register, on, doc_type=doc_type,
                                        secret=secret)
    except DomainError as exc:
        raise Invalid(exc.reason, field=exc.field) from exc


def _first_number(session: Session, org_id: int, register: RegisterKind,
                  scope: str) -> int | None:
    if register is RegisterKind.ARRIVAL:
        return session.scalar(select(func.min(Arrival.arrival_number)).where(
            Arrival.organisation_id == org_id, Arrival.scope_key == scope))
    if register is RegisterKind.DISPATCH:
        return session.scalar(select(func.min(Dispatch.number)).where(
            Dispatch.organisation_id == org_id, Dispatch.scope_key == scope))
    return session.scalar(select(func.min(CertifiedCopy.number)).where(
        CertifiedCopy.organisation_id == org_id, CertifiedCopy.scope_key == scope))


def _refuse_after_first_number(session: Session, org_id: int, register: RegisterKind,
                               scope: str) -> None:
    """A paper series is continued only before the register gives its first number: after that
    a raised counter would leave a gap in the book, a lowered one a repeat."""
    first = _first_number(session, org_id, register, scope)
    if first is not None:
        raise Conflict(f"the series {scope} has given number {first} in the register; it is "
                       "continued from paper only before its first number", field="last_number")


def continue_from_paper(ctx: AppContext, who: Principal, org_code: str, register: RegisterKind,
                        on: date, last_number: int, doc_type: str | None = None,
                        secret: bool = False) -> dict[str, object]:
    """An office moving from paper tells the register the last number it used there."""
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, org_code)
        require_clerk_of(who, org)
        scope = _scope(org, register, on, doc_type, secret)
        _refuse_after_first_number(s, org.id, register, scope)
        previous, new = numbering.continue_from_paper(s, org.id, register.value, scope,
                                                      last_number)
        audit_log.record(s, who, AuditAction.REGISTER_CONTINUED_FROM_PAPER, "register",
                         f"{org.code}/{register.value}/{scope}",
                         before={"last_number": previous}, after={"last_number": new},
                         details={"old_last_number": previous, "new_last_number": new})
    return {"register": register.value, "scope_key": scope, "last_number": new,
            "next_number": new + 1}


def series_state(ctx: AppContext, who: Principal, org_code: str, register: RegisterKind,
                 on: date, doc_type: str | None = None, secret: bool = False) -> dict[str, object]:
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        require_read(s, who, org)
        scope = _scope(org, register, on, doc_type, secret)
        last = numbering.last_number(s, org.id, register.value, scope)
    return {"register": register.value, "scope_key": scope, "last_number": last,
            "next_number": last + 1}
