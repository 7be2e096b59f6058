"""Run rows, quarantine lifecycle and the portal_health view on both warehouses (real PostgreSQL, DuckDB)."""

from __future__ import annotations

import pytest

from warehouse import schema, search_schema
from warehouse.db import Warehouse
from warehouse.loader import InvalidRow, upsert_document

SHA = "c" * 64


@pytest.fixture(params=["postgres", "duckdb"])
def wh(request, tmp_path):
    if request.param == "postgres":
        warehouse = Warehouse.connect(request.getfixturevalue("pg_url"))
        for name in reversed(search_schema.VIEW_COMMENTS):
            warehouse.execute(f"DROP VIEW IF EXISTS {name}")
        for table in schema.TABLES:  # the database is per session; each test starts from empty tables
            warehouse.execute(f"DROP TABLE IF EXISTS {table.name} CASCADE")
    else:
        warehouse = Warehouse.connect(f"duckdb:///{tmp_path / 'wh.duckdb'}")
    warehouse.migrate()
    yield warehouse
    warehouse.close()


def _row(**changes):
    row = {
        "portal_id": "p",
        "doc_key": "1",
        "original_sha256": SHA,
        "original_key": f"originals/sha256/cc/cc/{SHA}",
        "parser_version": "1",
        "run_id": "r1",
    }
    return {**row, **changes}


def test_same_original_and_parser_is_a_noop_a_new_parser_a_new_version(wh):
    assert upsert_document(wh, _row()) == "insert"
    assert upsert_document(wh, _row(run_id="r2")) == "noop"
    assert upsert_document(wh, _row(parser_version="2", run_id="r3")) == "update"
    versions = wh.document_versions("p", "1")
    assert [(v["version"], v["parser_version"], v["original_sha256"]) for v in versions] == [
        (1, "1", SHA),
        (2, "2", SHA),
    ]


def test_a_quarantine_row_is_resolved_by_the_load_and_reopened_when_met_again(wh):
    wh.record_quarantine(portal_id="p", doc_key="1", stage="extract", reasons=["cannot extract"], run_id="r1")
    upsert_document(wh, _row(run_id="r2"))
    assert wh.quarantined("p") == []
    (resolved,) = wh.quarantined("p", include_resolved=True)
    assert resolved["resolved_by_run"] == "r2" and resolved["resolved_at"] is not None
    wh.record_quarantine(portal_id="p", doc_key="1", stage="extract", reasons=["cannot extract"], run_id="r3")
    (reopened,) = wh.quarantined("p")
    assert reopened["resolved_at"] is None and reopened["run_id"] == "r3"


def test_runs_end_in_a_final_status_and_the_health_view_shows_the_trend(wh):
    with pytest.raises(InvalidRow, match="success | degraded | failed"):
        wh.finish_run("r0", "p", {}, status="running")
    statuses = ["success", "degraded", "failed"]
    for i, status in enumerate(statuses):
        wh.start_run(f"r{i}", "p")
        counts = {"discovered": 10, "new": 10 - 2 * i, "quarantined": i, "failed": i}
        if status == "failed":
            wh.mark_run_failed(f"r{i}", "p", RuntimeError("the portal answered 503"))
        else:
            wh.finish_run(f"r{i}", "p", counts, status=status)
    wh.record_quarantine(portal_id="p", doc_key="7", stage="validate", reasons=["no text"], run_id="r1")
    (health,) = wh.portal_health()
    assert health["last_finished_run_id"] == "r2" and health["last_status"] == "failed"
    assert health["recent_statuses"] == "success degraded failed"
    assert health["quarantined"] == 1  # open quarantine now
    assert wh.run("r2", "p")["error"] == "RuntimeError: the portal answered 503"
    assert wh.run("r1", "p")["quarantined"] == 1 and wh.run("r1", "p")["failed"] == 1
