"""A real vanthu server for the browser tests: a fresh migrated SQLite database and store, the
demo's offices and people (no chain: the test does it in the pages), uvicorn on a free port in
a thread of this process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from app.context import AppContext
from app.db import migrate
from app.demo import load_demo
from app.main import create_app
from app.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(root: Path) -> Iterator[str]:
    settings = Settings(database_url=f"sqlite:///{root / 'vanthu.db'}",
                        storage_dir=root / "files", keys_dir=root / "keys")
    migrate.upgrade(settings.database_url)
    ctx = AppContext.from_settings(settings)
    load_demo(ctx, people_only=True)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, ctx), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # a readiness wait, not a timing assumption
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        ctx.db.dispose()
