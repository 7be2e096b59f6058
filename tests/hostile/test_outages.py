"""Issue rows 5, 6 and 11: a listing page that keeps failing degrades the run (not aborts it); a stalled
PostgreSQL fails in bounded time; every dependency outage is one named error with one line and the setting
to check, the CLI prints that line (no traceback) and the run row ends `failed` with it."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from click.testing import CliRunner

from simulator.faults import Fault, FaultProxy
from tests.hostile.conftest import SIM_PORTAL
from tests.pipeline_env import pipeline_env
from warehouse.db import Warehouse, WarehouseTimeouts
from warehouse.errors import (
    S3BucketInvalid,
    S3CredentialsRefused,
    S3Unavailable,
    WarehouseStalled,
    WarehouseUnavailable,
)
from warehouse.objectstore import ObjectStore, StoreTimeouts

QUICK_S3 = StoreTimeouts(connect=1, read=2, retries=1)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- row 11: named errors ---------------------------------------------------------------------------------


def test_s3_down_is_named(s3_server):
    store = ObjectStore(f"127.0.0.1:{_closed_port()}", "k", "s", "bucket", timeouts=QUICK_S3)
    with pytest.raises(S3Unavailable, match=r"unreachable.*\(check DIRECTIVES_S3_ENDPOINT\)$") as info:
        store.ensure_bucket()
    assert "\n" not in str(info.value)


def test_s3_credentials_refused_is_named(s3_server):
    store = ObjectStore(s3_server.endpoint, s3_server.access_key, "wrong-secret", "bucket", timeouts=QUICK_S3)
    with pytest.raises(S3CredentialsRefused, match="DIRECTIVES_S3_SECRET_KEY"):
        store.ensure_bucket()


def test_invalid_bucket_name_is_named():
    with pytest.raises(S3BucketInvalid, match="DIRECTIVES_S3_BUCKET"):
        ObjectStore("127.0.0.1:9", "k", "s", "Not_A_Bucket")


def test_warehouse_down_is_named_after_bounded_retries():
    url = f"postgresql://postgres:secret@127.0.0.1:{_closed_port()}/x"
    started = time.monotonic()
    with pytest.raises(
        WarehouseUnavailable, match=r"after 2 attempts.*\(check DIRECTIVES_WAREHOUSE_URL\)$"
    ) as info:
        Warehouse.connect(url, timeouts=WarehouseTimeouts(connect=1, connect_retries=1, retry_backoff=0.1))
    assert "secret" not in str(info.value) and time.monotonic() - started < 10


@pytest.fixture
def cli_env(simulator, s3_server, duckdb_url, monkeypatch):
    values = pipeline_env(
        monkeypatch,
        simulator,
        s3_server,
        duckdb_url,
        "out",
        DIRECTIVES_HTTP_RETRIES="1",
        DIRECTIVES_READ_TIMEOUT="3",
    )
    monkeypatch.delenv("DIRECTIVES_REGISTRY", raising=False)
    return values


def _run_row(duckdb_url: str, run_id: str) -> dict:
    with Warehouse.connect(duckdb_url) as wh:
        return wh.run(run_id, SIM_PORTAL)


def test_cli_prints_the_named_line_and_marks_the_run_failed(cli_env, monkeypatch, duckdb_url):
    from directives_cli.main import cli

    monkeypatch.setenv("DIRECTIVES_S3_ENDPOINT", f"127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("DIRECTIVES_S3_RETRIES", "1")
    monkeypatch.setenv("DIRECTIVES_S3_CONNECT_TIMEOUT", "1")
    result = CliRunner().invoke(cli, ["run", SIM_PORTAL, "--run-id", "run-s3-down"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = result.output.strip().splitlines()[-1]
    assert "FAILED: S3Unavailable:" in line and line.endswith("(check DIRECTIVES_S3_ENDPOINT)")
    row = _run_row(duckdb_url, "run-s3-down")
    assert row["status"] == "failed" and row["error"].startswith("S3Unavailable:")


# --- row 5: a listing page that keeps failing ---------------------------------------------------------------


def test_failing_listing_page_degrades_the_run_and_is_named(cli_env, simulator, monkeypatch, duckdb_url):
    from directives_cli.main import cli
    from simulator.server import env_name

    with FaultProxy(
        simulator.base_urls[SIM_PORTAL], [Fault("status", match=r"/page-2/", times=None)]
    ) as proxy:
        monkeypatch.setenv(env_name(SIM_PORTAL), proxy.url)
        result = CliRunner().invoke(cli, ["run", SIM_PORTAL, "--run-id", "run-listing"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [f["url"] for f in summary["listing_failures"]] == [proxy.url + "/van-ban/page-2/"]
    assert "HTTP 503 (after 1 retries)" in summary["listing_failures"][0]["reason"]
    assert summary["new"] >= 1  # page 1's documents went on through the pipeline
    assert _run_row(duckdb_url, "run-listing")["status"] == "degraded"


# --- row 6: a stalled PostgreSQL -------------------------------------------------------------------------


class StallingProxy:
    """TCP proxy to PostgreSQL that forwards until `stall()`, then keeps every connection open and silent."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.stalled = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.stalled.is_set():
                continue  # accepted, never answered
            upstream = socket.create_connection(self.target)
            self.sockets.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while self.stalled.is_set():
                    time.sleep(0.05)  # packets "dropped": nothing goes on, the connection stays open
                sink.sendall(data)
        except OSError:
            pass

    def stall(self) -> None:
        self.stalled.set()

    def close(self) -> None:
        self.stalled.clear()
        self.listener.close()
        for s in self.sockets:
            s.close()


@pytest.fixture
def stalling(pg_url):
    from urllib.parse import urlsplit

    parts = urlsplit(pg_url)
    proxy = StallingProxy((parts.hostname, parts.port or 5432))
    yield proxy, pg_url.replace(parts.netloc, f"{parts.username}@127.0.0.1:{proxy.port}")
    proxy.close()


FAST_PG = WarehouseTimeouts(connect=2, statement=1, client_margin=1, connect_retries=0)


def test_stalled_postgres_fails_in_bounded_time(stalling):
    proxy, url = stalling
    wh = Warehouse.connect(url, timeouts=FAST_PG)
    wh.migrate()
    assert wh.scalar("SELECT 1") == 1
    proxy.stall()
    started = time.monotonic()
    with pytest.raises(
        WarehouseStalled, match=r"no answer within 2 s.*check DIRECTIVES_PG_STATEMENT_TIMEOUT"
    ):
        wh.scalar("SELECT count(*) FROM runs")
    assert time.monotonic() - started < 6


def test_stalled_postgres_on_connect_is_named(stalling):
    proxy, url = stalling
    proxy.stall()
    started = time.monotonic()
    with pytest.raises(WarehouseUnavailable, match="DIRECTIVES_WAREHOUSE_URL"):
        Warehouse.connect(url, timeouts=FAST_PG)
    assert time.monotonic() - started < 8


def test_session_has_server_side_timeouts_and_keepalives(pg_url):
    with Warehouse.connect(pg_url, timeouts=FAST_PG) as wh:
        assert wh.scalar("SHOW statement_timeout") == "1s"
        assert wh.scalar("SHOW idle_in_transaction_session_timeout") == "10min"
        params = wh.conn.info.get_parameters()
        assert params.get("keepalives") == "1" and params.get("keepalives_idle") == "30"
        with pytest.raises(WarehouseStalled, match="cancelled by the server"):
            wh.scalar("SELECT pg_sleep(3)")
