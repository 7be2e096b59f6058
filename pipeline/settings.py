"""Run-time settings of the pipeline: where storage and the warehouse are, and the limits of a run.

Everything comes from the environment or, inside Airflow, from the connections `directives_s3` (aws type,
endpoint in extra) and `directives_warehouse` (postgres) that `apply_connections` lays over the same Settings;
nothing here holds a credential. Defaults are the embedded demo services.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from scrapers.http import FetchLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"
EMBEDDED_S3_ENDPOINT = "127.0.0.1:18333"
STAGES = ("discover", "fetch", "extract", "validate", "load")
# Wall-clock budget of one task of each stage (a stuck portal or parser must not hold a worker for ever);
# override with DIRECTIVES_TIMEOUT_<STAGE>_MINUTES.
DEFAULT_STAGE_TIMEOUT_MINUTES = {
    "discover": 15,
    "fetch": 120,
    "extract": 120,
    "validate": 30,
    "load": 30,
    "split": 5,  # the discovered refs into chunk manifests (pipeline/chunks.py)
    "reprocess": 120,  # a run that re-reads the stored originals (pipeline/reprocess.py)
    "choose_path": 5,  # crawl or reprocess, by the run's `reprocess` parameter
    "audit_originals": 120,  # the fixity audit (dags/fixity.py)
}
# Airflow connection ids that, when defined, take precedence over the DIRECTIVES_S3_* / warehouse variables.
S3_CONNECTION_ID = "directives_s3"
WAREHOUSE_CONNECTION_ID = "directives_warehouse"


@dataclass(frozen=True)
class S3Settings:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    secure: bool = False


@dataclass(frozen=True)
class Settings:
    s3: S3Settings
    var_dir: Path
    warehouse_url: str
    registry_path: str | None = None
    fetch_limits: FetchLimits = field(default_factory=FetchLimits)
    max_documents_per_run: int | None = None
    respect_robots: bool = True
    stage_timeouts: Mapping[str, timedelta] = field(
        default_factory=lambda: {k: timedelta(minutes=v) for k, v in DEFAULT_STAGE_TIMEOUT_MINUTES.items()}
    )
    task_retry_delay: timedelta = timedelta(minutes=2)
    # Only documents the listing dates on or after this day are processed (a run parameter); None = all.
    since: date | None = None
    # Documents per chunk of a run in Airflow: fetch and extract are mapped over chunks so that several
    # workers share a big portal (pipeline/chunks.py). Small enough to spread 250 documents over workers,
    # large enough that a task's start-up (~seconds) stays small beside its work.
    chunk_size: int = 50
    # Tasks that may send requests to one host at once (the size of its pool, pipeline/deployment.py); the
    # host's rate limit is divided among them.
    host_tasks: int = 2
    # Walk every listing page and revisit every known document this run (a backfill), instead of the
    # incremental walk a scheduled run makes between the portal's full walks (pipeline/walk.py).
    full_walk: bool = False

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)


def _flag(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    var_dir = Path(env.get("DIRECTIVES_VAR_DIR", DEFAULT_VAR_DIR))
    s3 = S3Settings(
        endpoint=env.get("DIRECTIVES_S3_ENDPOINT", EMBEDDED_S3_ENDPOINT),
        access_key=env.get("DIRECTIVES_S3_ACCESS_KEY", "directives-dev"),
        secret_key=env.get("DIRECTIVES_S3_SECRET_KEY", "directives-dev-secret"),
        bucket=env.get("DIRECTIVES_S3_BUCKET", "directives"),
        secure=_flag(env.get("DIRECTIVES_S3_SECURE"), False),
    )
    limits = FetchLimits(
        connect_timeout=float(env.get("DIRECTIVES_CONNECT_TIMEOUT", 10)),
        read_timeout=float(env.get("DIRECTIVES_READ_TIMEOUT", 60)),
        max_bytes=int(env.get("DIRECTIVES_MAX_DOWNLOAD_BYTES", 50 * 1024 * 1024)),
        retries=int(env.get("DIRECTIVES_HTTP_RETRIES", 3)),
        total_timeout=float(env.get("DIRECTIVES_FETCH_TOTAL_TIMEOUT", 300)),
        max_robots_bytes=int(env.get("DIRECTIVES_MAX_ROBOTS_BYTES", 500 * 1024)),
        backoff_factor=float(env.get("DIRECTIVES_HTTP_BACKOFF", 0.5)),
        max_retry_after=float(env.get("DIRECTIVES_MAX_RETRY_AFTER", 120)),
    )
    max_docs = env.get("DIRECTIVES_MAX_DOCUMENTS_PER_RUN")
    timeouts = {
        stage: timedelta(minutes=float(env.get(f"DIRECTIVES_TIMEOUT_{stage.upper()}_MINUTES", minutes)))
        for stage, minutes in DEFAULT_STAGE_TIMEOUT_MINUTES.items()
    }
    return Settings(
        s3=s3,
        var_dir=var_dir,
        warehouse_url=env.get("DIRECTIVES_WAREHOUSE_URL", f"duckdb:///{var_dir / 'warehouse.duckdb'}"),
        registry_path=env.get("DIRECTIVES_REGISTRY"),
        fetch_limits=limits,
        max_documents_per_run=int(max_docs) if max_docs else None,
        respect_robots=_flag(env.get("DIRECTIVES_RESPECT_ROBOTS"), True),
        stage_timeouts=timeouts,
        task_retry_delay=timedelta(seconds=float(env.get("DIRECTIVES_TASK_RETRY_DELAY_SECONDS", 120))),
        chunk_size=_positive(env, "DIRECTIVES_CHUNK_SIZE", 50),
        host_tasks=_positive(env, "DIRECTIVES_HOST_TASKS", 2),
    )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = int(env.get(name, default))
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return value


class ConnectionLike(Protocol):
    """The fields of an Airflow Connection this module reads (kept structural: no Airflow import here)."""

    host: str | None
    port: int | None
    login: str | None
    password: str | None
    schema: str | None

    @property
    def extra_dejson(self) -> dict[str, Any]: ...


class ConnectionSettingsError(ValueError):
    """An Airflow connection lacks what the pipeline needs; the message names the connection and field."""


def s3_from_connection(conn: ConnectionLike, fallback: S3Settings) -> S3Settings:
    """An `aws`-type connection: login/password are the access/secret key, extra.endpoint_url the server
    (http:// or https:// decides `secure`), extra.bucket the bucket (else the environment's)."""
    extra = conn.extra_dejson or {}
    endpoint_url = extra.get("endpoint_url") or (f"http://{conn.host}:{conn.port}" if conn.host else None)
    if not endpoint_url:
        raise ConnectionSettingsError(
            f"connection {S3_CONNECTION_ID}: set extra.endpoint_url (e.g. http://minio:9000)"
        )
    parts = urlsplit(endpoint_url if "://" in endpoint_url else f"http://{endpoint_url}")
    if not (conn.login and conn.password):
        raise ConnectionSettingsError(
            f"connection {S3_CONNECTION_ID}: login (access key) and password are required"
        )
    return S3Settings(
        endpoint=parts.netloc,
        access_key=conn.login,
        secret_key=conn.password,
        bucket=extra.get("bucket") or fallback.bucket,
        secure=parts.scheme == "https",
    )


def warehouse_url_from_connection(conn: ConnectionLike) -> str:
    """A `postgres`-type connection as the SQLAlchemy-free URL warehouse.db expects."""
    if not (conn.host and conn.schema):
        raise ConnectionSettingsError(
            f"connection {WAREHOUSE_CONNECTION_ID}: host and schema (database) are required"
        )
    auth = quote(conn.login or "", safe="")
    if conn.password:
        auth += ":" + quote(conn.password, safe="")
    port = f":{conn.port}" if conn.port else ""
    return f"postgresql://{auth + '@' if auth else ''}{conn.host}{port}/{conn.schema}"


def apply_connections(
    settings: Settings, s3: ConnectionLike | None = None, warehouse: ConnectionLike | None = None
) -> Settings:
    """The same Settings with what Airflow connections define in place of the environment's values."""
    changes: dict[str, Any] = {}
    if s3 is not None:
        changes["s3"] = s3_from_connection(s3, settings.s3)
    if warehouse is not None:
        changes["warehouse_url"] = warehouse_url_from_connection(warehouse)
    return settings.with_overrides(**changes) if changes else settings
