"""A real OCSP responder for tests: `openssl ocsp -index index.txt -CA … -rsigner … -rkey …`
on a free port, answering for the development CA's intermediate with a delegated responder
certificate (id-kp-OCSPSigning) the intermediate issued.

index.txt is in `openssl ca`'s format and written by the fixture: `add` a certificate to have
it answered "good", `revoke` it to have it answered "revoked". The responder is restarted after
each change, so the next question reads the new index whatever openssl's reload rules are.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing import DevCA
from tests.tooling import require_tool

#: How long the responder may take to start listening (a deadline, not a pace).
START_DEADLINE_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _asn1_time(moment: dt.datetime) -> str:
    """UTCTime as `openssl ca` writes it in index.txt (YYMMDDHHMMSSZ)."""
    return moment.astimezone(dt.UTC).strftime("%y%m%d%H%M%SZ")


def _serial_hex(serial: int) -> str:
    text = format(serial, "X")
    return text if len(text) % 2 == 0 else "0" + text


@dataclass
class _Entry:
    cert: x509.Certificate
    revoked_at: dt.datetime | None = None

    def line(self) -> str:
        status = "V" if self.revoked_at is None else "R"
        revoked = "" if self.revoked_at is None else _asn1_time(self.revoked_at)
        subject = "/" + "/".join(reversed(self.cert.subject.rfc4514_string().split(",")))
        return "\t".join([status, _asn1_time(self.cert.not_valid_after_utc), revoked,
                          _serial_hex(self.cert.serial_number), "unknown", subject]) + "\n"


@dataclass
class OcspResponder:
    """One `openssl ocsp` process; `url` is what certificates name in their AIA."""

    openssl: str
    directory: Path
    port: int
    entries: dict[int, _Entry] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def add(self, cert: x509.Certificate) -> None:
        """Answer "good" for `cert` from now on."""
        self.entries[cert.serial_number] = _Entry(cert)
        self._restart()

    def revoke(self, cert: x509.Certificate, when: dt.datetime) -> None:
        """Answer "revoked at `when`" for `cert` from now on."""
        self.entries[cert.serial_number] = _Entry(cert, when)
        self._restart()

    def _write_index(self) -> None:
        (self.directory / "index.txt").write_text(
            "".join(e.line() for e in self.entries.values()), "utf-8")
        (self.directory / "index.txt.attr").write_text("unique_subject = no\n", "ascii")

    def start(self) -> None:
        self._write_index()
        d = self.directory
        log = d / "ocsp.log"
        log.write_bytes(b"")
        with log.open("wb") as out:
            # -port takes a number only in OpenSSL 3.0 (it listens on every address); the
            # certificates name 127.0.0.1. The responder is one process that serves one
            # connection at a time, so readiness is read from its log ("ACCEPT …"), never
            # probed with a connection of our own.
            self.process = subprocess.Popen(
                [self.openssl, "ocsp", "-port", str(self.port), "-index", str(d / "index.txt"),
                 "-CA", str(d / "ca.pem"), "-rsigner", str(d / "rsp.pem"),
                 "-rkey", str(d / "rsp.key"), "-nmin", "10", "-ignore_err"],
                stdout=out, stderr=out)
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            text = log.read_text("utf-8", "replace")
            if self.process.poll() is not None:
                raise RuntimeError(f"openssl ocsp exited: {text}")
            if "ACCEPT" in text:
                return
            time.sleep(0.05)
        raise RuntimeError(f"openssl ocsp did not listen on {self.port} within the deadline")

    def stop(self) -> None:
        """Take the responder down (a question then gets no answer)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def _restart(self) -> None:
        running = self.process is not None
        self.stop()
        if running:
            self.start()
        else:
            self._write_index()


@contextmanager
def local_ocsp(ca: DevCA) -> Iterator[OcspResponder]:
    """A running responder for `ca`'s intermediate while the block runs."""
    openssl = require_tool("openssl")
    with tempfile.TemporaryDirectory(prefix="vanthu-ocsp-") as tmp:
        directory = Path(tmp)
        now = dt.datetime.now(dt.UTC)
        rsp = ca.issue_ocsp_responder(now - dt.timedelta(days=1), now + dt.timedelta(days=30))
        pem = serialization.Encoding.PEM
        (directory / "ca.pem").write_bytes(ca.intermediate_cert.public_bytes(pem))
        (directory / "rsp.pem").write_bytes(rsp.certificate.public_bytes(pem))
        (directory / "rsp.key").write_bytes(rsp.private_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        responder = OcspResponder(openssl, directory, _free_port())
        responder.start()
        try:
            yield responder
        finally:
            responder.stop()
