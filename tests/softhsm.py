"""A real PKCS#11 token for tests: SoftHSM2 (Debian `softhsm2`) with its own configuration and
token folder in a temporary directory, a token made with `softhsm2-util --init-token`, and key
pairs generated on it (the private half never leaves it). The development CA certifies a key's
public half, and the certificate is stored on the token beside the key, as a CA's token comes.

SoftHSM reads SOFTHSM2_CONF once, when a process first loads the module, so the token is made
once per test process (`softhsm` fixture, session scope) and each test makes its own keys.
Under CI a missing SoftHSM2 is a failure (tests/tooling.py), else a skip with the reason.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing import DevCA, TokenKey
from tests.tooling import require_tool

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN_LABEL = "vanthu-test"
USER_PIN = "246813"
SO_PIN = "97531864"
PIN_ENV = "VANTHU_TEST_TOKEN_PIN"
_labels = itertools.count(1)


@dataclass(frozen=True)
class SoftToken:
    module: str
    label: str
    pin: str
    conf: Path

    def ref(self, key_label: str) -> TokenKey:
        return TokenKey(self.module, token_label=self.label, key_label=key_label)

    def generate(self, key_type: str = "ec-p256") -> tuple[str, bytes]:
        """A new key pair on the token; its label and the public half (SubjectPublicKeyInfo
        DER)."""
        import pkcs11
        from pkcs11 import Attribute, KeyType, Mechanism
        from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
        from pkcs11.util.rsa import encode_rsa_public_key

        label = f"office-{os.getpid()}-{next(_labels)}"
        key_id = label.encode("ascii")
        token = pkcs11.lib(self.module).get_token(token_label=self.label)
        with token.open(user_pin=self.pin, rw=True) as session:
            if key_type == "ec-p256":
                params = session.create_domain_parameters(KeyType.EC, {
                    Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
                public, _ = params.generate_keypair(store=True, label=label, id=key_id)
                return label, encode_ec_public_key(public)
            if key_type == "ed25519":
                from asn1crypto import core
                from cryptography.hazmat.primitives.asymmetric import ed25519

                public, _ = session.generate_keypair(
                    KeyType.EC_EDWARDS, store=True, label=label, id=key_id,
                    mechanism=Mechanism.EC_EDWARDS_KEY_PAIR_GEN,
                    public_template={Attribute.EC_PARAMS: core.ObjectIdentifier(
                        "1.3.101.112").dump()})
                point = core.OctetString.load(public[Attribute.EC_POINT]).native
                return label, ed25519.Ed25519PublicKey.from_public_bytes(point).public_bytes(
                    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            public, _ = session.generate_keypair(KeyType.RSA, 2048, store=True, label=label,
                                                 id=key_id)
            der = serialization.load_der_public_key(encode_rsa_public_key(public)).public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            return label, der

    def store_certificate(self, label: str, certificates: list[x509.Certificate]) -> None:
        """Put the key's certificate on the token beside it (same label and id), and the CA
        certificates after it."""
        import pkcs11
        from pkcs11 import Attribute, CertificateType, ObjectClass

        token = pkcs11.lib(self.module).get_token(token_label=self.label)
        with token.open(user_pin=self.pin, rw=True) as session:
            for i, cert in enumerate(certificates):
                name = label if i == 0 else f"{label}-ca-{i}"
                session.create_object({
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
                    Attribute.LABEL: name, Attribute.ID: name.encode("ascii"),
                    Attribute.SUBJECT: cert.subject.public_bytes(),
                    Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})

    def office_key(self, ca: DevCA, office_name: str, email: str, *, organisation: str,
                   key_type: str = "ec-p256", on_token: bool = True) -> tuple[str, x509.Certificate]:
        """A key made on the token and its office certificate from `ca` (stored on the token
        unless `on_token` is false)."""
        label, public_der = self.generate(key_type)
        public = serialization.load_der_public_key(public_der)
        cert = ca.certify_office(public, office_name, email,  # type: ignore[arg-type]
                                 organisation=organisation)
        if on_token:
            self.store_certificate(label, [cert, ca.intermediate_cert])
        return label, cert


def module_path() -> str:
    require_tool("softhsm2-util")
    for path in MODULES:
        if Path(path).is_file():
            return path
    reason = f"the SoftHSM2 PKCS#11 module is not in {', '.join(MODULES)} (Debian softhsm2)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
    raise AssertionError("unreachable")


@contextmanager
def soft_token() -> Iterator[SoftToken]:
    """An initialised SoftHSM2 token for this process, and PIN_ENV holding its PIN."""
    module = module_path()
    with tempfile.TemporaryDirectory(prefix="vanthu-softhsm-") as tmp:
        conf = Path(tmp) / "softhsm2.conf"
        (Path(tmp) / "tokens").mkdir()
        conf.write_text(f"directories.tokendir = {tmp}/tokens\nobjectstore.backend = file\n"
                        "log.level = ERROR\nslots.removable = false\n")
        saved = {k: os.environ.get(k) for k in ("SOFTHSM2_CONF", PIN_ENV)}
        os.environ["SOFTHSM2_CONF"] = str(conf)
        os.environ[PIN_ENV] = USER_PIN
        try:
            subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL,
                            "--pin", USER_PIN, "--so-pin", SO_PIN], check=True,
                           capture_output=True, timeout=60)
            yield SoftToken(module, TOKEN_LABEL, USER_PIN, conf)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
