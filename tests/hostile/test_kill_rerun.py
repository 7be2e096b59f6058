"""kill -9 of `directives run` in the middle of discovery and of a fetch, then a rerun: no duplicate, the
archive as complete as after an uninterrupted run, and nothing the killed run started is left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from simulator.faults import Fault, FaultProxy
from simulator.server import env_name
from tests.hostile.conftest import SIM_PORTAL, pipeline_settings, portal_at, run_portal
from tests.hostile.test_sandbox_hostile import _alive, _descendants
from warehouse.db import Warehouse

DIRECTIVES = [sys.executable, "-m", "directives_cli.main"]


def _env(s3_server, duckdb_url, bucket, portal_url):
    return {
        **os.environ,
        env_name(SIM_PORTAL): portal_url,
        "DIRECTIVES_S3_ENDPOINT": s3_server.endpoint,
        "DIRECTIVES_S3_ACCESS_KEY": s3_server.access_key,
        "DIRECTIVES_S3_SECRET_KEY": s3_server.secret_key,
        "DIRECTIVES_S3_BUCKET": bucket,
        "DIRECTIVES_WAREHOUSE_URL": duckdb_url,
        "DIRECTIVES_READ_TIMEOUT": "30",
    }


def _run(env, run_id):
    return subprocess.run(
        [*DIRECTIVES, "run", SIM_PORTAL, "--run-id", run_id],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def reference(simulator, s3_server, tmp_path_factory):
    """The documents an uninterrupted run loads (an HTML-only one's page differs between fetches, so
    documents are compared by key)."""
    url = f"duckdb:///{tmp_path_factory.mktemp('reference') / 'warehouse.duckdb'}"
    settings = pipeline_settings(s3_server, url, f"ref-{uuid.uuid4().hex[:10]}")
    summary, error, _ = run_portal(settings, portal_at(simulator.base_urls[SIM_PORTAL]), "reference")
    assert error is None
    with Warehouse.connect(url) as wh:
        return {r["doc_key"] for r in wh.current_documents(SIM_PORTAL)}


@pytest.mark.parametrize("point", [r"/page-2/", r"download=1"], ids=["during-discover", "during-fetch"])
def test_killed_run_then_rerun_leaves_no_duplicate(simulator, s3_server, duckdb_url, point, reference):
    bucket = f"kill-{uuid.uuid4().hex[:10]}"
    with FaultProxy(simulator.base_urls[SIM_PORTAL], [Fault("stall", match=point, seconds=60)]) as proxy:
        env = _env(s3_server, duckdb_url, bucket, proxy.url)
        worker = subprocess.Popen(
            [*DIRECTIVES, "run", SIM_PORTAL, "--run-id", "killed"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline, seen = time.monotonic() + 120, {}
        while time.monotonic() < deadline and not any(e.fault == "stall" for e in proxy.log):
            seen.update(_descendants(worker.pid))
            time.sleep(0.05)
        assert any(e.fault == "stall" for e in proxy.log), "the run never reached the kill point"
        seen.update(_descendants(worker.pid))
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        proxy.set_faults([])
        rerun = _run(env, "rerun")
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    deadline = time.monotonic() + 10
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(seen) == []
    with Warehouse.connect(duckdb_url) as wh:
        current = wh.current_documents(SIM_PORTAL)
        assert wh.document_count(SIM_PORTAL) == len(current)  # one version each, no duplicate
        assert {r["doc_key"] for r in current} == reference
        assert wh.run("rerun", SIM_PORTAL)["status"] == "success"
