"""Shared service fixtures: a real S3 server (embedded SeaweedFS), PostgreSQL and DuckDB warehouses.

- `s3_server` (session): an EmbeddedS3 on free ports; `.endpoint`, `.access_key`, `.secret_key`.
- `object_store` (per test): an ObjectStore on a fresh bucket of that server.
- `pg_url` (session): a fresh database `directives_test_<random>` on the local PostgreSQL, dropped at the end.
  Admin connection from DIRECTIVES_TEST_PG_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres);
  tests needing it are skipped, with the reason, when that server does not answer.
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


def _pg_admin():
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")


def _database_url(name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def pg_url():
    name = f"directives_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as admin:
        admin.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    yield _database_url(name)
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def duckdb_url(tmp_path):
    return f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
