"""Settings: one typed object read from ``AITOWER_*`` environment variables.

Built explicitly (``Settings()`` or ``load_settings()``) and passed into ``create_app``;
nothing is read at import time, so tests and several processes can differ freely.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets that must never protect a real deployment: empty, or copied from an example.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "aitower", "dev"})
MIN_SECRET_LENGTH = 32


class InsecureSettingsError(ValueError):
    """The settings would run the server insecurely outside dev mode."""


class Settings(BaseSettings):
    """Everything an aitower process can be told from its environment."""

    model_config = SettingsConfigDict(env_prefix="AITOWER_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=Path(".aitower"), description="Folder for the embedded database and dev files."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to SQLite at DATA_DIR/aitower.db. "
        "Use postgresql+psycopg://… for the scale-out store.",
    )
    secret_key: str = Field(
        default="", description="Signs CSRF tokens; required (32+ chars) outside dev mode."
    )
    dev_mode: bool = Field(
        default=False,
        description="Explicit local development: allows a generated secret, no TLS.",
    )
    host: str = Field(default="127.0.0.1", description="Address the server binds to.")
    trusted_proxies: str = Field(
        default="127.0.0.1",
        max_length=2000,
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For names the client ('*' trusts any). Login throttling counts failures "
        "per client address: behind a proxy not listed here every user shares the proxy's "
        "address, and one attacker's failures would lock everyone out.",
    )
    port: int = Field(default=8000, ge=1, le=65535, description="Port the server binds to.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Server log level."
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted (413 above)."
    )
    otlp_max_body_bytes: int = Field(
        default=16 * 1_048_576,
        ge=1024,
        description="Largest OTLP request accepted at /v1/traces, /v1/logs and /v1/metrics, as "
        "sent (413 above), and the largest OTLP/gRPC message (RESOURCE_EXHAUSTED above).",
    )
    predictions_max_body_bytes: int = Field(
        default=64 * 1_048_576,
        ge=1024,
        description="Largest prediction or label batch or file accepted by the API (413 above).",
    )
    predictions_max_file_rows: int = Field(
        default=5_000_000,
        ge=1,
        description="Most rows a predictions or labels file may hold (413 above); checked "
        "before a Parquet file is decompressed.",
    )
    predictions_max_file_columns: int = Field(
        default=2_000, ge=3, description="Most columns a predictions or labels file may hold."
    )
    predictions_max_file_decompressed_bytes: int = Field(
        default=1024 * 1_048_576,
        ge=1024,
        description="Largest size of a Parquet file's data once decompressed, as its footer "
        "declares it (413 above), so a small file cannot expand to fill the memory.",
    )
    otlp_max_decompressed_bytes: int = Field(
        default=64 * 1_048_576,
        ge=1024,
        description="Largest OTLP body after gzip/deflate decompression (413 above).",
    )
    otlp_max_in_flight: int = Field(
        default=4, ge=1, le=256, description="OTLP requests processed at once per server process."
    )
    ingest_workers: int = Field(
        default=-1,
        ge=-1,
        le=64,
        description=(
            "Processes that decode and store OTLP requests, per server process: -1 one per CPU "
            "core (at most 8; none on one core), 0 none (the server process does it)."
        ),
    )
    otlp_grpc_port: int = Field(
        default=4317,
        ge=0,
        le=65535,
        description="Port of the OTLP/gRPC endpoint (traces, logs, metrics) on HOST; 0 or empty: "
        "no gRPC endpoint.",
    )
    otlp_grpc_reuse_port: bool = Field(
        default=False,
        description="Let the server processes of one `aitower serve --workers N` share the gRPC "
        "port (SO_REUSEPORT; set by that command). Off, a port already taken fails the start.",
    )
    otlp_queue_wait_seconds: float = Field(
        default=5.0,
        ge=0,
        le=60,
        description="How long an OTLP request waits for a free slot before a 503 with Retry-After.",
    )
    telemetry_store_content: bool = Field(
        default=True,
        description="Store LLM message content for systems without their own setting.",
    )
    telemetry_scan_content: bool = Field(
        default=True,
        description="Scan ingested spans for personal data and secrets (findings) for systems "
        "without their own setting.",
    )
    telemetry_max_content_chars: int = Field(
        default=4000,
        ge=0,
        le=1_000_000,
        description="Message content kept per span and side (longer is truncated).",
    )
    session_hours: int = Field(default=12, ge=1, le=24 * 30, description="Browser session life.")
    demo_password: SecretStr | None = Field(
        default=None,
        description="Password of the demo users; dev mode uses 'aitower-demo', else random.",
    )
    demo_traffic_scale: float = Field(
        default=1.0,
        ge=0,
        le=10,
        description="Volume of the demo's histories: 30 days of LLM traffic (1: ~90,000 spans) "
        "and 90 days of model predictions (1: ~82,000; skipped below 0.05); 0: none.",
    )
    secure_cookies: bool | None = Field(
        default=None,
        description="Force the Secure cookie flag; by default set when the request came over TLS.",
    )
    password_login: bool = Field(
        default=True,
        description="Let users sign in with a password; false leaves single sign-on only "
        "(API keys and the CLI still work).",
    )
    oidc_issuer: str = Field(
        default="",
        max_length=500,
        description="OpenID Connect single sign-on: the provider's issuer URL (its "
        "/.well-known/openid-configuration is read from it); empty turns SSO off.",
    )
    oidc_client_id: str = Field(default="", max_length=500, description="SSO: client id.")
    oidc_client_secret: SecretStr = Field(
        default=SecretStr(""), description="SSO: client secret (client_secret_basic)."
    )
    oidc_scopes: str = Field(
        default="openid profile email",
        max_length=500,
        description="SSO: scopes asked for; add the one that releases groups (e.g. 'groups').",
    )
    oidc_groups_claim: str = Field(
        default="groups", max_length=100, description="SSO: the claim listing the user's groups."
    )
    oidc_username_claim: str = Field(
        default="preferred_username",
        max_length=100,
        description="SSO: the claim that names the user (an e-mail address keeps its local part).",
    )
    oidc_role_groups: dict[str, str] = Field(
        default_factory=dict,
        description='SSO: group to role, JSON ({"ai-admins": "admin", "ai-ops": "ops_manager"}); '
        "the first listed group the user is in gives the role.",
    )
    oidc_unit_groups: dict[str, str] = Field(
        default_factory=dict,
        description='SSO: group to business unit slug, JSON ({"payments-team": "payments"}); '
        '"*" for every unit. A user gets the units of all their groups.',
    )
    oidc_default_role: str = Field(
        default="",
        max_length=32,
        description="SSO: the role of a user in no mapped group; empty refuses them.",
    )
    oidc_redirect_url: str = Field(
        default="",
        max_length=500,
        description="SSO: the callback URL registered at the provider; empty: this server's "
        "own /auth/oidc/callback as the browser reached it.",
    )
    oidc_button_label: str = Field(
        default="Sign in with single sign-on", max_length=80, description="SSO: the button."
    )

    signing_key_file: Path | None = Field(
        default=None,
        description="PEM file of the Ed25519 key that signs audit bundles; unset: a key made "
        "once in DATA_DIR/audit-signing-key.pem (servers sharing a database must share one).",
    )

    redaction_key_file: Path | None = Field(
        default=None,
        description="File of the key that hashes detected values at ingest (findings' digests, "
        "the hash redaction); unset: a key made once in DATA_DIR/redaction-key (servers sharing "
        "a database must share one).",
    )

    alerts_interval_seconds: float = Field(
        default=30.0,
        ge=0,
        description="Seconds between alert evaluation and notification passes; 0 turns the "
        "server's background runner off.",
    )

    @field_validator("otlp_grpc_port", mode="before")
    @classmethod
    def _empty_port_is_off(cls, value: object) -> object:
        return 0 if isinstance(value, str) and not value.strip() else value

    @field_validator("signing_key_file", "redaction_key_file", mode="before")
    @classmethod
    def _empty_path_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def sso_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    def ingest_worker_count(self) -> int:
        if self.ingest_workers >= 0:
            return self.ingest_workers
        cores = os.cpu_count() or 1
        return min(cores, 8) if cores > 1 else 0

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'aitower.db').as_posix()}"

    def check_secure(self) -> None:
        """Refuse a placeholder or short secret unless dev mode was asked for explicitly."""
        if self.dev_mode:
            return
        if self.secret_key.strip().lower() in PLACEHOLDER_SECRETS:
            raise InsecureSettingsError(
                "AITOWER_SECRET_KEY is empty or a placeholder; set a random value of at least "
                f"{MIN_SECRET_LENGTH} characters (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'), or set AITOWER_DEV_MODE=1 for local use."
            )
        if len(self.secret_key) < MIN_SECRET_LENGTH:
            raise InsecureSettingsError(
                f"AITOWER_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters."
            )

    def with_dev_secret(self) -> Settings:
        """In dev mode without a secret, use one kept in the data dir: sessions survive restarts."""
        if not self.dev_mode or self.secret_key:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "dev-secret"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return self.model_copy(update={"secret_key": path.read_text().strip()})


def load_settings(**overrides: object) -> Settings:
    """Read the environment, apply overrides, and fill in a dev secret where allowed."""
    return Settings(**overrides).with_dev_secret()  # type: ignore[arg-type]
