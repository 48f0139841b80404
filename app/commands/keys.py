"""`vanthu keys export-roots DIR`: the trust roots (PEM) a verifier needs, and the CRLs."""

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
    trust = sub.add_parser("trust", help="the trust store: roots, intermediates, CRLs")
    trust_actions = trust.add_subparsers(dest="trust_command", required=True)
    added = trust_actions.add_parser("import", help="add CA certificates and CRLs (PEM or DER)")
    added.add_argument("files", type=Path, nargs="+")
    added.set_defaults(handler=_trust_import)
