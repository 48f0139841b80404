"""First set-up (`vanthu init`): a province's organisation trees and first administrators, from
a file its IT staff write; no demo data.

All or nothing, and idempotent: organisations and administrators the database already holds
exactly as the file says are left alone, missing ones are created (each logged like any other),
and if any existing one differs from the file, nothing is changed and every difference is named.
The Party's offices and the State's form separate trees: a Sở sits under the UBND tỉnh, so its
copies print the UBND as their governing body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db import CommitteeTerm, Organisation, User
from app.domain.audit_actions import AuditAction
from app.domain.doc_types import Family
from app.domain.fields import Code, Day, Line10, Line40, Line60, Line100, Line200, Strict
from app.domain.statuses import Role
from app.services import audit_log, organisations, sign_in, tokens

Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200,
                                         pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class TermSpec(Strict):
    """Nhiệm kỳ: a Party committee's term, both ends inclusive."""

    label: Line40 = Field(examples=["2020-2025"])
    starts_on: Day
    ends_on: Day | None = None


class OrgSpec(Strict):
    code: Code
    name: Line200
    short_name: Line200 | None = Field(None, description="as printed under the parent: Văn phòng")
    family: Family
    parent: Code | None = Field(None, description="the code of the organisation above; none for "
                                                  "the top of a tree (Tỉnh ủy, UBND tỉnh)")
    place: Line100 | None = Field(None, description="địa danh: Đắk Nông")
    email: Email | None = Field(None, description="printed in the signature box")
    external: bool = False
    copy_code: Line10 | None = None
    terms: list[TermSpec] = Field(default_factory=list)


class AdminSpec(Strict):
    org: Code
    name: Line200
    login: Line60


class SetupPlan(Strict):
    organisations: list[OrgSpec] = Field(min_length=1)
    admins: list[AdminSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes_are_unique(self) -> SetupPlan:
        seen: set[str] = set()
        for org in self.organisations:
            if org.code in seen:
                raise ValueError(f"organisation {org.code} is listed twice")
            seen.add(org.code)
        return self


@dataclass
class SetupResult:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    #: login → the one-time password, shown once
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.differences


def _wanted(spec: OrgSpec, parent_id: int | None) -> dict[str, Any]:
    return {"name": spec.name, "short_name": spec.short_name, "family": spec.family.value,
            "parent_id": parent_id, "place_name": spec.place, "email": spec.email,
            "external": spec.external, "copy_code": spec.copy_code}


def _terms_of(org: Organisation) -> list[tuple[str, date, date | None]]:
    return [(t.label, t.starts_on, t.ends_on) for t in org.terms]


def _compare(org: Organisation, spec: OrgSpec, parent_id: int | None) -> list[str]:
    out = []
    for key, value in _wanted(spec, parent_id).items():
        held = getattr(org, key)
        if held != value:
            out.append(f"organisation {org.code}: {key} is {held!r} here, {value!r} in the file")
    terms = [(t.label, t.starts_on, t.ends_on) for t in spec.terms]
    if spec.terms and _terms_of(org) != terms:
        out.append(f"organisation {org.code}: its terms are {_terms_of(org)} here, {terms} in "
                   "the file")
    return out


def _in_parent_order(plan: SetupPlan, held: dict[str, Organisation]) -> list[OrgSpec]:
    """Parents before children; a parent must be in the file or already held, with no loop."""
    by_code = {o.code: o for o in plan.organisations}
    ordered: list[OrgSpec] = []
    placed: set[str] = set(held)
    pending = list(plan.organisations)
    while pending:
        ready = [o for o in pending if o.parent is None or o.parent in placed]
        if not ready:
            missing = sorted({o.parent for o in pending
                              if o.parent is not None and o.parent not in by_code})
            what = (f"no organisation {missing[0]} (the parent of "
                    f"{next(o.code for o in pending if o.parent == missing[0])})" if missing
                    else "the parents of " + ", ".join(o.code for o in pending) + " form a loop")
            raise ValueError(what)
        for o in ready:
            ordered.append(o)
            placed.add(o.code)
            pending.remove(o)
    return ordered


def _create_org(s: Session, spec: OrgSpec, parent_id: int | None) -> Organisation:
    org = Organisation(code=spec.code, **_wanted(spec, parent_id))
    s.add(org)
    s.flush()
    for term in spec.terms:
        s.add(CommitteeTerm(organisation_id=org.id, label=term.label, starts_on=term.starts_on,
                            ends_on=term.ends_on))
    s.flush()
    audit_log.record(s, None, AuditAction.ORGANISATION_CREATED, "organisation", org.code,
                     after=organisations.snapshot(org), details={"via": "vanthu init"})
    return org


def _admins(s: Session, plan: SetupPlan, codes: dict[str, Organisation],
            result: SetupResult) -> None:
    for admin in plan.admins:
        org = codes.get(admin.org)
        if org is None:
            raise ValueError(f"admin {admin.login}: no organisation {admin.org}")
        user = s.scalar(select(User).where(User.login == admin.login))
        if user is not None:
            if (user.organisation_id, user.name, user.role) != (org.id, admin.name, Role.ADMIN):
                result.differences.append(
                    f"admin {admin.login}: the user here is {user.name!r}, {user.role} of "
                    f"organisation id {user.organisation_id}, not {admin.name!r}, admin of "
                    f"{admin.org}")
            else:
                result.unchanged.append(f"admin {admin.login}")
            continue
        user = tokens.add_user(s, org, admin.name, Role.ADMIN)
        user.login = admin.login
        tokens.record_user_created(s, None, user, details={"via": "vanthu init"})
        password = sign_in.one_time_password()
        sign_in.set_password(s, None, user, password, one_time=True)
        result.created.append(f"admin {admin.login} ({admin.org})")
        result.passwords[admin.login] = password


class _Differs(Exception):
    """Raised inside the unit of work so that it rolls back everything it created."""


def apply(ctx: AppContext, plan: SetupPlan) -> SetupResult:
    """Create what is missing, or (when anything held differs from the file) nothing."""
    result = SetupResult()
    try:
        _apply(ctx, plan, result)
    except _Differs:
        result.created, result.passwords = [], {}
    return result


def _apply(ctx: AppContext, plan: SetupPlan, result: SetupResult) -> None:
    with ctx.unit_of_work() as work:
        s = work.session
        held = {o.code: o for o in s.scalars(select(Organisation))}
        for spec in _in_parent_order(plan, held):
            parent_id = None if spec.parent is None else held[spec.parent].id
            if spec.code in held:
                found = _compare(held[spec.code], spec, parent_id)
                result.differences.extend(found)
                if not found:
                    result.unchanged.append(f"organisation {spec.code}")
                continue
            held[spec.code] = _create_org(s, spec, parent_id)
            result.created.append(f"organisation {spec.code}")
        _admins(s, plan, held, result)
        if result.differences:
            raise _Differs
