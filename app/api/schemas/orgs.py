"""Organisations, terms, users, tokens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AliasPath, BaseModel, ConfigDict, Field, StringConstraints

from app.api.schemas.common import (
    Code,
    Confidentiality,
    Day,
    Family,
    Line40,
    Line60,
    Line100,
    Line200,
    Role,
    ShortText,
    Strict,
)

#: The office's own code in Party copy notations (30-SL/VPDUK): letters.
CopyCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10,
                                            pattern=r"^[A-Za-zĐđ]+$")]


class TermIn(Strict):
    label: Line40
    starts_on: Day
    ends_on: Day | None = None


class TermOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    label: str
    starts_on: date
    ends_on: date | None


class OrgIn(Strict):
    code: Code
    name: ShortText
    short_name: Line200 | None = Field(
        None, description="as printed under the governing body on a copy: Văn phòng",
        examples=["Văn phòng"])
    signature_office: Line200 | None = Field(
        None, description="the text after \"Cơ quan:\" in its signature box (default: the "
        "short name)")
    family: Family
    parent_code: Code | None = None
    place_name: Line100 | None = None
    email: Line200 | None = None
    external: bool = False
    copy_code: CopyCode | None = None
    dispatch_per_type: bool = False


class OrgPatch(Strict):
    name: ShortText | None = None
    short_name: Line200 | None = None
    signature_office: Line200 | None = None
    family: Family | None = None
    parent_code: Code | None = None
    place_name: Line100 | None = None
    email: Line200 | None = None
    external: bool | None = None
    copy_code: CopyCode | None = None
    dispatch_per_type: bool | None = None


class OrgOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    short_name: str | None
    signature_office: str | None
    family: Family
    parent_code: str | None = Field(None, validation_alias=AliasPath("parent", "code"))
    place_name: str | None
    email: str | None
    external: bool
    copy_code: str | None
    dispatch_per_type: bool
    terms: list[TermOut]


class UserIn(Strict):
    name: Line200
    role: Role
    clearance: Confidentiality = Confidentiality.NONE


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    role: Role
    clearance: Confidentiality


class TokenIn(Strict):
    label: Line100 | None = None
    expires_in_days: int | None = Field(
        None, ge=1, le=366, description="how long the token lives (default: the server's "
                                        "token_lifetime_days, 90)")


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user_id: int
    label: str | None
    created_at: datetime
    expires_at: datetime | None = Field(description="after this the token is refused (401)")
    token: str | None = None




class SignInIn(Strict):
    """Đăng nhập: a person's login and password; a one-time password needs `new_password`."""

    login: Line60
    password: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: Annotated[str, Field(min_length=12, max_length=200)] | None = Field(
        None, description="replaces the password (required with a one-time password)")


class TokenKeyIn(Strict):
    """A key on a PKCS#11 token or HSM that the server can reach; the PIN stays in the server's
    environment, in the variable `pin_env` names."""

    module: Line200 = Field(description="the PKCS#11 module; one of VANTHU_PKCS11_MODULES",
                            examples=["/usr/lib/softhsm/libsofthsm2.so"])
    token_label: Line100 | None = Field(None, description="the token's label (or give slot)")
    slot: int | None = Field(None, ge=0, description="the token's slot id (pkcs11-tool -L)")
    key_label: Line100 | None = Field(None, description="the private key's label on the token")
    key_id: Annotated[str, StringConstraints(pattern=r"^([0-9a-fA-F]{2}){1,64}$")] | None = Field(
        None, description="the private key's id on the token, hex")
    pin_env: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")] = Field(
        description="the server's environment variable holding the token's user PIN",
        examples=["VANTHU_TOKEN_PIN_VPTU"])
    certificate: Annotated[str, StringConstraints(max_length=64 * 1024)] | None = Field(
        None, description="the office certificate, then intermediates (PEM); default: the "
                          "certificate stored on the token beside the key")


class OfficeKeyOut(BaseModel):
    org_code: str
    serial: str = Field(description="the certificate's serial number (hex)")
    subject: str
    valid_to: datetime
    replaced: list[str] = Field(description="serials of the earlier keys, kept inactive")
