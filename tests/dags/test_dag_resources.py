"""The Airflow-side resources of the portal DAGs: pools, assets, timeouts, docs, typed Params, connections."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from airflow.sdk import Connection

from pipeline.deployment import documents_asset_uri, host_pools, pool_name, pool_slots
from pipeline.settings import ConnectionSettingsError, apply_connections, settings_from_env
from scrapers.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]
PORTAL_TASKS = {"discover", "chunks.fetch"}  # the tasks that send requests to the portal


def stage_of(task) -> str:
    """The stage a task runs: its id without the task group (chunks.fetch -> fetch)."""
    return task.task_id.rsplit(".", 1)[-1]


def enabled():
    return [p for p in load_registry() if p.enabled]


def test_portal_requests_run_in_the_host_pool(dagbag):
    for portal in enabled():
        dag = dagbag.get_dag(portal.dag_id)
        for task in dag.tasks:
            expected = pool_name(portal) if task.task_id in PORTAL_TASKS else "default_pool"
            assert task.pool == expected, f"{dag.dag_id}.{task.task_id}"


def test_pool_sizes_follow_the_rate_limit():
    assert pool_slots(0.5) == 1 and pool_slots(1.9) == 1 and pool_slots(3, host_tasks=4) == 3
    assert pool_slots(50, host_tasks=2) == 2 and pool_slots(50, host_tasks=1) == 1
    pools = {p.name: p for p in host_pools(load_registry())}
    assert set(pools) == {pool_name(p) for p in enabled()}
    for portal in enabled():
        assert pools[pool_name(portal)].slots == pool_slots(portal.rate_limit_per_sec)


def test_the_slots_of_a_host_pool_together_keep_the_host_rate_limit():
    """Two fetch chunks on two workers each keep their own rate (the throttle is per process): the rate
    each task keeps times the slots never exceeds the host's limit, that of its slowest portal."""
    fast, slow = (
        replace(enabled()[0], id=name, rate_limit_per_sec=rate) for name, rate in (("a", 10), ("b", 3))
    )
    [pool] = host_pools([fast, slow], host_tasks=2)
    assert (pool.slots, pool.rate_limit_per_sec) == (2, 3)
    assert pool.slots * pool.task_rate_per_sec <= 3
    [real] = host_pools([replace(fast, rate_limit_per_sec=0.5)], host_tasks=2)
    assert (real.slots, real.task_rate_per_sec) == (1, 0.5)  # a real portal: one task at its whole rate


def test_tasks_in_the_host_pool_send_at_the_pools_share_of_the_rate(airflow_db):
    """The context the DAG's portal-facing tasks build: the portal at the pool's per-task rate."""
    dag_module = runpy.run_path(str(ROOT / "dags" / "ingest_portals.py"))
    portal = enabled()[0]
    pool = {p.name: p for p in host_pools(load_registry())}[pool_name(portal)]
    assert pool.task_rate_per_sec < portal.rate_limit_per_sec  # the simulator: 50 req/s over 2 slots
    ctx = dag_module["_context"](portal.id, "rate-check", {}, pool.task_rate_per_sec)
    assert ctx.portal.rate_limit_per_sec == pool.task_rate_per_sec
    assert dag_module["_context"](portal.id, "rate-check", {}).portal.rate_limit_per_sec == 50


def test_load_updates_the_portal_documents_asset_and_nothing_else_does(dagbag):
    for portal in enabled():
        dag = dagbag.get_dag(portal.dag_id)
        for task in dag.tasks:
            uris = [outlet.uri for outlet in task.outlets]
            writes = task.task_id in ("load", "reprocess")  # the two ends of a run that load the warehouse
            assert uris == ([documents_asset_uri(portal)] if writes else []), task.task_id


def test_every_task_has_a_timeout_from_settings_and_docs(dagbag):
    timeouts = settings_from_env().stage_timeouts
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert task.execution_timeout == timeouts[stage_of(task)] > timedelta(0)
            assert task.doc_md and len(task.doc_md) > 40, task.task_id


def test_run_params_are_typed(dagbag):
    for portal in enabled():
        params = dagbag.get_dag(portal.dag_id).params
        assert params.get_param("max_pages").schema["type"] == "integer"
        assert params["max_pages"] == portal.options["max_pages"]
        assert params.get_param("since").schema["format"] == "date"
        assert params["since"] is None
        assert params.get_param("reprocess").schema["type"] == "boolean"
        assert params["reprocess"] is False
        assert params.get_param("full_walk").schema["type"] == "boolean"
        assert params["full_walk"] is False


def test_connections_replace_the_environment_in_the_same_settings():
    env = {"DIRECTIVES_S3_ENDPOINT": "wrong:1", "DIRECTIVES_WAREHOUSE_URL": "duckdb:///wrong.duckdb"}
    s3 = Connection(
        conn_id="directives_s3",
        conn_type="aws",
        login="pipeline",
        password="p@ss/word",
        extra=json.dumps({"endpoint_url": "https://minio.example:9000", "bucket": "archive"}),
    )
    warehouse = Connection(
        conn_id="directives_warehouse",
        conn_type="postgres",
        host="db.example",
        port=5433,
        schema="warehouse",
        login="wh",
        password="s3cr:t",
    )
    settings = apply_connections(settings_from_env(env), s3, warehouse)
    assert (settings.s3.endpoint, settings.s3.secure) == ("minio.example:9000", True)
    assert settings.s3.bucket == "archive"
    assert (settings.s3.access_key, settings.s3.secret_key) == ("pipeline", "p@ss/word")
    assert settings.warehouse_url == "postgresql://wh:s3cr%3At@db.example:5433/warehouse"
    assert apply_connections(settings_from_env(env)).s3.endpoint == "wrong:1"


def test_a_connection_missing_a_field_is_named():
    with pytest.raises(ConnectionSettingsError, match="directives_s3.*endpoint_url"):
        incomplete = Connection(conn_id="directives_s3", conn_type="aws", login="a")
        apply_connections(settings_from_env({}), incomplete)


def test_great_expectations_is_imported_only_by_validation():
    """GX costs ~9 s to import: parsing the DAG file and the other stages' code must not pay it."""
    probe = (
        "import runpy, sys; runpy.run_path('dags/ingest_portals.py');"
        "import pipeline.stages, pipeline.context, quality, quality.data_docs;"
        "print('great_expectations' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
