"""`vanthu backup DIR` and `vanthu restore DIR` (docs/operations.md, "Backups").

backup: exit 0 written, 2 not written (the reason on stderr). restore: exit 0 restored and
`audit verify` checks out, 1 restored but verify found problems (listed), 2 refused (nothing
written: a changed backup, a database that is not empty, a missing tool)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _backup(args: argparse.Namespace) -> int:
    from app.services import backup
    from app.settings import get_settings

    try:
        done = backup.backup(get_settings(), args.directory, datetime.now(UTC))
    except (backup.BackupError, OSError) as exc:
        print(f"vanthu backup: {exc}", file=sys.stderr)
        return 2
    print(f"backup written to {done.directory}: the {done.engine} database, {done.files} stored "
          f"files, {done.keys} key files")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.services import backup
    from app.settings import get_settings

    try:
        report = backup.restore(get_settings(), args.directory)
    except (backup.BackupError, OSError) as exc:
        print(f"vanthu restore: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0 if report.ok else 1


def register(sub: Any) -> None:
    made = sub.add_parser("backup", help="copy the database, the file store and the keys to DIR")
    made.add_argument("directory", type=Path, help="a new folder")
    made.set_defaults(handler=_backup)
    back = sub.add_parser("restore", help="restore a backup into an empty database and verify it")
    back.add_argument("directory", type=Path)
    back.set_defaults(handler=_restore)
