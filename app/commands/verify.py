"""`vanthu verify FILE.pdf --roots DIR`: check a signed PDF with no server and no database.

Every signature in the file and in the PDFs attached to it (the parents of a copy of a copy) is
checked against the trust roots in DIR, the chain is walked down to the original, and a report is
printed in plain words (or as JSON with ``--json``).

Exit status: 0 every check passed; 1 a check failed; 2 the input cannot be verified at all (a
missing or unreadable file, not a PDF, a damaged or truncated PDF, a PDF too complex to check
safely, no usable roots); 3 the PDF carries no signature.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_UNSIGNED = 0, 1, 2, 3


def _fail(message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"verdict": "ERROR", "ok": False, "error": message}, ensure_ascii=False))
    print(f"vanthu verify: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def run(args: argparse.Namespace) -> int:
    from signing import InputProblem, Limits, load_trust, verify_file

    try:
        trust = load_trust(args.roots, args.crl, args.revocation)
    except (OSError, ValueError) as exc:
        return _fail(f"cannot read the trust roots in {args.roots}: {exc}", args.json)
    try:
        report = verify_file(
            args.file,
            trust,
            manifest_paths=args.manifest,
            source_paths=args.source,
            limits=Limits(max_bytes=args.max_mb * 1024 * 1024),
        )
    except InputProblem as exc:
        return _fail(f"{args.file}: {exc.message}", args.json)
    except OSError as exc:
        return _fail(f"cannot read {exc.filename or args.file}: {exc.strerror or exc}", args.json)
    if args.json:
        out: dict[str, Any] = {"file": str(args.file), **report.to_dict()}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(report.text(args.file.name))
    if report.unsigned:
        return EXIT_UNSIGNED
    return EXIT_OK if report.ok else EXIT_FAILED


def register(subparsers: Any) -> None:
    """Add `verify` to the `vanthu` command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "verify",
        help="verify a signed PDF and its copy chain offline (exit 0 only when all is valid)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="FILE.pdf", help="the PDF to verify")
    p.add_argument(
        "--roots",
        type=Path,
        required=True,
        metavar="DIR",
        help="trust roots: the folder `vanthu keys export-roots` writes (PEM files), or a trust "
        "folder with roots/, intermediates/ and crls/",
    )
    p.add_argument(
        "--crl", type=Path, action="append", default=[], metavar="FILE",
        help="a CRL (PEM or DER) to check revocation with; repeatable",
    )
    p.add_argument(
        "--manifest", type=Path, action="append", default=[], metavar="FILE",
        help="a signed manifest (*.manifest.json) for the file or one of its parents; repeatable "
        "(copies made by vanthu carry their manifest inside)",
    )
    p.add_argument(
        "--source", type=Path, action="append", default=[], metavar="FILE",
        help="a source PDF the file does not carry (e.g. the original of a trích sao); repeatable",
    )
    p.add_argument(
        "--revocation", choices=("require", "prefer", "ignore", "soft-fail"), default="prefer",
        help="revocation policy: 'require' a definite OCSP or CRL answer (else fail); 'prefer' "
        "(default) OCSP when the certificate names a responder and it answers, else the CRLs, "
        "not checked when neither answers; 'ignore' do not check; 'soft-fail' = prefer",
    )
    p.add_argument("--max-mb", type=int, default=256, help="refuse inputs larger than this")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=run)
