"""The `vanthu` command: serve, migrate, demo, and the offline tools."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from app.commands import audit as audit_commands
from app.commands import backup as backup_commands
from app.commands import copies as copies_commands
from app.commands import init as init_command
from app.commands import intake as intake_command
from app.commands import keys as keys_commands
from app.commands import serve as serve_command
from app.commands import storage as storage_commands
from app.commands import verify as verify_command
from app.settings import get_settings

Handler = Callable[[argparse.Namespace], int]


def _migrate(args: argparse.Namespace) -> int:
    from app.db import migrate

    migrate.upgrade(get_settings().database_url)
    print("database is at the latest migration")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from app.context import AppContext
    from app.demo import load_demo

    ctx = AppContext.from_settings(get_settings())
    try:
        report = load_demo(ctx, people_only=args.people_only)
    finally:
        ctx.db.dispose()
    print(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vanthu", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API (OpenAPI docs at /docs); binds the port "
                                            "before it touches the store")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-sweep", action="store_true",
                       help="do not remove unreferenced stored files (at startup and then "
                            "periodically)")
    serve.set_defaults(handler=serve_command.serve)

    sub.add_parser("migrate", help="alembic upgrade head").set_defaults(handler=_migrate)
    demo = sub.add_parser("demo", help="load the seed's chain (idempotent) and print tokens and "
                                       "passwords")
    demo.add_argument("--people-only", "--no-chain", dest="people_only", action="store_true",
                      help="only the organisations, people and tokens: empty registers (the "
                           "walk-through of docs/api.md; the seed's chain done by hand in the "
                           "pages)")
    demo.set_defaults(handler=_demo)
    audit_commands.register(sub)
    copies_commands.register(sub)
    keys_commands.register(sub)
    init_command.register(sub)
    backup_commands.register(sub)
    storage_commands.register(sub)
    intake_command.register(sub)
    verify_command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
