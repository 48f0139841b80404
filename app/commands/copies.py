"""`vanthu copies export NOTATION --org CODE -o FILE`: write the signed PDF of a copy.
`vanthu copies archive ID OUT`: write its archive (PAdES B-LTA; needs VANTHU_TSA_URL)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


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


def _archive(args: argparse.Namespace) -> int:
    from app.context import AppContext
    from app.errors import AppError, Conflict, Unavailable
    from app.services import copy_archive
    from app.settings import get_settings

    ctx = AppContext.from_settings(get_settings())
    try:
        done = copy_archive.archive(ctx, args.id)
    except (Conflict, Unavailable) as exc:
        print(f"vanthu copies archive: {exc.detail}", file=sys.stderr)
        return EXIT_UNUSABLE
    except AppError as exc:
        print(f"vanthu copies archive: {exc.detail}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        ctx.db.dispose()
    args.output.write_bytes(done.archived.pdf)
    print(f"{done.notation}: archive (PAdES B-LTA) of {done.archived.signatures} signature(s), "
          f"document timestamp {done.archived.timestamped_at.isoformat()}, "
          f"{len(done.archived.pdf)} bytes -> {args.output}")
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
    archive = actions.add_parser(
        "archive", help="write a copy for archiving (PAdES B-LTA: validation data and a "
        "document timestamp from VANTHU_TSA_URL; exit 2 without a TSA)")
    archive.add_argument("id", type=int, help="the copy's id")
    archive.add_argument("output", type=Path, help="PDF file to write")
    archive.set_defaults(handler=_archive)
