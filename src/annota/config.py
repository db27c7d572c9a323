"""Settings, read once by an entry point and passed down; nothing else reads the environment.

Every value can come from an ``ANNOTA_*`` environment variable or a keyword argument. The
data directory holds the SQLite database, the media folder and the per-install signing secret.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, PrivateAttr, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE = "secret_key"


def default_data_dir() -> Path:
    """The per-user data directory used when neither ``--data-dir`` nor the env var is set."""
    return Path(platformdirs.user_data_dir("annota", appauthor=False))


class Settings(BaseSettings):
    """Everything configurable, validated once at start-up."""

    model_config = SettingsConfigDict(env_prefix="ANNOTA_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; empty means SQLite in the data directory."
    )
    secret_key: SecretStr | None = Field(
        default=None, description="Signing secret; generated and kept in the data dir if unset."
    )
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    sqlite_busy_timeout_ms: int = 30_000
    max_body_bytes: int = 64 * 1024 * 1024
    max_json_body_bytes: int = 8 * 1024 * 1024
    max_image_pixels: int = 178_956_970
    session_hours: int = 12
    secure_cookies: bool = False
    default_lease_seconds: int = 3600
    login_max_failures: int = 10
    login_window_seconds: int = 300
    import_batch_size: int = 5000
    job_queue: str = Field(
        default="inprocess",
        description="'inprocess' (threads in the server) or a redis:// URL for 'annota worker'.",
    )
    job_queue_name: str = Field(
        default="annota:jobs",
        description="The Redis list of job ids; installs sharing one Redis need different names.",
    )
    job_workers: int = Field(default=2, description="Threads running jobs per process.")
    job_stale_seconds: int = Field(
        default=300, description="A running job silent this long is retried (or failed)."
    )
    allow_private_model_urls: bool = Field(
        default=False,
        description="Let model-backend URLs point at loopback and private networks.",
    )
    allow_private_import_urls: bool = Field(
        default=False,
        description="Let imported URL lists point at loopback and private networks.",
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint for s3:// imports (MinIO, Ceph …)."
    )
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_anonymous: bool = Field(default=False, description="Read public buckets unsigned.")
    model_backend_timeout_seconds: float = 30.0
    model_backend_max_response_bytes: int = 16 * 1024 * 1024
    _secret: bytes | None = PrivateAttr(default=None)
    #: Argon2id cost; the defaults follow RFC 9106's second recommended option
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536

    @property
    def effective_database_url(self) -> str:
        """The URL to connect to: the configured one, or SQLite inside the data directory."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{self.data_dir / 'annota.sqlite3'}"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    def ensure_data_dir(self) -> None:
        """Create the data directory (0700) and its media folder if they are missing."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.media_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    def signing_secret(self) -> bytes:
        """The per-install secret: configured, or generated once and stored with mode 0600.

        Two installs never share a key, so a cookie or token hash made by one means nothing to
        another; the file is created with ``O_EXCL`` so concurrent first starts agree on one key.
        """
        if self._secret is None:
            self._secret = self._load_secret()
        return self._secret

    def _load_secret(self) -> bytes:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        self.ensure_data_dir()
        path = self.data_dir / SECRET_FILE
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_urlsafe(48).encode())
            fh.flush()
            os.fsync(fh.fileno())
        return path.read_bytes().strip()
