"""Who may do what: roles, organisation scope and clearance for confidential documents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Organisation
from app.domain.statuses import Role
from app.errors import Forbidden

#: clerk = văn thư; head = lãnh đạo văn phòng (approves copies); department = a unit asking for them.
ROLES = tuple(Role)
#: Confidentiality levels (độ mật) in increasing order.
CLEARANCE_ORDER = ("NONE", "MAT", "TOI_MAT", "TUYET_MAT")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user of one organisation with one role."""

    user_id: int
    name: str
    role: str
    org_id: int
    org_code: str
    clearance: str

    def may_see_level(self, confidentiality: str) -> bool:
        return CLEARANCE_ORDER.index(confidentiality) <= CLEARANCE_ORDER.index(self.clearance)

    def visible_levels(self) -> tuple[str, ...]:
        return CLEARANCE_ORDER[: CLEARANCE_ORDER.index(self.clearance) + 1]


def descendant_ids(session: Session, org_id: int) -> set[int]:
    """The organisation and every organisation below it."""
    rows = session.execute(select(Organisation.id, Organisation.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for oid, parent in rows:
        children.setdefault(parent, []).append(oid)
    found, todo = set(), [org_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def readable_org_ids(session: Session, who: Principal) -> set[int]:
    """Registers a caller may read: their own; auditors also those of every office below theirs."""
    if who.role == "auditor":
        return descendant_ids(session, who.org_id)
    return {who.org_id}


def require_read(session: Session, who: Principal, org: Organisation) -> None:
    if org.id not in readable_org_ids(session, who):
        raise Forbidden(f"{who.role} of {who.org_code} may not read the registers of {org.code}")


def require_clerk_of(who: Principal, org: Organisation) -> None:
    """Clerks write their own organisation's registers only."""
    if who.role != "clerk" or who.org_id != org.id:
        raise Forbidden(
            f"only a clerk of {org.code} may write its registers (you are {who.role} of "
            f"{who.org_code})"
        )


def require_role(who: Principal, *roles: str) -> None:
    if who.role not in roles:
        raise Forbidden(f"this action needs the role {' or '.join(roles)} (you are {who.role})")
