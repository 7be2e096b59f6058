"""Shared service fixtures: a real S3 server (embedded SeaweedFS), PostgreSQL and DuckDB warehouses.

- `s3_server` (session): an EmbeddedS3 on free ports; `.endpoint`, `.access_key`, `.secret_key`.
- `object_store` (per test): an ObjectStore on a fresh bucket of that server.
- `pg_admin_url` (session): the PostgreSQL at DIRECTIVES_TEST_PG_ADMIN_URL (default
  postgresql://postgres@127.0.0.1:5432/postgres) when it answers, else a private cluster started for the
  session (tests/services.py); never a skip.
- `pg_url` (session): a fresh database `directives_test_<random>` on that server, dropped at the end.
- `redis_url` (session): a Redis database number of the session's own on DIRECTIVES_TEST_REDIS_URL (default
  redis://127.0.0.1:6379) when it answers, else on a private redis-server; flushed at the end.
- `duckdb_url` (per test): a DuckDB file in the test's tmp dir.
- every test reads the registry tests/fixtures/portals.yaml ($DIRECTIVES_REGISTRY), not config/portals.yaml.
Imports happen inside the fixtures so collecting other tests stays fast.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

# The tests read their own registry: an operator enabling a portal in config/portals.yaml must not change
# what `make test` runs. Set before any test module imports the DAG file or calls load_registry().
TEST_REGISTRY = Path(__file__).parent / "fixtures" / "portals.yaml"
os.environ["DIRECTIVES_REGISTRY"] = str(TEST_REGISTRY)

PG_ADMIN_URL = os.environ.get("DIRECTIVES_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("DIRECTIVES_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    from warehouse.services import EmbeddedS3

    server = EmbeddedS3(tmp_path_factory.mktemp("s3"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def object_store(s3_server):
    from warehouse.objectstore import ObjectStore

    store = ObjectStore(
        s3_server.endpoint, s3_server.access_key, s3_server.secret_key, f"test-{uuid.uuid4().hex[:16]}"
    )
    store.ensure_bucket()
    return store


@pytest.fixture(scope="session")
def pg_admin_url():
    from tests.services import PrivatePostgres, postgres_answers

    if postgres_answers(PG_ADMIN_URL):
        yield PG_ADMIN_URL
        return
    server = PrivatePostgres().start()
    try:
        yield server.admin_url
    finally:
        server.stop()


def _database_url(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def create_database(pg_admin_url):
    """`create_database(prefix) -> url` of a fresh UTF-8 database; all are dropped at the end."""
    import psycopg

    names: list[str] = []

    def create(prefix: str = "directives_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        names.append(name)
        return _database_url(pg_admin_url, name)

    yield create
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url(create_database):
    return create_database()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    import redis

    from tests.services import PrivateRedis, claim_redis_db, redis_answers

    server = None
    base = REDIS_URL.rstrip("/")
    if not redis_answers(base):
        server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
        base = server.url
    url = f"{base}/{claim_redis_db(base)}"
    try:
        yield url
    finally:
        redis.Redis.from_url(url).flushdb()
        if server is not None:
            server.stop()


@pytest.fixture
def duckdb_url(tmp_path):
    return f"duckdb:///{tmp_path / 'warehouse.duckdb'}"


@pytest.fixture
def alert_webhook(monkeypatch):
    """A local webhook that DIRECTIVES_ALERT_WEBHOOK points at (its `/hook`); yields the JSON bodies it
    received. A post to `/down` is answered 500, as a broken alert channel would."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802 (http.server API)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(500 if self.path == "/down" else 204)
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("DIRECTIVES_ALERT_WEBHOOK", f"http://127.0.0.1:{httpd.server_address[1]}/hook")
    yield received
    httpd.shutdown()
