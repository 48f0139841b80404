"""`vanthu copies export NOTATION --org CODE -o FILE`: write the signed PDF of a copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED = 0, 1


def _export(args: argparse.Namespace) -> int:
    from app.context import AppContext
    from app.errors import AppError
    from app.services import copies
    from app.settings import get_settings

    ctx = AppContext.from_settings(get_settings())
    try:
        copy = copies.find_by_notation(ctx, args.org, args.notation)
        data = ctx.store.get(copy.pdf_sha256)
        manifest = (ctx.store.get(copy.envelope_sha256)
                    if args.manifest is not None and copy.envelope_sha256 else None)
    except AppError as exc:
        print(f"vanthu copies export: {exc.detail}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        ctx.db.dispose()
    args.output.write_bytes(data)
    print(f"{copy.notation} ({copy.organisation.code}, signed {copy.signed_at.isoformat()}): "
          f"{len(data)} bytes, sha256 {copy.pdf_sha256} -> {args.output}")
    if manifest is not None:
        args.manifest.write_bytes(manifest)
        print(f"signed manifest -> {args.manifest}")
    return EXIT_OK


def register(sub: Any) -> None:
    copies = sub.add_parser("copies", help="certified copies in the register")
    actions = copies.add_subparsers(dest="copies_command", required=True)
    export = actions.add_parser("export", help="write the signed PDF of a copy")
    export.add_argument("notation", help="the copy's số và ký hiệu, e.g. 30-SL/VPDUK")
    export.add_argument("--org", required=True, help="code of the issuing office, e.g. VPDUK")
    export.add_argument("-o", "--output", type=Path, required=True, help="PDF file to write")
    export.add_argument("--manifest", type=Path, help="also write the signed manifest (JSON)")
    export.set_defaults(handler=_export)
