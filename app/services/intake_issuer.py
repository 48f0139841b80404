"""The issuer of a received document: the organisation its text names (:func:`match_issuer`), or
the one the clerk names or accepts creating (external) when confirming the intake."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import Work
from app.db import Organisation
from app.domain.audit_actions import AuditAction
from app.domain.intake import Proposal
from app.domain.text import fold
from app.errors import Conflict, Invalid
from app.services import audit_log, organisations
from app.services.access import Principal

#: Longest organisation name the register keeps (organisations.name).
NAME_MAX = 300


class IssuerChoices(Protocol):
    """What the clerk decided about the issuer (the fields of ``intake.Choices``)."""

    issuer_code: str | None
    create_issuer: bool
    issuer_name: str | None
    issuer_family: str | None


def full_name(issuer: str | None, parent: str | None) -> str | None:
    """The issuer's name with its parent, unit first: "VĂN PHÒNG" + "TỈNH ỦY ĐẮK NÔNG"."""
    if not issuer:
        return None
    return f"{issuer} {parent}" if parent else issuer


def match_issuer(session: Session, issuer: str | None, parent: str | None) -> Organisation | None:
    """The one organisation whose name is the issuer's (diacritics and case aside), alone or
    with its parent; None when there is none or more than one."""
    wanted = {fold(n) for n in (issuer, full_name(issuer, parent)) if n}
    if not wanted:
        return None
    hits = [o for o in session.scalars(select(Organisation)) if fold(o.name) in wanted]
    return hits[0] if len(hits) == 1 else None


def resolve_issuer(work: Work, who: Principal, p: Proposal,
                   choices: IssuerChoices) -> tuple[Organisation, bool]:
    """The issuer to register the document under, and whether it was created now."""
    s = work.session
    if choices.create_issuer:
        if not choices.issuer_code:
            raise Invalid("create_issuer needs the new organisation's code (issuer_code)",
                          field="issuer_code")
        return create_issuer(work, who, p, choices), True
    if choices.issuer_code:
        org = s.scalar(select(Organisation).where(Organisation.code == choices.issuer_code))
        if org is None:
            raise Invalid(f"no organisation with code {choices.issuer_code!r}; to add it, confirm "
                          "with create_issuer: true", field="issuer_code")
        return org, False
    org = match_issuer(s, p.issuer, p.issuer_parent)
    if org is None:
        raise Invalid(f"the issuer {full_name(p.issuer, p.issuer_parent)!r} is not in the system: "
                      "accept creating it (create_issuer: true with issuer_code) or name an "
                      "existing organisation (issuer_code)", field="issuer")
    return org, False


def create_issuer(work: Work, who: Principal, p: Proposal,
                  choices: IssuerChoices) -> Organisation:
    s = work.session
    code = str(choices.issuer_code)
    if s.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise Conflict(f"organisation code {code!r} is taken; confirm with issuer_code={code!r} "
                       "and create_issuer: false to use it", field="issuer_code",
                       existing=f"/orgs/{code}")
    name = choices.issuer_name or full_name(p.issuer, p.issuer_parent)
    if not name or len(name) > NAME_MAX:
        raise Invalid(f"the new issuer needs a name (issuer_name) of at most {NAME_MAX} "
                      "characters", field="issuer_name")
    same = match_issuer(s, name, None)
    if same is not None:
        raise Conflict(f"an organisation named {same.name!r} exists ({same.code}); confirm with "
                       f"issuer_code={same.code!r} instead of creating another",
                       field="issuer_name", existing=f"/orgs/{same.code}")
    family = choices.issuer_family or p.family
    if family not in ("party", "state"):
        raise Invalid("the new issuer needs a family (issuer_family: party or state)",
                      field="issuer_family")
    org = Organisation(code=code, name=name, family=family, external=True,
                       created_by_org_id=who.org_id)
    s.add(org)
    s.flush()
    audit_log.record(s, who, AuditAction.ORGANISATION_CREATED, "organisation", org.code,
                     after=organisations.snapshot(org),
                     details={"via": "intake", "by_office": who.org_code})
    return org


