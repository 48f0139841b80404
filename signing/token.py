"""An office key on a PKCS#11 token or HSM (a USB token, a network HSM, SoftHSM2 in tests),
through python-pkcs11. The key never leaves the token: pyHanko's `PKCS11Signer` signs the PDF
and the token's own mechanism (ECDSA, RSA PKCS#1 v1.5 or EdDSA, by the key) the manifest.

Every problem a person can fix is a `TokenError` naming the part to fix (`part`: module, token,
pin, key, certificate). A wrong PIN is never retried: a real token locks after a few.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from signing.keys import KeyType, key_type_of
from signing.signer import ALGORITHMS, certificates_pem
from signing.x509check import issued_by

if TYPE_CHECKING:
    import pkcs11
    from pyhanko.sign.pkcs11 import PKCS11Signer

_lock = threading.Lock()  # C_Initialize runs once per module and process


class TokenError(ValueError):
    """A token problem a person can fix; `part` says what: module, token, pin, key, certificate."""

    def __init__(self, message: str, part: str) -> None:
        super().__init__(message)
        self.part = part


@dataclass(frozen=True)
class TokenKey:
    """Where the key is: the PKCS#11 module (a .so file), the token (its label, or the slot id
    `pkcs11-tool -L` shows) and the private key on it (its label, its id, or both)."""

    module: str
    token_label: str | None = None
    slot: int | None = None
    key_label: str | None = None
    key_id: bytes | None = None

    def __post_init__(self) -> None:
        if self.token_label is None and self.slot is None:
            raise TokenError("name the token: its label or its slot", "token")
        if self.key_label is None and self.key_id is None:
            raise TokenError("name the key on the token: its label or its id", "key")

    @property
    def token_text(self) -> str:
        return f"{self.token_label!r}" if self.token_label is not None else f"in slot {self.slot}"

    @property
    def key_text(self) -> str:
        named = [f"label {self.key_label!r}"] if self.key_label is not None else []
        named += [f"id {self.key_id.hex()}"] if self.key_id is not None else []
        return " and ".join(named)

    def locate(self) -> None:
        """Raise TokenError unless the module loads and the token is present (no PIN is used,
        so a wrong one is not spent)."""
        _token(self)

    def to_dict(self) -> dict[str, Any]:
        return {"module": self.module, "token_label": self.token_label, "slot": self.slot,
                "key_label": self.key_label,
                "key_id": None if self.key_id is None else self.key_id.hex()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenKey:
        key_id = data.get("key_id")
        return cls(str(data["module"]), data.get("token_label"), data.get("slot"),
                   data.get("key_label"), None if key_id is None else bytes.fromhex(key_id))


def _library(module: str) -> Any:
    try:
        import pkcs11
    except ImportError as exc:
        raise TokenError("python-pkcs11 is not installed: install vanthu with its pkcs11 extra "
                         "(pip install 'vanthu[pkcs11]')", "module") from exc
    if not Path(module).is_file():
        raise TokenError(f"the PKCS#11 module {module} does not exist: install the token's "
                         "driver or give its path (--module)", "module")
    with _lock:
        try:
            return pkcs11.lib(module)
        except Exception as exc:  # a module that is not PKCS#11 fails in many ways
            raise TokenError(f"the PKCS#11 module {module} cannot be loaded: {exc}",
                             "module") from exc


def _token(ref: TokenKey) -> pkcs11.Token:
    from pkcs11 import PKCS11Error

    lib = _library(ref.module)
    try:
        tokens: list[pkcs11.Token] = [
            slot.get_token() for slot in lib.get_slots(token_present=True)
            if ref.slot is None or slot.slot_id == ref.slot]
    except PKCS11Error as exc:
        raise TokenError(f"the slots of {ref.module} cannot be read: {type(exc).__name__}",
                         "token") from exc
    for token in tokens:
        if ref.token_label is None or token.label == ref.token_label:
            return token
    seen = ", ".join(repr(t.label) for t in tokens) or "none"
    raise TokenError(f"no token {ref.token_text} is present in {ref.module} (tokens found: "
                     f"{seen}); plug the token in, or correct the token label", "token")


@contextmanager
def token_session(ref: TokenKey, pin: str) -> Iterator[pkcs11.Session]:
    """A session on the token, logged in with `pin`, closed when the block ends."""
    from pkcs11 import PinIncorrect, PinLenRange, PinLocked, PKCS11Error

    token = _token(ref)
    try:
        session = token.open(user_pin=pin)
    except (PinIncorrect, PinLenRange) as exc:
        raise TokenError(f"the PIN is wrong for token {ref.token_text}: correct the PIN "
                         "variable (a token locks itself after a few wrong PINs, so this one "
                         "is not tried again)", "pin") from exc
    except PinLocked as exc:
        raise TokenError(f"token {ref.token_text} has locked its PIN after wrong tries: its "
                         "security officer must unlock it", "pin") from exc
    except PKCS11Error as exc:
        raise TokenError(f"token {ref.token_text} cannot be opened: {type(exc).__name__}",
                         "token") from exc
    try:
        yield session
    finally:
        session.close()


def _query(ref: TokenKey, object_class: Any) -> dict[Any, Any]:
    from pkcs11 import Attribute

    query: dict[Any, Any] = {Attribute.CLASS: object_class}
    if ref.key_label is not None:
        query[Attribute.LABEL] = ref.key_label
    if ref.key_id is not None:
        query[Attribute.ID] = ref.key_id
    return query


def _private_key(session: pkcs11.Session, ref: TokenKey) -> Any:
    from pkcs11 import ObjectClass

    found = list(session.get_objects(_query(ref, ObjectClass.PRIVATE_KEY)))
    if not found:
        raise TokenError(f"token {ref.token_text} holds no private key with {ref.key_text}: "
                         "correct the key label or id (`pkcs11-tool --list-objects --login` "
                         "lists the token's keys)", "key")
    if len(found) > 1:
        raise TokenError(f"token {ref.token_text} holds {len(found)} private keys with "
                         f"{ref.key_text}: name the key by its id as well", "key")
    return found[0]


def token_certificates(ref: TokenKey, pin: str, certificate: x509.Certificate | None = None,
                       ) -> tuple[x509.Certificate | None, list[x509.Certificate]]:
    """The certificate stored beside the key (same label or id), if any, and the chain above
    `certificate` (default: that one) among the certificates the token carries: the issuer
    first, up to a self-signed root, as far as the token has them."""
    from pkcs11 import Attribute, ObjectClass

    with token_session(ref, pin) as session:
        _private_key(session, ref)  # the key must be there before its certificate matters
        mine = [x509.load_der_x509_certificate(o[Attribute.VALUE])
                for o in session.get_objects(_query(ref, ObjectClass.CERTIFICATE))]
        every = [x509.load_der_x509_certificate(o[Attribute.VALUE])
                 for o in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})]
    leaf = mine[0] if mine else None
    start = certificate or leaf
    return leaf, [] if start is None else issuers_of(start, every)


def issuers_of(leaf: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    """The chain above `leaf` found in `pool`: by names, and each link's signature checked, since
    two generations of a CA (G1, G2) or two test CAs may share a name but not a key."""
    chain: list[x509.Certificate] = []
    current = leaf
    while current.issuer != current.subject and len(chain) < 8:
        parent = next((c for c in pool if c.subject == current.issuer and c not in chain
                       and issued_by(current, c)), None)
        if parent is None:
            break
        chain.append(parent)
        current = parent
    return chain


@dataclass(frozen=True)
class TokenIdentity:
    """An `OfficeSigner` whose key stays on a token: the key's place, its certificate and chain,
    and the PIN (never written anywhere by this library)."""

    ref: TokenKey
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)
    pin: str = field(default="", repr=False)

    @property
    def key_type(self) -> KeyType:
        return key_type_of(self.certificate.public_key())  # type: ignore[arg-type]

    def chain_pem(self) -> list[str]:
        return certificates_pem(self.certificate, self.chain)

    @contextmanager
    def open(self) -> Iterator[TokenSession]:
        with token_session(self.ref, self.pin) as session:
            yield TokenSession(self, session, _private_key(session, self.ref))

    def check(self) -> None:
        """Sign a probe on the token and verify it with the certificate: the key is there, the
        PIN opens it, and it is the certificate's key."""
        from signing.manifest import verify_raw

        probe = b"vanthu: does this token key match its certificate?"
        with self.open() as key:
            signature, algorithm = key.sign_bytes(probe)
        try:
            verify_raw(self.certificate.public_key(), algorithm, signature, probe)  # type: ignore[arg-type]
        except InvalidSignature as exc:
            raise TokenError(f"the key with {self.ref.key_text} on token {self.ref.token_text} "
                             "is not the certificate's key: give the certificate issued for "
                             "this key", "certificate") from exc


