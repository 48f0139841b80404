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


def register(sub: Any) -> None:
    keys = sub.add_parser("keys", help="signing keys and trust roots")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    roots = actions.add_parser("export-roots", help="write the trust roots and CRLs as PEM files")
    roots.add_argument("directory", type=Path)
    roots.set_defaults(handler=_export_roots)
