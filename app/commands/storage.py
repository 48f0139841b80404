"""`vanthu storage sweep`: remove stored files that no row references (left by a crash).

`vanthu serve` runs the sweep once at startup and then every
VANTHU_STORAGE_SWEEP_INTERVAL_SECONDS (0: never) in a background thread of its main process.

Exits 0 after sweeping (printing what was removed), 1 when the database or the store cannot be
read.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any

from sqlalchemy.exc import SQLAlchemyError


def run_sweep(grace_seconds: float | None = None, *, dry_run: bool = False) -> dict[str, object]:
    """Sweep the configured store; the grace defaults to the setting."""
    from app.context import AppContext
    from app.services.storage_sweep import sweep
    from app.settings import get_settings

    settings = get_settings()
    grace = settings.storage_sweep_grace_seconds if grace_seconds is None else grace_seconds
    ctx = AppContext.from_settings(settings)
    try:
        report = sweep(ctx, grace, dry_run=dry_run)
    finally:
        ctx.db.dispose()
    return {"summary": report.summary(), **report.to_dict(), "grace_seconds": grace}


def startup_sweep() -> None:
    """The sweep `vanthu serve` runs before it accepts requests; a failure does not stop it."""
    try:
        result = run_sweep()
    except (SQLAlchemyError, OSError) as exc:
        print(f"vanthu serve: storage sweep skipped: {exc}", file=sys.stderr)
        return
    print(f"vanthu serve: {result['summary']}", file=sys.stderr)


def start_periodic_sweep() -> threading.Thread | None:
    """Sweep again every VANTHU_STORAGE_SWEEP_INTERVAL_SECONDS while `vanthu serve` runs (files
    kept because the database could not be reached are removed without a restart)."""
    from app.settings import get_settings

    interval = get_settings().storage_sweep_interval_seconds
    if interval <= 0:
        return None

    def loop() -> None:
        while True:
            time.sleep(interval)
            try:
                result = run_sweep()
            except (SQLAlchemyError, OSError) as exc:
                print(f"vanthu serve: storage sweep failed: {exc}", file=sys.stderr)
                continue
            if result["removed"] or result["temp_removed"]:
                print(f"vanthu serve: {result['summary']}", file=sys.stderr)

    thread = threading.Thread(target=loop, name="vanthu-storage-sweep", daemon=True)
    thread.start()
    return thread


def _sweep(args: argparse.Namespace) -> int:
    try:
        result = run_sweep(args.grace, dry_run=args.dry_run)
    except SQLAlchemyError as exc:
        print(f"vanthu storage sweep: cannot read the database: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the store: a folder that cannot be read, an S3 store unreachable
        print(f"vanthu storage sweep: cannot reach the file store: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2) if args.json else result["summary"])
    return 0


def register(sub: Any) -> None:
    storage = sub.add_parser("storage", help="the file store")
    actions = storage.add_subparsers(dest="storage_command", required=True)
    sweep = actions.add_parser(
        "sweep", help="remove stored files no row references (left by a crash), older than the "
                      "grace period")
    sweep.add_argument("--grace", type=float, default=None, metavar="SECONDS",
                       help="keep unreferenced files younger than this (default: "
                            "VANTHU_STORAGE_SWEEP_GRACE_SECONDS, 300)")
    sweep.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    sweep.add_argument("--json", action="store_true")
    sweep.set_defaults(handler=_sweep)
