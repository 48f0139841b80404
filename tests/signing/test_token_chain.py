"""A token's chain is the issuers of the office certificate, each link's signature checked: two
generations of a CA (G1, G2) share a name, not a key, and a token may carry both."""

from __future__ import annotations

from pathlib import Path

from signing import DevCA
from signing.token import issuers_of


def test_same_named_generations_give_the_one_that_signed(tmp_path: Path) -> None:
    g1 = DevCA.create(tmp_path / "g1", b"g1", name="Root CA chuyên dùng Chính phủ")
    g2 = DevCA.create(tmp_path / "g2", b"g2", name="Root CA chuyên dùng Chính phủ")
    assert g1.intermediate_cert.subject == g2.intermediate_cert.subject
    leaf = g2.issue_office("Văn phòng Tỉnh ủy Đắk Nông", "vptu@daknong.dcs.vn").certificate
    pool = [g1.intermediate_cert, g1.root_cert, g2.intermediate_cert, g2.root_cert]
    assert issuers_of(leaf, pool) == [g2.intermediate_cert, g2.root_cert]
    assert issuers_of(leaf, [g1.intermediate_cert, g1.root_cert]) == []
