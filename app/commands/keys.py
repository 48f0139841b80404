"""`vanthu keys export-roots DIR`: the trust roots (PEM) a verifier needs, and the CRLs;
`vanthu keys import`: an office's own certificate and key; `vanthu keys pkcs11`: an office key
that stays on a PKCS#11 token or HSM."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _export_roots(args: argparse.Namespace) -> int:
    from app.keys import KeyRing
    from app.settings import get_settings

    written = KeyRing(get_settings()).export_roots(args.directory)
    for path in written:
        print(path)
    return 0


def _import(args: argparse.Namespace) -> int:
    import os
    import sys

    from app.context import AppContext
    from app.errors import AppError
    from app.services import office_keys
    from app.settings import get_settings

    secret = os.environ.get(args.passphrase_env) if args.passphrase_env else None
    passphrase = secret.encode("utf-8") if secret is not None else None
    try:
        if args.file.suffix.lower() in (".p12", ".pfx"):
            identity = office_keys.identity_from_pkcs12(args.file.read_bytes(), passphrase)
        else:
            if args.chain is None:
                raise ValueError("a PEM key needs its certificate chain: --chain CHAIN.pem")
            identity = office_keys.identity_from_pem(args.file.read_bytes(), passphrase,
                                                     args.chain.read_bytes())
        done = office_keys.import_identity(AppContext.from_settings(get_settings()), None,
                                           args.org, identity)
    except (OSError, ValueError, AppError) as exc:
        print(f"vanthu keys import: {exc}", file=sys.stderr)
        return 2
    print(f"{done.org_code} now signs with certificate {done.serial} ({done.subject}), valid to "
          f"{done.valid_to:%d/%m/%Y}; earlier keys kept, inactive: {', '.join(done.replaced) or 'none'}")
    return 0


def _pkcs11(args: argparse.Namespace) -> int:
    import sys

    from app.context import AppContext
    from app.errors import AppError
    from app.services import office_keys
    from app.settings import get_settings
    from signing import TokenKey

    try:
        ref = TokenKey(args.module, args.token, args.slot, args.key,
                       None if args.key_id is None else bytes.fromhex(args.key_id))
        cert = None if args.cert is None else args.cert.read_bytes()
        done = office_keys.import_token(AppContext.from_settings(get_settings()), None, args.org,
                                        ref, args.pin_env, cert)
    except (OSError, ValueError, AppError) as exc:
        print(f"vanthu keys pkcs11: {exc}", file=sys.stderr)
        return 2
    print(f"{done.org_code} now signs on token {ref.token_text} with the key with {ref.key_text}, "
          f"certificate {done.serial} ({done.subject}), valid to {done.valid_to:%d/%m/%Y}; "
          f"earlier keys kept, inactive: {', '.join(done.replaced) or 'none'}")
    return 0


def _slot(text: str) -> int:
    return int(text, 0)  # as pkcs11-tool -L prints it: decimal, or 0x… hex


def _trust_import(args: argparse.Namespace) -> int:
    import sys

    from app.keys import KeyRing
    from app.services.trust_import import TrustImportError, import_trust
    from app.settings import get_settings

    try:
        done = import_trust(KeyRing(get_settings()), args.files)
    except (OSError, TrustImportError) as exc:
        print(f"vanthu trust import: {exc}", file=sys.stderr)
        return 2
    for item in done:
        print(f"{item.kind}: {item.subject} ({'added' if item.new else 'already trusted'})")
    return 0


def register(sub: Any) -> None:
    keys = sub.add_parser("keys", help="signing keys and trust roots")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    roots = actions.add_parser("export-roots", help="write the trust roots and CRLs as PEM files")
    roots.add_argument("directory", type=Path)
    roots.set_defaults(handler=_export_roots)
    imported = actions.add_parser("import", help="make an office's own certificate its signing "
                                                 "key (PKCS#12, or a PEM key with --chain)")
    imported.add_argument("org", help="the office's code")
    imported.add_argument("file", type=Path, help="office.p12 / .pfx, or the key as PEM")
    imported.add_argument("--chain", type=Path, help="certificate, then intermediates (PEM)")
    imported.add_argument("--passphrase-env", metavar="VAR",
                          help="the environment variable holding the file's passphrase")
    imported.set_defaults(handler=_import)
    token = actions.add_parser("pkcs11", help="make a key on a PKCS#11 token or HSM the office's "
                                              "signing key (the key never leaves the token)")
    token.add_argument("org", help="the office's code")
    token.add_argument("--module", required=True,
                       help="the token's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so")
    where = token.add_mutually_exclusive_group(required=True)
    where.add_argument("--token", metavar="LABEL", help="the token's label")
    where.add_argument("--slot", type=_slot, help="the token's slot id (pkcs11-tool -L)")
    token.add_argument("--key", metavar="LABEL", help="the private key's label on the token")
    token.add_argument("--key-id", metavar="HEX", help="the private key's id on the token (hex)")
    token.add_argument("--pin-env", metavar="VAR", required=True,
                       help="the environment variable holding the token's user PIN (vanthu "
                            "records its name, never the PIN)")
    token.add_argument("--cert", type=Path, help="the office certificate, then intermediates "
                                                 "(PEM); default: the one on the token")
    token.set_defaults(handler=_pkcs11)
    trust = sub.add_parser("trust", help="the trust store: roots, intermediates, CRLs")
    trust_actions = trust.add_subparsers(dest="trust_command", required=True)
    added = trust_actions.add_parser("import", help="add CA certificates and CRLs (PEM or DER)")
    added.add_argument("files", type=Path, nargs="+")
    added.set_defaults(handler=_trust_import)
