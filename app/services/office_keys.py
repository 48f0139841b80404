"""An office's own signing identity (`vanthu keys import`, POST /orgs/{code}/keys): its PKCS#12
file, or its key and certificate chain, as the national CA issues them; or a key that stays on
a PKCS#11 token or HSM (`vanthu keys pkcs11`, POST /orgs/{code}/keys/pkcs11), its certificate
read from the token or given.

The certificate must name the office (its organisation, O=, or its common name, CN=, is the
office's name), allow signing (digitalSignature or nonRepudiation), be valid now, and chain to
the trust store. The office's earlier keys stay on record, inactive: copies signed with them
still verify, since each copy carries its own certificate.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from sqlalchemy import select

from app.context import AppContext
from app.db import OfficeKey, Organisation
from app.domain.audit_actions import AuditAction
from app.errors import Invalid
from app.keys import common_name_for, token_pin
from app.services import audit_log
from app.services.access import Principal
from app.services.organisations import get_by_code, require_admin_over
from signing import (
    OfficeSigner,
    SigningIdentity,
    TokenError,
    TokenIdentity,
    TokenKey,
    TrustStore,
    chains_to_trust,
    load_pkcs12,
    load_private_key,
    token_certificates,
)

#: The request field to fix for each part a token problem names.
TOKEN_FIELDS = {"module": "module", "token": "token_label", "pin": "pin_env", "key": "key_label",
                "certificate": "certificate"}


@dataclass(frozen=True)
class ImportedKey:
    org_code: str
    serial: str
    subject: str
    valid_to: datetime
    replaced: list[str]  # serials of the keys it made inactive (kept on record)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip()


def _names(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value) for a in cert.subject.get_attributes_for_oid(oid)]


def identity_from_pkcs12(data: bytes, passphrase: bytes | None) -> SigningIdentity:
    try:
        key, cert, others = load_pkcs12(data, passphrase)
    except ValueError as exc:
        raise Invalid(f"the PKCS#12 file cannot be opened: {exc}", field="file") from exc
    return _identity(key, cert, others)


def identity_from_pem(key_pem: bytes, passphrase: bytes | None, chain_pem: bytes) -> SigningIdentity:
    try:
        key = load_private_key(key_pem, passphrase)
    except (ValueError, TypeError) as exc:
        raise Invalid(f"the private key cannot be read: {exc}", field="key") from exc
    try:
        cert, *others = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as exc:
        raise Invalid(f"the certificate chain cannot be read: {exc}", field="certificate") from exc
    return _identity(key, cert, others)


def _identity(key: object, cert: x509.Certificate,
              others: list[x509.Certificate]) -> SigningIdentity:
    try:
        return SigningIdentity(key, cert, others)  # type: ignore[arg-type]
    except ValueError as exc:
        raise Invalid(str(exc), field="certificate") from exc


def _check(org: Organisation, identity: OfficeSigner, trust: TrustStore,
           now: datetime) -> None:
    cert = identity.certificate
    named = [*_names(cert, x509.NameOID.ORGANIZATION_NAME), *_names(cert, x509.NameOID.COMMON_NAME)]
    if _fold(org.name) not in {_fold(n) for n in named} and \
            _fold(common_name_for(org.name)) not in {_fold(n) for n in named}:
        raise Invalid(f"the certificate names {', '.join(named) or 'no one'}, not the office "
                      f"{org.name!r}", field="certificate")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        can_sign = usage.digital_signature or usage.content_commitment
    except x509.ExtensionNotFound:
        can_sign = True  # no key usage extension: any usage
    if not can_sign:
        raise Invalid("the certificate may not sign documents: its key usage has neither "
                      "digitalSignature nor nonRepudiation", field="certificate")
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise Invalid(f"the certificate is valid from {cert.not_valid_before_utc:%d/%m/%Y} to "
                      f"{cert.not_valid_after_utc:%d/%m/%Y}, not today", field="certificate")
    if not chains_to_trust(cert, identity.chain, trust):
        raise Invalid("the certificate does not chain to a root of the trust store: import the "
                      "issuing CA's root and intermediates first", field="certificate")


def import_identity(ctx: AppContext, who: Principal | None, org_code: str,
                    identity: SigningIdentity) -> ImportedKey:
    """Make `identity` the office's active signing key; earlier keys are kept, inactive."""
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, org_code)
        if who is not None:
            require_admin_over(s, who, org)
        _check(org, identity, ctx.keys.trust_store(), ctx.clock())
        replaced = list(s.scalars(select(OfficeKey.serial).where(
            OfficeKey.organisation_id == org.id, OfficeKey.active.is_(True))))
        row = ctx.keys.store_identity(s, org, identity)
        cert = identity.certificate
        subject = cert.subject.rfc4514_string()
        try:
            audit_log.record(s, who, AuditAction.OFFICE_KEY_IMPORTED, "organisation", org.code,
                             details={"serial": row.serial, "subject": subject,
                                      "replaced": replaced})
            s.flush()
        except BaseException:  # no key file without the row that names it
            (ctx.keys.keys_dir / row.key_file).unlink(missing_ok=True)
            raise
    return ImportedKey(org_code, row.serial, subject, cert.not_valid_after_utc, replaced)


