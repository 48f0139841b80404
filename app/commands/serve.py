"""`vanthu serve`: bind the port, then (and only then) sweep the store and start the schedules.

Order matters: a second `vanthu serve` started by mistake on a port already taken (a failed
`make run` next to a running server) must leave the running server's store alone. So the socket
is bound first; a port in use ends the command with exit 1 and a message naming the port, before
the application is loaded, the store is swept or a tree head is signed. Then the application is
loaded (one worker) and the startup sweep, the periodic sweep and the periodic tree-head signing
(VANTHU_TREE_HEAD_INTERVAL_SECONDS) start in background threads of the main process.
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys
import threading
import time

from sqlalchemy.exc import SQLAlchemyError

EXIT_PORT_IN_USE = 1
EXIT_NOT_READY = 2
EXIT_STARTUP_FAILED = 3


class PortUnavailable(Exception):
    pass


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on host:port (as uvicorn binds it), or PortUnavailable."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"port {port} on {host} is already in use (is another vanthu serve running? "
                f"choose another with --port, or `make run PORT=…`); nothing was started and "
                "the store was not touched") from exc
        raise PortUnavailable(f"cannot bind {host}:{port}: {exc.strerror}; nothing was started "
                              "and the store was not touched") from exc
    sock.set_inheritable(True)
    return sock


def sign_tree_head_now(last_size: int | None = None) -> int | None:
    """Sign the log's current head (no new row if the log has not grown since the last); says so
    when the size differs from `last_size`. Returns the signed size (None if refused)."""
    from app.context import AppContext
    from app.errors import AppError
    from app.services.tree_heads import sign_head
    from app.settings import get_settings

    ctx = AppContext.from_settings(get_settings())
    try:
        sth = sign_head(ctx)
    except AppError as exc:  # the log no longer extends its last signed head: say it loudly
        print(f"vanthu serve: tree head not signed: {exc.detail}", file=sys.stderr)
        return None
    finally:
        ctx.db.dispose()
    if sth.tree_size != last_size:
        print(f"vanthu serve: tree head signed at size {sth.tree_size}", file=sys.stderr)
    return sth.tree_size


def start_periodic_tree_heads() -> threading.Thread | None:
    """Sign a tree head at startup and every VANTHU_TREE_HEAD_INTERVAL_SECONDS (0: never), so
    the log is committed to even when no auditor asks for /audit/tree-head."""
    from app.settings import get_settings

    interval = get_settings().tree_head_interval_seconds
    if interval <= 0:
        return None

    def loop() -> None:
        size: int | None = None
        while True:
            try:
                size = sign_tree_head_now(size)
            except (SQLAlchemyError, OSError) as exc:
                print(f"vanthu serve: tree head signing failed: {exc}", file=sys.stderr)
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="vanthu-tree-heads", daemon=True)
    thread.start()
    return thread


def serve(args: argparse.Namespace) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from app.commands import storage as storage_commands
    from app.context import AppContext
    from app.services import readiness
    from app.settings import get_settings

    try:
        readiness.require_ready(AppContext.from_settings(get_settings()))
    except readiness.NotReady as exc:
        print(f"vanthu serve: {exc}", file=sys.stderr)
        return EXIT_NOT_READY
    try:
        sock = bind(args.host, args.port)
    except PortUnavailable as exc:
        print(f"vanthu serve: {exc}", file=sys.stderr)
        return EXIT_PORT_IN_USE
    config = uvicorn.Config("app.asgi:app", host=args.host, port=args.port,
                            workers=args.workers, log_level="info")
    server = uvicorn.Server(config)
    if config.workers == 1:
        config.load()  # an application that cannot start stops here, before any sweep
        if not config.loaded:
            sock.close()
            return EXIT_STARTUP_FAILED
    if not args.no_sweep:  # files a crash left between storing and committing
        storage_commands.startup_sweep()
        storage_commands.start_periodic_sweep()
    start_periodic_tree_heads()
    try:
        if config.workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    if config.workers == 1 and not server.started:
        return EXIT_STARTUP_FAILED
    return 0
