"""`vanthu audit verify | sign | log-key`: the audit log from the command line, no server needed.

``verify`` exits 0 when the log, its signed heads, the register rows, users, tokens, register
series and stored files all check out, 1 when anything was altered (naming the first altered
event and each altered row or file), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from app.audit.tree_head import VerifyingKey

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def load_public_key(path: Path) -> VerifyingKey:
    """A log public key from a PEM file (ECDSA P-256 or Ed25519); ValueError otherwise."""
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        raise ValueError(f"{path}: a log key is ECDSA P-256 or Ed25519, not {type(key).__name__}")
    return key


def _verify(args: argparse.Namespace) -> int:
    from app.context import AppContext
    from app.services.audit_verify import verify
    from app.settings import get_settings

    key: VerifyingKey | None = None
    if args.log_key is not None:
        try:
            key = load_public_key(args.log_key)
        except (OSError, ValueError) as exc:
            print(f"vanthu audit verify: cannot read the log key: {exc}", file=sys.stderr)
            return EXIT_USAGE
    ctx = AppContext.from_settings(get_settings())
    try:
        report = verify(ctx, key)
    finally:
        ctx.db.dispose()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.summary())
    return EXIT_OK if report.ok else EXIT_FAILED


def _sign(args: argparse.Namespace) -> int:
    from app.context import AppContext
    from app.errors import AppError
    from app.services.tree_heads import sign_head
    from app.settings import get_settings

    ctx = AppContext.from_settings(get_settings())
    try:
        sth = sign_head(ctx)
    except AppError as exc:
        print(f"vanthu audit sign: {exc.detail}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        ctx.db.dispose()
    print(json.dumps(sth.to_dict(), indent=2))
    return EXIT_OK


def _log_key(args: argparse.Namespace) -> int:
    from app.keys import KeyRing
    from app.settings import get_settings

    pem = KeyRing(get_settings()).log_public_pem()
    if args.output is None:
        sys.stdout.write(pem.decode("ascii"))
    else:
        args.output.write_bytes(pem)
        print(f"wrote {args.output}")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = subparsers.add_parser("audit", help="the tamper-evident audit log")
    sub = audit.add_subparsers(dest="audit_command", required=True)

    verify = sub.add_parser(
        "verify", help="recompute the log from the database, check the signed tree heads, "
                       "the register rows, users, tokens, series and stored files; exit 1 "
                       "naming the first altered event and each altered row")
    verify.add_argument("--log-key", type=Path, metavar="PEM",
                        help="check signatures with this public key (default: the service's "
                             "log key under keys_dir)")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.set_defaults(handler=_verify)

    sub.add_parser("sign", help="sign the current tree head (e.g. the daily checkpoint) and "
                                "print it as JSON").set_defaults(handler=_sign)

    log_key = sub.add_parser("log-key", help="print (or write) the log key's public PEM")
    log_key.add_argument("-o", "--output", type=Path, help="write the PEM to this file")
    log_key.set_defaults(handler=_log_key)
