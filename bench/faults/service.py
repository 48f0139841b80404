"""The service as an operator runs it: migrate, load the demo, serve with uvicorn on loopback.

:class:`Service` owns one folder (database for SQLite, file store, keys), the ``vanthu serve``
process group (so kill -9 takes the master and its workers), and its log. PostgreSQL runs in a
throwaway cluster (tests/pg_cluster.py); :func:`pg_stop` and :func:`pg_start` take it down and
bring it back on the same socket.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    """One vanthu installation in `folder`, served by ``vanthu serve --workers N``."""

    folder: Path
    database_url: str
    workers: int = 1
    storage_dir: Path | None = None
    #: Extra VANTHU_* settings (e.g. a short storage sweep grace for the fault scripts).
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    starts: int = 0
    killed_at: float | None = None  # time.monotonic() of the last SIGKILL

    @property
    def store(self) -> Path:
        return self.storage_dir or self.folder / "files"

    @property
    def keys(self) -> Path:
        return self.folder / "keys"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VANTHU_")}
        env.update({"VANTHU_DATABASE_URL": self.database_url,
                    "VANTHU_STORAGE_DIR": str(self.store), "VANTHU_KEYS_DIR": str(self.keys),
                    "PYTHONUNBUFFERED": "1", **self.settings})
        return env

    def cli(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run ``vanthu ARGS`` against this installation."""
        done = subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=self.env(),
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"vanthu {' '.join(args)} exited {done.returncode}:\n"
                               f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done

    def prepare(self) -> None:
        """``vanthu migrate`` and ``vanthu demo``; read the demo's tokens."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cli("migrate")
        self.cli("demo")
        self.tokens = json.loads((self.keys / "demo-tokens.json").read_text())

    def start(self, timeout: float = 60) -> None:
        """``vanthu serve`` in its own process group; returns once /health answers."""
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("the server is already running")
        log = self.log_path.open("ab")
        log.write(f"\n--- start {self.starts + 1} ---\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port",
             str(self.port), "--workers", str(self.workers)],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vanthu serve exited {self.proc.returncode}; see "
                                   f"{self.log_path}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"vanthu serve did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def kill9(self) -> None:
        """SIGKILL the whole server (master and workers), as a crash or the OOM killer would."""
        assert self.proc is not None
        self.killed_at = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        _wait_group_gone(self.proc.pid)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        _wait_group_gone(self.proc.pid)

    def client(self, who: str, timeout: float = 60, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=timeout,
                                 headers={"Authorization": f"Bearer {self.tokens[who]}"},
                                 **kwargs)


def _wait_group_gone(pgid: int, timeout: float = 15) -> None:
    """Wait until no process of the group is left (workers die after the master)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


# --- PostgreSQL --------------------------------------------------------------------------------


def pg_create_database(cluster: Any, name: str) -> str:
    """A fresh database in the throwaway cluster; returns its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(cluster.admin_url)
    with psycopg.connect(dbname=admin.database, user=admin.username,
                         host=str(admin.query["host"]), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())
        conn.execute(f"CREATE DATABASE {name}".encode())
    return str(cluster.url(name))


def _pg_opts(cluster: Any) -> str:
    # The options tests/pg_cluster.Cluster.start gives the server: unix socket only, no fsync.
    return (f"-c listen_addresses='' -c unix_socket_directories={cluster.socket_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200")


def pg_stop(cluster: Any, mode: str = "fast") -> None:
    """Stop the cluster: `fast` aborts open transactions and closes every connection."""
    subprocess.run(cluster._cmd("pg_ctl", "-D", str(cluster.base / "data"), "-m", mode, "-w",
                                "stop"), check=True, capture_output=True, timeout=120)


def pg_start(cluster: Any) -> None:
    subprocess.run(cluster._cmd("pg_ctl", "-D", str(cluster.base / "data"), "-o",
                                _pg_opts(cluster), "-l", str(cluster.base / "log"), "-w", "-t",
                                "60", "start"), check=True, capture_output=True, timeout=120)


def finish(result: dict[str, Any], printer: Any, json_path: Path | None) -> int:
    """Print a script's report, write its JSON if asked; the exit status: 0 when it held."""
    printer(result)
    if json_path is not None:
        json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0 if result["ok"] else 1
