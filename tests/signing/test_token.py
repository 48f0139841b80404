"""A key on a PKCS#11 token (SoftHSM2; ECDSA P-256, RSA 2048, Ed25519) signs the manifest and
the PDF: the key never leaves the token, and the signatures verify as a key in a file's do
(pyHanko, poppler's pdfsig)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from signing import TokenError, TokenIdentity, TokenKey
from signing.ca import DevCA
from signing.manifest import sign_manifest, verify_manifest
from signing.trust import TrustStore
from tests.signing.conftest import EMAIL, OFFICE, T_SAO_LUC, manifest_for, pdfsig, sign


def _identity(softhsm: Any, dev_ca: DevCA, key_type: str = "ec-p256") -> TokenIdentity:
    label, cert = softhsm.office_key(dev_ca, OFFICE, EMAIL, organisation=OFFICE,
                                     key_type=key_type)
    return TokenIdentity(softhsm.ref(label), cert, [dev_ca.intermediate_cert], softhsm.pin)


@pytest.mark.tools
@pytest.mark.parametrize("key_type", ["ec-p256", "rsa-2048", "ed25519"])
def test_a_token_key_signs_the_manifest_and_the_pdf(
        softhsm: Any, dev_ca: DevCA, trust: TrustStore, source_pdf: bytes, font_path: Path,
        nss_dir: Path, tmp_path: Path, key_type: str) -> None:
    identity = _identity(softhsm, dev_ca, key_type)
    identity.check()
    envelope = sign_manifest(manifest_for(source_pdf=source_pdf), identity)
    checked = verify_manifest(envelope, trust)
    assert checked.ok, checked.checks
    assert checked.serial == format(identity.certificate.serial_number, "x")
    signed = sign(source_pdf, identity, T_SAO_LUC, font_path)  # type: ignore[arg-type]
    (sig,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(sig, trust.validation_context(T_SAO_LUC))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    report = pdfsig(signed, nss_dir, tmp_path)
    if key_type == "ed25519":  # as for a key in a file: poppler 22.12 + NSS cannot check it
        assert ("Signature is Valid." in report
                or "Document isn't signed or corrupted data." in report), report
        assert "Digest Mismatch" not in report
    else:
        assert "Signature is Valid." in report and "Certificate is Trusted." in report, report


def test_token_problems_name_what_to_fix(softhsm: Any, dev_ca: DevCA, tmp_path: Path) -> None:
    good = _identity(softhsm, dev_ca)
    cases = [
        (TokenKey(str(tmp_path / "none.so"), token_label="x", key_label="k"), softhsm.pin,
         "module", "does not exist"),
        (TokenKey(softhsm.module, token_label="no-such-token", key_label="k"), softhsm.pin,
         "token", "no token 'no-such-token' is present"),
        (good.ref, "000000", "pin", "the PIN is wrong"),
        (softhsm.ref("no-such-key"), softhsm.pin, "key", "holds no private key with label "
         "'no-such-key'"),
    ]
    for ref, pin, part, says in cases:
        with pytest.raises(TokenError) as caught:
            TokenIdentity(ref, good.certificate, [], pin).check()
        assert caught.value.part == part and says in str(caught.value), caught.value
    other = _identity(softhsm, dev_ca)
    with pytest.raises(TokenError) as caught:
        TokenIdentity(good.ref, other.certificate, [], softhsm.pin).check()
    assert caught.value.part == "certificate" and "is not the certificate's key" in str(caught.value)
    with pytest.raises(TokenError, match="name the key"):
        TokenKey(softhsm.module, token_label="x")


def test_a_token_is_found_by_its_slot_too(softhsm: Any, dev_ca: DevCA) -> None:
    import pkcs11

    good = _identity(softhsm, dev_ca)
    slot = pkcs11.lib(softhsm.module).get_token(token_label=softhsm.label).slot.slot_id
    by_slot = TokenKey(softhsm.module, slot=slot, key_label=good.ref.key_label)
    TokenIdentity(by_slot, good.certificate, [], softhsm.pin).check()
    with pytest.raises(TokenError, match=f"no token in slot {slot + 1} is present"):
        TokenKey(softhsm.module, slot=slot + 1, key_label="k").locate()
