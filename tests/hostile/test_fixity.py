"""Issue rows 7-8: a corrupt original is verified by streamed digest and repaired from freshly fetched bytes;
`directives fixity` finds a tampered original, records fixity_checks and alerts; the next run repairs it."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from tests.hostile.conftest import SIM_PORTAL, pipeline_settings, portal_at, run_portal
from warehouse.db import Warehouse
from warehouse.fixity import audit, corrupt_originals
from warehouse.objectstore import original_key

ORIGINAL = b"%PDF-1.4 the original bytes of a directive " * 100


def _tamper(store, key: str, data: bytes) -> None:
    store.client.put_object(store.bucket, key, io.BytesIO(data), len(data))


def _put(store):
    return store.put_original(
        ORIGINAL,
        source_url="http://x/a.pdf",
        fetched_at="2025-01-01T00:00:00+00:00",
        content_type="application/pdf",
        portal_id="p",
    )


@pytest.mark.parametrize("corruption", ["same size", "other size"])
def test_put_original_repairs_a_corrupt_object_from_fresh_bytes(object_store, corruption):
    events = []
    object_store.on_fixity_event = events.append
    stored = _put(object_store)
    bad = bytes(reversed(ORIGINAL)) if corruption == "same size" else ORIGINAL[:-7]
    _tamper(object_store, stored.key, bad)
    again = _put(object_store)
    assert again.repaired and again.sha256 == stored.sha256
    assert object_store.get_original(stored.sha256) == ORIGINAL
    assert [(e.key, e.found, e.status) for e in events] == [
        (stored.key, hashlib.sha256(bad).hexdigest(), "repaired")
    ]


def test_intact_object_is_left_alone(object_store):
    _put(object_store)
    again = _put(object_store)
    assert not again.created and not again.repaired


@pytest.fixture
def webhook():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()


def test_audit_finds_tampered_and_missing_originals(object_store, duckdb_url, webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("DIRECTIVES_ALERT_WEBHOOK", url)
    keys = []
    for i in range(4):
        data = ORIGINAL + str(i).encode()
        keys.append(
            object_store.put_original(
                data, source_url="u", fetched_at="2025-01-01", content_type="x", portal_id="p"
            ).key
        )
    _tamper(object_store, keys[1], b"tampered")
    object_store.client.remove_object(object_store.bucket, keys[2])
    with Warehouse.connect(duckdb_url) as wh:
        wh.migrate()
        report = audit(object_store, wh)  # the bucket still lists keys 0, 1, 3
        assert (report.checked, report.ok, report.mismatched) == (3, 2, [keys[1]])
        rows = wh.query("SELECT object_key, expected_sha256, found_sha256, status FROM fixity_checks")
        assert {r["object_key"]: r["status"] for r in rows} == {
            keys[0]: "ok",
            keys[1]: "mismatch",
            keys[3]: "ok",
        }
        bad = next(r for r in rows if r["status"] == "mismatch")
        assert bad["found_sha256"] == hashlib.sha256(b"tampered").hexdigest()
        assert corrupt_originals(wh) == {keys[1].rsplit("/", 1)[1]}
        # a sample takes the never-checked / longest-unchecked first
        assert audit(object_store, wh, sample=1, alert=False).checked == 1
    assert len(received) == 1 and keys[1] in received[0]["text"]


def test_directives_fixity_finds_a_tampered_original_and_the_next_run_repairs_it(
    simulator, s3_server, duckdb_url, monkeypatch
):
    from directives_cli.main import cli

    bucket = f"fix-{uuid.uuid4().hex[:10]}"
    settings = pipeline_settings(s3_server, duckdb_url, bucket)
    portal = portal_at(simulator.base_urls[SIM_PORTAL])
    summary, error, _ = run_portal(settings, portal, "run-1")
    assert error is None and summary.new >= 1
    with Warehouse.connect(duckdb_url) as wh:
        doc = wh.current_documents(SIM_PORTAL)[0]
    from warehouse.objectstore import ObjectStore

    store = ObjectStore(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, bucket)
    key = original_key(doc["original_sha256"])
    good = store.get_bytes(key)
    _tamper(store, key, bytes(reversed(good)))  # same size: only a digest notices

    for name, value in {
        "DIRECTIVES_S3_ENDPOINT": s3_server.endpoint,
        "DIRECTIVES_S3_ACCESS_KEY": s3_server.access_key,
        "DIRECTIVES_S3_SECRET_KEY": s3_server.secret_key,
        "DIRECTIVES_S3_BUCKET": bucket,
        "DIRECTIVES_WAREHOUSE_URL": duckdb_url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DIRECTIVES_ALERT_WEBHOOK", raising=False)
    result = CliRunner().invoke(cli, ["fixity", "--portal", SIM_PORTAL])
    assert result.exit_code == 1, result.output
    assert f"MISMATCH {key}" in result.output and "1 mismatched" in result.output

    summary, error, row = run_portal(settings, portal, "run-2")
    assert error is None and summary.new == 0 and summary.updated == 0
    assert store.get_original(doc["original_sha256"]) == good
    with Warehouse.connect(duckdb_url) as wh:
        repaired = wh.query(
            "SELECT audit_id, status FROM fixity_checks WHERE object_key = :k AND status = 'repaired'",
            {"k": key},
        )
        assert repaired == [{"audit_id": "run-2", "status": "repaired"}]
    result = CliRunner().invoke(cli, ["fixity", "--portal", SIM_PORTAL])
    assert result.exit_code == 0, result.output
