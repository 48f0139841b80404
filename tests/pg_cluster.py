"""A throwaway PostgreSQL cluster owned by the test run, on a unix socket, stopped afterwards.

Installs PostgreSQL from Debian's packages when it is missing (as root); skips with the reason
only where that is impossible. Never touches a cluster it did not create.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class ClusterUnavailable(RuntimeError):
    pass


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _install() -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ClusterUnavailable("PostgreSQL is not installed and this user cannot apt-get it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "postgresql", "postgresql-contrib"]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            raise ClusterUnavailable(f"{' '.join(cmd)} failed: {done.stderr[-400:]}")


@dataclass
class Cluster:
    base: Path
    bin_dir: Path
    socket_dir: Path
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.socket_dir}"

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        return ["runuser", "-u", self.run_as, "--", *cmd] if self.run_as else cmd

    def start(self) -> None:
        data = self.base / "data"
        subprocess.run(self._cmd("initdb", "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "-E", "UTF8", "--locale=C.UTF-8"),
                       check=True, capture_output=True, timeout=300)
        opts = (f"-c listen_addresses='' -c unix_socket_directories={self.socket_dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200")
        subprocess.run(self._cmd("pg_ctl", "-D", str(data), "-o", opts, "-l",
                                 str(self.base / "log"), "-w", "-t", "60", "start"),
                       check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.base / "data"), "-m", "fast", "-w",
                                 "stop"), capture_output=True, timeout=120)
        shutil.rmtree(self.base, ignore_errors=True)


def start_cluster() -> Cluster:
    bin_dir = _bin_dir()
    if bin_dir is None:
        _install()
        bin_dir = _bin_dir()
    if bin_dir is None:
        raise ClusterUnavailable("PostgreSQL binaries not found after installing")
    base = Path(tempfile.mkdtemp(prefix="vanthu-pg-"))
    run_as = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        run_as = "postgres"
        try:
            entry = pwd.getpwnam(run_as)
        except KeyError as exc:
            raise ClusterUnavailable("no 'postgres' system user to run the cluster") from exc
        os.chown(base, entry.pw_uid, entry.pw_gid)
    os.chmod(base, 0o755)
    socket_dir = base
    cluster = Cluster(base=base, bin_dir=bin_dir, socket_dir=socket_dir, run_as=run_as)
    cluster.start()
    deadline = time.monotonic() + 30
    while not (socket_dir / ".s.PGSQL.5432").exists():
        if time.monotonic() > deadline:
            raise ClusterUnavailable(f"PostgreSQL did not start; see {base / 'log'}")
        time.sleep(0.1)
    return cluster