def token_identity(ref: TokenKey, pin_env: str, certificate_pem: bytes | None) -> TokenIdentity:
    """The token's key with its certificate (from `certificate_pem`, leaf then chain, or else
    from the token), after a probe signature shows the PIN opens the key and the key is the
    certificate's. Every problem is `Invalid` naming the field to fix."""
    try:
        pin = token_pin(pin_env)
        given, file_chain = None, []
        if certificate_pem is not None:
            try:
                given, *file_chain = x509.load_pem_x509_certificates(certificate_pem)
            except ValueError as exc:
                raise Invalid(f"the certificate cannot be read: {exc}",
                              field="certificate") from exc
        on_token, token_chain = token_certificates(ref, pin, given)
        cert = given or on_token
        if cert is None:
            raise Invalid(f"token {ref.token_text} holds no certificate beside the key with "
                          f"{ref.key_text}: give the office's certificate (--cert)",
                          field="certificate")
        identity = TokenIdentity(ref, cert, file_chain or token_chain, pin)
        identity.check()
    except TokenError as exc:
        raise Invalid(str(exc), field=TOKEN_FIELDS.get(exc.part)) from exc
    return identity


def import_token(ctx: AppContext, who: Principal | None, org_code: str, ref: TokenKey,
                 pin_env: str, certificate_pem: bytes | None = None, *,
                 allowed_modules: list[str] | None = None) -> ImportedKey:
    """Make the key on a token the office's active signing key, after the same checks as an
    imported file; earlier keys are kept, inactive. With `allowed_modules` (the API), only
    those modules are loaded."""
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, org_code)
        if who is not None:
            require_admin_over(s, who, org)
        if allowed_modules is not None and ref.module not in allowed_modules:
            raise Invalid(f"the module {ref.module} is not among the PKCS#11 modules this server "
                          f"allows (VANTHU_PKCS11_MODULES: {', '.join(allowed_modules) or 'none'}"
                          "); the operator adds it, or runs `vanthu keys pkcs11`", field="module")
        identity = token_identity(ref, pin_env, certificate_pem)
        _check(org, identity, ctx.keys.trust_store(), ctx.clock())
        replaced = list(s.scalars(select(OfficeKey.serial).where(
            OfficeKey.organisation_id == org.id, OfficeKey.active.is_(True))))
        row = ctx.keys.store_token(s, org, identity, pin_env)
        cert = identity.certificate
        subject = cert.subject.rfc4514_string()
        audit_log.record(s, who, AuditAction.OFFICE_KEY_IMPORTED, "organisation", org.code,
                         details={"serial": row.serial, "subject": subject, "replaced": replaced,
                                  "token": row.token})
    return ImportedKey(org_code, row.serial, subject, cert.not_valid_after_utc, replaced)


def import_token_from_api(ctx: AppContext, who: Principal, org_code: str,
                          body: dict[str, Any]) -> ImportedKey:
    """`import_token` for POST /orgs/{code}/keys/pkcs11: the module must be one the server's
    operator allowed (VANTHU_PKCS11_MODULES), since loading it runs its code in the server."""
    try:
        ref = TokenKey(body["module"], body.get("token_label"), body.get("slot"),
                       body.get("key_label"),
                       None if body.get("key_id") is None else bytes.fromhex(body["key_id"]))
    except TokenError as exc:
        raise Invalid(str(exc), field=TOKEN_FIELDS.get(exc.part)) from exc
    cert = body.get("certificate")
    return import_token(ctx, who, org_code, ref, body["pin_env"],
                        None if cert is None else cert.encode("ascii", "replace"),
                        allowed_modules=[m for m in ctx.settings.pkcs11_modules.split(":") if m])
