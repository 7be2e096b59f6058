"""The environment a pipeline run reads in the tests: the simulator's portals, the session's S3 server with
a bucket of the test's own, and the test's warehouse."""

from __future__ import annotations

import uuid


def pipeline_env(
    monkeypatch, simulator, s3_server, warehouse_url: str, bucket_prefix: str, **extra: str
) -> dict[str, str]:
    """Set (with monkeypatch) and return the variables; `extra` adds or overrides DIRECTIVES_* values."""
    values = {
        **simulator.env(),
        "DIRECTIVES_S3_ENDPOINT": s3_server.endpoint,
        "DIRECTIVES_S3_ACCESS_KEY": s3_server.access_key,
        "DIRECTIVES_S3_SECRET_KEY": s3_server.secret_key,
        "DIRECTIVES_S3_BUCKET": f"{bucket_prefix}-{uuid.uuid4().hex[:12]}",
        "DIRECTIVES_WAREHOUSE_URL": warehouse_url,
        **extra,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values
