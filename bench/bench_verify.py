"""Chain verifications per second at depths 1, 3 and 10, beside the raw signature verifications
the same chain contains, measured in the same run.

A chain of depth d is the original and d certified copies made as the copy service makes them
(tests/verification/chains.py): d + 1 PDF signatures (CMS, ECDSA P-256) and d signed manifests.
The baseline ("raw") verifies exactly those 2d + 1 signatures once each with `cryptography`: the
CMS signature over each PDF signature's signed attributes, and each manifest signature over its
canonical bytes. Everything else a chain verification does (parsing the PDFs and their attached
parents, digests, certificate paths and CRLs at the signing time, pyHanko's modification
analysis, the manifest checks and the report) is the overhead the ratio shows.

Rows per depth: `signing.chain.verify_chain` alone; `signing.offline.verify_pdf` in-process (what
`vanthu verify` runs: the bounded scan of the file tree, the chain, the report); and the service
path (`POST /verify`'s bounded child process, `run_bounded`).

Run: .venv/bin/python bench/bench_verify.py [--quick]
Writes bench/results/verify.json: rows {name, value, unit, baseline_name, baseline_value, ratio}.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402

from app.services.verification_sandbox import Budget, run_bounded  # noqa: E402
from signing.ca import DevCA  # noqa: E402
from signing.chain import verify_chain  # noqa: E402
from signing.identity import SigningIdentity  # noqa: E402
from signing.keys import PublicKey  # noqa: E402
from signing.manifest import SignedManifest, verify_raw  # noqa: E402
from signing.offline import verify_pdf  # noqa: E402
from signing.pdf_validate import list_attachments  # noqa: E402
from signing.trust import TrustStore  # noqa: E402

if TYPE_CHECKING:
    from bench_signing import Row

    from tests.verification.chains import Chain

RESULTS = Path(__file__).resolve().parent / "results" / "verify.json"
DEPTHS = (1, 3, 10)


def raw_verifications(chain: Chain) -> list[Callable[[], None]]:
    """One `cryptography` verify per signature in the chain (PDF CMS signatures and manifests)."""
    calls: list[Callable[[], None]] = []
    pdfs = [chain.top]
    while pdfs:
        pdf = pdfs.pop()
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        for sig in reader.embedded_signatures:
            info = sig.signer_info
            attrs = b"\x31" + info["signed_attrs"].dump()[1:]  # [0] IMPLICIT → SET OF, as signed
            value = info["signature"].native
            key = x509.load_der_x509_certificate(sig.signer_cert.dump()).public_key()
            assert isinstance(key, ec.EllipticCurvePublicKey)

            def cms(key: ec.EllipticCurvePublicKey = key, value: bytes = value,
                    attrs: bytes = attrs) -> None:
                key.verify(value, attrs, ec.ECDSA(hashes.SHA256()))

            calls.append(cms)
        pdfs.extend(a.data for a in list_attachments(reader) if a.is_pdf)
    for env in chain.manifests:
        leaf = x509.load_pem_x509_certificate(env.certificates_pem[0].encode("ascii"))

        def manifest(env: SignedManifest = env, key: PublicKey = leaf.public_key()) -> None:  # type: ignore[assignment]
            verify_raw(key, env.signature_algorithm, env.signature, env.manifest_bytes)

        calls.append(manifest)
    for call in calls:
        call()  # every baseline signature really verifies
    return calls


def run(quick: bool) -> list[Row]:
    # Imported here, not at the top: each bounded child re-runs this file as __mp_main__ (as it
    # re-runs `vanthu` in service), and should not pay for the chain builder each time.
    from bench_signing import Row, rate

    from tests.verification.chains import build_chain

    seconds = 0.5 if quick else 3.0
    tmp = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    ca = DevCA.create(tmp / "ca", b"bench")
    trust = TrustStore.from_dir(ca.write_trust_dir(tmp / "trust"))
    rows: list[Row] = []
    identities: dict[str, SigningIdentity] = {}
    for depth in DEPTHS:
        chain = build_chain(ca, depth, identities=identities)
        identities.update(chain.identities)
        report = verify_pdf(chain.top, trust)
        if not report.ok or len(report.links) != depth + 1:
            raise SystemExit(f"depth {depth}: the benchmark chain does not verify: {report.reasons}")
        calls = raw_verifications(chain)
        assert len(calls) == 2 * depth + 1, len(calls)

        def raw_chain(calls: list[Callable[[], None]] = calls) -> None:
            for call in calls:
                call()

        base = rate(raw_chain, seconds)
        base_name = f"raw cryptography verify of its {len(calls)} signatures (depth {depth})"
        top = chain.top
        walk = rate(partial(verify_chain, top, trust), seconds)
        offline = rate(partial(verify_pdf, top, trust), seconds)
        bounded = rate(partial(run_bounded, top, [], trust, None, Budget()), seconds)
        for name, value in ((f"signing.chain.verify_chain alone, depth {depth}", walk),
                            (f"chain verify in-process (vanthu verify), depth {depth}", offline),
                            (f"chain verify in bounded child (POST /verify), depth {depth}",
                             bounded)):
            rows.append(Row(name, round(value, 3), "chains/s", base_name, round(base, 2),
                            round(value / base, 6)))
        print(f"depth {depth}: {len(top) / 1024:.0f} KiB, {len(calls)} signatures, raw "
              f"{base:,.1f} chains/s, verify_chain {walk:,.2f}/s, in-process {offline:,.2f}/s, "
              "bounded child "
              f"{bounded:,.2f}/s", flush=True)
    return rows


def main() -> None:
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs")
    args = parser.parse_args()
    rows = run(args.quick)
    print("\n| operation | chains/s | baseline | baseline chains/s | ratio |")
    print("|---|---:|---|---:|---:|")
    for r in rows:
        print(f"| {r.name} | {r.value:,.2f} | {r.baseline_name} | {r.baseline_value:,.1f} "
              f"| {r.ratio:.5f} (1/{1 / r.ratio:,.0f}) |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
