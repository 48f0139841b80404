"""Settings from environment variables (prefix ``VANTHU_``), with defaults that work out of the box."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VANTHU_", env_file=None, extra="ignore")

    #: `production` refuses to start while a development default is left (`vanthu serve` and
    #: the ASGI app say which setting to fix: app/services/readiness.py).
    env: Literal["development", "production"] = "development"
    #: SQLAlchemy URL; SQLite (WAL) by default, PostgreSQL (``postgresql+psycopg://…``) in production.
    database_url: str = "sqlite:///./var/vanthu.db"
    #: Where stored files (sha256 → bytes) live: `local` (a folder, VANTHU_STORAGE_DIR) or `s3`
    #: (a bucket of an S3-compatible object store, for several API hosts: docs/operations.md).
    storage_backend: Literal["local", "s3"] = "local"
    #: The local store's folder.
    storage_dir: Path = Path("./var/files")
    #: S3 endpoint URL (https://…); None: AWS's own. Credentials and region come from the
    #: standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).
    s3_endpoint: str | None = None
    #: The bucket (it must exist) and the key prefix files are stored under (e.g. `vanthu/`).
    s3_bucket: str | None = None
    s3_prefix: str = ""
    #: Office keys, the development CA and the audit log key.
    keys_dir: Path = Path("./var/keys")
    #: Trust configuration for verification: roots/, intermediates/, crls/ (PEM or DER).
    #: Empty by default: the development CA writes its own there when first created.
    trust_dir: Path | None = None
    #: Give an office without a key a certificate from the development CA when it first signs.
    #: Turn off in production, where offices' certificates are imported.
    dev_keys: bool = True
    #: Passphrase protecting private keys at rest (set a real one in production).
    key_passphrase: str = "vanthu-dev-passphrase"
    #: An RFC 3161 timestamp authority (http://…): every copy's signature is timestamped there
    #: (PAdES B-T). None: copies carry only their claimed signing time.
    tsa_url: str | None = None
    #: Revocation policy of every verification (docs/verification.md "Revocation"):
    #: `require` a definite answer from OCSP or a CRL is needed, else the check fails;
    #: `prefer` OCSP when the certificate names a responder (AIA) and it answers, else the
    #: CRLs, and with no answer at all the check is not checked; `ignore` not checked, nothing
    #: asked. A revocation before the signing time fails under require and prefer.
    revocation_policy: Literal["require", "prefer", "ignore"] = "prefer"
    #: An OCSP responder the development CA names (Authority Information Access) in the office
    #: certificates it issues from now on. None: they name none (CRLs only).
    dev_ocsp_url: str | None = None
    #: How long an API token made through the API lives unless its request says otherwise.
    token_lifetime_days: int = 90
    #: Largest accepted upload, in bytes.
    max_upload_bytes: int = 50 * 1024 * 1024
    #: Largest JSON body, in bytes.
    max_json_bytes: int = 1024 * 1024
    #: `vanthu storage sweep` (and `vanthu serve` at startup) removes unreferenced stored files
    #: older than this: longer than any unit of work takes between storing a file and committing.
    storage_sweep_grace_seconds: float = 300.0
    #: How often `vanthu serve` sweeps the store while it runs (0: only at startup).
    storage_sweep_interval_seconds: float = 3600.0
    #: PKCS#11 modules (paths, ':'-separated) that POST /orgs/{code}/keys/pkcs11 may name;
    #: `vanthu keys pkcs11`, run by the operator, may name any.
    pkcs11_modules: str = ""
    #: How often `vanthu serve` signs the audit log's tree head while it runs (also once at
    #: startup; no new head when the log has not grown; 0: only on request or `vanthu audit sign`).
    tree_head_interval_seconds: float = 3600.0

    @model_validator(mode="after")
    def _s3_named(self) -> Settings:
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("VANTHU_STORAGE_BACKEND=s3 needs VANTHU_S3_BUCKET (the bucket the "
                             "files are stored in)")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
