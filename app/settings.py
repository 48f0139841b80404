"""Settings from environment variables (prefix ``VANTHU_``), with defaults that work out of the box."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VANTHU_", env_file=None, extra="ignore")

    #: `production` refuses to start while a development default is left (`vanthu serve` and
    #: the ASGI app say which setting to fix: app/services/readiness.py).
    env: Literal["development", "production"] = "development"
    #: SQLAlchemy URL; SQLite (WAL) by default, PostgreSQL (``postgresql+psycopg://…``) in production.
    database_url: str = "sqlite:///./var/vanthu.db"
    #: Content-addressed file store (sha256 → bytes).
    storage_dir: Path = Path("./var/files")
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
    #: How often `vanthu serve` signs the audit log's tree head while it runs (also once at
    #: startup; no new head when the log has not grown; 0: only on request or `vanthu audit sign`).
    tree_head_interval_seconds: float = 3600.0


@lru_cache
def get_settings() -> Settings:
    return Settings()
