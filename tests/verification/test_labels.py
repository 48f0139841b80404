"""Every check the signing library can report has its Vietnamese name on the auditor's report."""

from __future__ import annotations

from app.services.verification_pdf import CHECK_NAMES, check_label
from signing import Check, CheckCode, Status


def test_every_check_code_has_a_vietnamese_name() -> None:
    assert set(CHECK_NAMES) == set(CheckCode)
    assert len(set(CHECK_NAMES.values())) == len(CHECK_NAMES)  # no two checks read the same


def test_a_check_of_one_of_several_signatures_names_its_field() -> None:
    check = Check(CheckCode.INTEGRITY, Status.FAILED, "changed", signature_field="Signature2")
    assert check.name == "Signature2: integrity"
    assert check_label(check) == "Signature2: Toàn vẹn"
    assert check_label(Check.not_checked(CheckCode.REVOCATION, "no CRL")) == "Thu hồi"
