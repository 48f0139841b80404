"""A real RFC 3161 timestamp authority for tests: `openssl ts -reply` behind a small HTTP
handler on 127.0.0.1, with a TSA certificate (extendedKeyUsage timeStamping, critical) issued
by the development CA's intermediate, so that the trust store vouches for it."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from signing import DevCA

CONFIG = """[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _tsa_identity(ca: DevCA, directory: Path, valid_days: int) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Test TSA"),
                                     x509.NameAttribute(x509.NameOID.COUNTRY_NAME, "VN")]))
            .issuer_name(ca.intermediate_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=valid_days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.TIME_STAMPING]),
                           critical=True)
            .sign(ca.intermediate_key, hashes.SHA256()))  # type: ignore[arg-type]
    (directory / "tsa.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (directory / "tsa.crt").write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + ca.intermediate_cert.public_bytes(serialization.Encoding.PEM))
    (directory / "serial").write_text("01\n")
    (directory / "tsa.cnf").write_text(CONFIG.format(dir=directory))


@contextmanager
def local_tsa(ca: DevCA, valid_days: int = 30) -> Iterator[str]:
    """Serve timestamps at the yielded URL while the block runs (the TSA's certificate is valid
    from yesterday for `valid_days`)."""
    with tempfile.TemporaryDirectory(prefix="vanthu-tsa-") as tmp:
        directory = Path(tmp)
        _tsa_identity(ca, directory, valid_days)
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    (directory / "req.tsq").write_bytes(query)
                    done = subprocess.run(
                        ["openssl", "ts", "-reply", "-config", str(directory / "tsa.cnf"),
                         "-section", "tsa_config", "-queryfile", str(directory / "req.tsq"),
                         "-inkey", str(directory / "tsa.key"),
                         "-signer", str(directory / "tsa.crt"),
                         "-chain", str(directory / "tsa.crt"),
                         "-out", str(directory / "resp.tsr")],
                        capture_output=True, timeout=60)
                    reply = (directory / "resp.tsr").read_bytes() if done.returncode == 0 else b""
                self.send_response(200 if reply else 500)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
        finally:
            server.shutdown()
            server.server_close()
