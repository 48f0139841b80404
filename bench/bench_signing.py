"""Benchmark the signing library against raw `cryptography` sign/verify of the same key type.

Run: .venv/bin/python bench/bench_signing.py [--quick]
Prints a markdown table and writes bench/results/signing.json: a list of rows
{name, value, unit, baseline_name, baseline_value, ratio} (ratio = value / baseline_value).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from reportlab.pdfgen import canvas

from signing.ca import DevCA
from signing.chain import verify_chain
from signing.identity import SigningIdentity
from signing.keys import KeyType
from signing.manifest import canonical_bytes, sha256_hex, sign_manifest, verify_manifest
from signing.pdf_sign import StampText, embed_parent, find_font, sign_pdf
from signing.pdf_validate import validate_pdf
from signing.timefmt import VN_TZ, iso_vn
from signing.trust import TrustStore

RESULTS = Path(__file__).resolve().parent / "results" / "signing.json"


@dataclass
class Row:
    name: str
    value: float
    unit: str
    baseline_name: str
    baseline_value: float
    ratio: float


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Operations per second of `fn`, run repeatedly for at least `seconds` (after one warm-up)."""
    fn()
    n = 0
    start = time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and n >= 3:
            return n / elapsed


def raw_ops(
    ident: SigningIdentity, data: bytes
) -> tuple[Callable[[], object], Callable[[], object]]:
    key = ident.private_key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        sig = key.sign(data, ec.ECDSA(hashes.SHA256()))
        pub_ec = key.public_key()
        return (
            lambda: key.sign(data, ec.ECDSA(hashes.SHA256())),
            lambda: pub_ec.verify(sig, data, ec.ECDSA(hashes.SHA256())),
        )
    if isinstance(key, rsa.RSAPrivateKey):
        sig = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        pub_rsa = key.public_key()
        return (
            lambda: key.sign(data, padding.PKCS1v15(), hashes.SHA256()),
            lambda: pub_rsa.verify(sig, data, padding.PKCS1v15(), hashes.SHA256()),
        )
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    sig = key.sign(data)
    pub_ed = key.public_key()
    return (lambda: key.sign(data), lambda: pub_ed.verify(sig, data))


def source_pdf() -> bytes:
    buf = BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 780, "160-TB/TW")
    c.showPage()
    c.save()
    return buf.getvalue()


def manifest(source: bytes, when: datetime, notation: str, parent: str | None) -> dict[str, object]:
    return {
        "version": 1,
        "kind": "SAO_LUC",
        "notation": notation,
        "office": {"code": "VPTU", "name": "Văn phòng Tỉnh ủy", "email": "VPTU@TUDaknong"},
        "place": "Đắk Nông",
        "date": when.date().isoformat(),
        "signer": {"authority": "", "title": "CHÁNH VĂN PHÒNG", "name": "Lê Văn Chiến"},
        "signed_at": iso_vn(when),
        "recipients": ["Lưu VT"],
        "source": {
            "notation": "160-TB/TW",
            "sha256": sha256_hex(source),
            "kind": "copy" if parent else "original",
        },
        "parent_manifest_sha256": parent,
        "pages": None,
    }


def bench_key_type(
    kt: KeyType, ca: DevCA, trust: TrustStore, font: Path, src: bytes, seconds: float
) -> list[Row]:
    """Rows for one key type: manifests, PDF signing/validation, a depth-3 chain."""
    t0 = datetime(2020, 2, 4, 15, 30, 15, tzinfo=VN_TZ)
    rows: list[Row] = []
    ident = ca.issue_office("Văn phòng Tỉnh ủy", "VPTU@TUDaknong", key_type=kt)
    m = manifest(src, t0, "397-BS/VPTU", None)
    data = canonical_bytes(m)
    raw_sign, raw_verify = raw_ops(ident, data)
    base_s = rate(raw_sign, seconds)
    base_v = rate(raw_verify, seconds)
    bs, bv = f"raw cryptography sign ({kt})", f"raw cryptography verify ({kt})"

    def add(name: str, value: float, bname: str, bval: float) -> None:
        rows.append(
            Row(name, round(value, 2), "ops/s", bname, round(bval, 2), round(value / bval, 5))
        )

    env = sign_manifest(m, ident)
    add(f"manifest sign ({kt})", rate(lambda: sign_manifest(m, ident), seconds), bs, base_s)
    add(
        f"manifest verify ({kt})",
        rate(lambda: verify_manifest(env, trust), seconds),
        bv,
        base_v,
    )
    stamp = StampText.office("Văn phòng", "VPTU@TUDaknong", t0)

    def pdf_sign(doc: bytes = src, when: datetime = t0, digest: str | None = None) -> bytes:
        return sign_pdf(
            doc,
            ident,
            signed_at=when,
            appearance=stamp,
            box=(300.0, 60.0, 560.0, 140.0),
            font_path=font,
            manifest_sha256=digest,
        )

    signed = pdf_sign()
    add(f"PDF sign, visible stamp ({kt})", rate(pdf_sign, seconds), bs, base_s)
    add(f"PDF validate ({kt})", rate(lambda: validate_pdf(signed, trust), seconds), bv, base_v)
    # Chain of depth 3: copy → copy → copy → original (original signed too).
    pdf, env_prev = signed, None
    for depth, notation in enumerate(("397-BS/VPTU", "30-SL/VPDUK", "41-BS/VPTU"), start=1):
        when = t0.replace(day=4 + depth)
        mm = manifest(pdf, when, notation, env_prev.sha256 if env_prev else None)
        e = sign_manifest(mm, ident)
        pdf = pdf_sign(embed_parent(source_pdf(), pdf, "nguon.pdf", "nguồn"), when, e.sha256)
        env_prev = e
    top, top_env = pdf, env_prev
    report = verify_chain(top, trust, None, top_env)
    if not report.ok:
        raise SystemExit(f"benchmark chain does not verify: {report.reasons}")
    add(
        f"chain verify, depth 3 ({kt})",
        rate(lambda: verify_chain(top, trust, None, top_env), seconds),
        bv,
        base_v,
    )
    return rows


def run(quick: bool) -> list[Row]:
    seconds = 0.4 if quick else 2.0
    tmp = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    ca = DevCA.create(tmp / "ca", b"bench")
    trust = TrustStore.from_dir(ca.write_trust_dir(tmp / "trust"))
    font = find_font()
    src = source_pdf()
    rows: list[Row] = []
    key_types: tuple[KeyType, ...] = ("ec-p256",) if quick else ("ec-p256", "rsa-2048", "ed25519")
    for kt in key_types:
        rows.extend(bench_key_type(kt, ca, trust, font, src, seconds))
    return rows


def main() -> None:
    # fontTools notes each font table it cannot subset (e.g. FFTM); harmless, and noise here.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, ECDSA P-256 only")
    args = parser.parse_args()
    rows = run(args.quick)
    print("| operation | ops/s | baseline | baseline ops/s | ratio |")
    print("|---|---:|---|---:|---:|")
    for r in rows:
        print(
            f"| {r.name} | {r.value:,.1f} | {r.baseline_name} | {r.baseline_value:,.1f} "
            f"| {r.ratio:.4f} |"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
