"""Run-time settings of the pipeline: where storage and the warehouse are, and the limits of a run.

Everything comes from the environment (or, inside Airflow, from connections that the DAG layer turns into
these same settings); nothing here holds a credential. Defaults are the embedded demo services.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from scrapers.http import FetchLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"
EMBEDDED_S3_ENDPOINT = "127.0.0.1:18333"


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
    )
    max_docs = env.get("DIRECTIVES_MAX_DOCUMENTS_PER_RUN")
    return Settings(
        s3=s3,
        var_dir=var_dir,
        warehouse_url=env.get("DIRECTIVES_WAREHOUSE_URL", f"duckdb:///{var_dir / 'warehouse.duckdb'}"),
        registry_path=env.get("DIRECTIVES_REGISTRY"),
        fetch_limits=limits,
        max_documents_per_run=int(max_docs) if max_docs else None,
        respect_robots=_flag(env.get("DIRECTIVES_RESPECT_ROBOTS"), True),
    )