class TokenSession:
    """A `KeySession`: the token's key with its session open."""

    def __init__(self, identity: TokenIdentity, session: pkcs11.Session, key: Any) -> None:
        self.identity, self._session, self._key = identity, session, key

    @property
    def certificate(self) -> x509.Certificate:
        return self.identity.certificate

    @property
    def chain(self) -> list[x509.Certificate]:
        return self.identity.chain

    @property
    def key_type(self) -> KeyType:
        return self.identity.key_type

    def chain_pem(self) -> list[str]:
        return self.identity.chain_pem()

    def open(self) -> AbstractContextManager[TokenSession]:
        return nullcontext(self)

    def sign_bytes(self, data: bytes) -> tuple[bytes, str]:
        from pkcs11 import Mechanism, PKCS11Error
        from pkcs11.util.ec import encode_ecdsa_signature

        kind = self.key_type
        try:
            if kind == "ec-p256":  # raw ECDSA on the digest: every token has it
                raw = self._key.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA)
                return encode_ecdsa_signature(raw), ALGORITHMS["ec"]
            if kind == "ed25519":
                return self._key.sign(data, mechanism=Mechanism.EDDSA), ALGORITHMS["ed25519"]
            return self._key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS), ALGORITHMS["rsa"]
        except PKCS11Error as exc:
            raise TokenError(f"token {self.identity.ref.token_text} refused to sign with the key "
                             f"with {self.identity.ref.key_text}: {type(exc).__name__}",
                             "key") from exc

    def pdf_signer(self) -> PKCS11Signer:
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.pkcs11 import PKCS11Signer

        der = serialization.Encoding.DER
        ref = self.identity.ref
        return PKCS11Signer(
            self._session,
            signing_cert=asn1_x509.Certificate.load(self.certificate.public_bytes(der)),
            ca_chain=[asn1_x509.Certificate.load(c.public_bytes(der)) for c in self.chain],
            key_label=ref.key_label, key_id=ref.key_id,
            use_raw_mechanism=self.key_type == "ec-p256")
