"""/orgs: organisations, their hierarchy, terms, users and tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile, status

from app.api.deps import Caller, Ctx
from app.api.problems import errors
from app.api.schemas.common import Family, PathId
from app.api.schemas.orgs import (
    OfficeKeyOut,
    OrgIn,
    OrgOut,
    OrgPatch,
    TermIn,
    TermOut,
    TokenIn,
    TokenKeyIn,
    TokenOut,
    UserIn,
    UserOut,
)
from app.api.uploads import read_bytes
from app.services import office_keys, organisations, tokens

router = APIRouter(tags=["organisations"])


@router.post("/orgs",
             summary="Create an organisation (admin)",
             status_code=status.HTTP_201_CREATED, response_model=OrgOut,
             responses=errors(409))
def create_org(body: OrgIn, ctx: Ctx, who: Caller) -> OrgOut:
    """Adds an office or an external issuer to the province's tree; its `code` is used in notations
    (`…/VPTU`) and in every URL of its registers."""
    org = organisations.create(ctx, who, body.model_dump())
    return OrgOut.model_validate(organisations.read(ctx, org.code))


@router.get("/orgs", summary="List the organisations", response_model=list[OrgOut])
def list_orgs(ctx: Ctx, who: Caller, parent_code: str | None = None,
              family: Family | None = None) -> list[OrgOut]:
    """Every organisation known to the installation, with its code, name, parent and family (party
    or state)."""
    return [OrgOut.model_validate(o) for o in organisations.list_all(ctx, parent_code=parent_code,
                                                          family=family)]


@router.get("/orgs/{code}", summary="One organisation", response_model=OrgOut)
def get_org(code: str, ctx: Ctx, who: Caller) -> OrgOut:
    """The organisation named by `code`, as listed by `GET /orgs`."""
    return OrgOut.model_validate(organisations.read(ctx, code))


@router.get("/orgs/{code}/tree", summary="The organisation and the offices under it")
def org_tree(code: str, ctx: Ctx, who: Caller) -> dict[str, Any]:
    """The subtree rooted at `code`: the offices whose registers a head or an auditor of that
    organisation may read."""
    return organisations.tree(ctx, code)


@router.patch("/orgs/{code}", summary="Change an organisation (admin)", response_model=OrgOut)
def patch_org(code: str, body: OrgPatch, ctx: Ctx, who: Caller) -> OrgOut:
    """Changes the fields given (name, e-mail, the lines printed on its copies); the code never
    changes."""
    organisations.update(ctx, who, code, body.model_dump(exclude_unset=True))
    return OrgOut.model_validate(organisations.read(ctx, code))


@router.delete("/orgs/{code}",
               summary="Remove an organisation (admin)",
               status_code=status.HTTP_204_NO_CONTENT, responses=errors(409))
def delete_org(code: str, ctx: Ctx, who: Caller) -> None:
    """Only an organisation with no users, entries or children can be removed; otherwise 409 says
    what holds it."""
    organisations.delete(ctx, who, code)


@router.post("/orgs/{code}/terms",
             summary="Add a committee term (nhiệm kỳ)",
             status_code=status.HTTP_201_CREATED, response_model=TermOut,
             responses=errors(409))
def add_term(code: str, body: TermIn, ctx: Ctx, who: Caller) -> TermOut:
    """A term (label, first and last day) during which the organisation's term-scoped registers
    number continuously."""
    term = organisations.add_term(ctx, who, code, body.label, body.starts_on, body.ends_on)
    return TermOut.model_validate(term)


@router.post("/orgs/{code}/users",
             summary="Add a user to an organisation (admin)",
             status_code=status.HTTP_201_CREATED, response_model=UserOut)
def create_user(code: str, body: UserIn, ctx: Ctx, who: Caller) -> UserOut:
    """A person with a role (clerk, head, department, auditor, admin) and a clearance (độ mật they
    may read)."""
    user = tokens.create_user(ctx, who, code, body.name, body.role, body.clearance)
    return UserOut.model_validate(user)


@router.post("/users/{user_id}/tokens",
             summary="Make an API token for a user (admin)", status_code=status.HTTP_201_CREATED,
             response_model=TokenOut)
def create_token(user_id: PathId, body: TokenIn, ctx: Ctx, who: Caller) -> TokenOut:
    """The token is shown once in the answer; only its hash is stored. It expires after the given
    days (default VANTHU_TOKEN_LIFETIME_DAYS)."""
    row, token = tokens.create_token(ctx, who, user_id, body.label, body.expires_in_days)
    return TokenOut.model_validate(row).model_copy(update={"token": token})


@router.delete("/tokens/{token_id}", summary="Revoke an API token", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: PathId, ctx: Ctx, who: Caller) -> None:
    """The token stops working at once; the revocation is an audit-log event."""
    tokens.revoke_token(ctx, who, token_id)


@router.get("/me", summary="Who the token belongs to")
def whoami(who: Caller) -> dict[str, Any]:
    """The caller's user, role, organisation and clearance: a quick check that a token works."""
    return {"user_id": who.user_id, "name": who.name, "role": who.role,
            "org_code": who.org_code, "clearance": who.clearance}


#: A PKCS#12 file is a few kilobytes; anything near this is not one.
MAX_PKCS12_BYTES = 64 * 1024


@router.post("/orgs/{code}/keys", status_code=status.HTTP_201_CREATED, response_model=OfficeKeyOut,
             responses=errors(413), summary="Import the office's own signing certificate "
                                            "(PKCS#12); earlier keys stay on record, inactive")
def import_office_key(
    code: str, ctx: Ctx, who: Caller,
    file: Annotated[UploadFile, File(description="the office's .p12 / .pfx")],
    passphrase: Annotated[str, Form(max_length=200)] = "",
) -> OfficeKeyOut:
    """Upload a PKCS#12 (.p12) file holding the office's signing key and certificate, with its
    passphrase; later copies are signed with it. Earlier keys stay on record (inactive) so old
    copies still verify."""
    identity = office_keys.identity_from_pkcs12(read_bytes(file, MAX_PKCS12_BYTES),
                                                passphrase.encode("utf-8") or None)
    return OfficeKeyOut.model_validate(office_keys.import_identity(ctx, who, code, identity),
                                       from_attributes=True)


@router.post("/orgs/{code}/keys/pkcs11", status_code=status.HTTP_201_CREATED,
             response_model=OfficeKeyOut, summary="Make a key on a PKCS#11 token or HSM the "
             "office's signing key; earlier keys stay on record, inactive")
def configure_token_key(code: str, body: TokenKeyIn, ctx: Ctx, who: Caller) -> OfficeKeyOut:
    """The server signs through the token's module (one of VANTHU_PKCS11_MODULES) with the PIN
    from its own environment: it signs a test value, then checks that the certificate names the
    office, may sign, is valid and chains to the trust store. Admins of the office only."""
    done = office_keys.import_token_from_api(ctx, who, code, body.model_dump())
    return OfficeKeyOut.model_validate(done, from_attributes=True)
