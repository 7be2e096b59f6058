"""The warehouse and its loader on both PostgreSQL and DuckDB (same tests, same expectations)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import duckdb
import pytest

from warehouse import schema, search_schema
from warehouse.db import Warehouse, WarehouseError
from warehouse.loader import InvalidRow, Outcome, upsert_document

SHA = {name: name * 64 for name in "abcdef"}


@pytest.fixture(params=["postgres", "duckdb"])
def wh(request, tmp_path):
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        warehouse = Warehouse.connect(url)
        for name in reversed(search_schema.VIEW_COMMENTS):
            warehouse.execute(f"DROP VIEW IF EXISTS {name}")
        for table in schema.TABLES:  # the database is per session; each test starts from empty tables
            warehouse.execute(f"DROP TABLE IF EXISTS {table.name} CASCADE")  # views depend on them
    else:
        warehouse = Warehouse.connect(f"duckdb:///{tmp_path / 'wh.duckdb'}")
    warehouse.migrate()
    yield warehouse
    warehouse.close()


def doc_row(doc_key: str = "1306", sha: str = SHA["a"], **overrides) -> dict:
    row = {
        "portal_id": "sim-quangngai-tu",
        "doc_key": doc_key,
        "original_sha256": sha,
        "original_key": f"originals/sha256/{sha[:2]}/{sha[2:4]}/{sha}",
        "source_url": f"https://tinhuy.quangngai.gov.vn/văn-bản/{doc_key}.pdf",
        "fetched_at": datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC),
        "family": "party",
        "doc_type": "KL",
        "number": "125-KL/TU",
        "issuer": "TỈNH ỦY QUẢNG NGÃI",
        "issued_date": "2021-08-12",
        "subject": "về tiếp tục tăng cường công tác phòng, chống dịch bệnh Covid-19",
        "recipients": ["Ban Thường vụ Tỉnh ủy", "Lưu Văn phòng Tỉnh ủy"],
        "warnings": [],
        "page_sources": ["text", "ocr"],
        "portal_metadata": {"title": "Kết luận số 125", "issued_date": "2021-08-12"},
        "text": "ĐẢNG CỘNG SẢN VIỆT NAM ...",
        "pages": 2,
        "run_id": "run-1",
    }
    row.update(overrides)
    return row


def test_migrate_is_idempotent_and_creates_the_described_columns(wh):
    wh.migrate()
    for table in schema.TABLES:
        columns = wh.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :t", {"t": table.name}
        )
        assert {c["column_name"] for c in columns} == set(table.column_names), table.name


def test_first_load_inserts_version_one_and_a_rerun_writes_nothing(wh):
    assert upsert_document(wh, doc_row()) == Outcome.INSERT == "insert"
    assert upsert_document(wh, doc_row()) == Outcome.NOOP
    assert wh.document_count() == 1
    (row,) = wh.document_versions("sim-quangngai-tu", "1306")
    assert (row["version"], row["is_current"]) == (1, True)
    assert row["issued_date"] == date(2021, 8, 12)
    assert row["recipients"] == ["Ban Thường vụ Tỉnh ủy", "Lưu Văn phòng Tỉnh ủy"]
    assert row["portal_metadata"]["title"] == "Kết luận số 125"
    assert row["fetched_at"] == datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)
    assert row["loaded_at"].tzinfo is not None


def test_changed_original_becomes_a_new_version_and_keeps_the_old_one(wh):
    upsert_document(wh, doc_row())
    assert upsert_document(wh, doc_row(sha=SHA["b"], number="126-KL/TU", run_id="run-2")) == Outcome.UPDATE
    assert upsert_document(wh, doc_row(sha=SHA["b"], run_id="run-3")) == Outcome.NOOP
    # Going back to the first original is a change too: a third version, the history stays linear.
    assert upsert_document(wh, doc_row(sha=SHA["a"], run_id="run-4")) == Outcome.UPDATE
    versions = wh.document_versions("sim-quangngai-tu", "1306")
    assert [(v["version"], v["is_current"], v["original_sha256"]) for v in versions] == [
        (1, False, SHA["a"]),
        (2, False, SHA["b"]),
        (3, True, SHA["a"]),
    ]
    assert [v["number"] for v in versions] == ["125-KL/TU", "126-KL/TU", "125-KL/TU"]
    assert [v["run_id"] for v in versions] == ["run-1", "run-2", "run-4"]
    current = wh.current_version("sim-quangngai-tu", "1306")
    assert current["version"] == 3
    assert [d["doc_key"] for d in wh.current_documents("sim-quangngai-tu")] == ["1306"]
    assert wh.document_count() == 3 and wh.document_count(current_only=True) == 1


def test_documents_are_matched_on_portal_and_key(wh):
    upsert_document(wh, doc_row("1"))
    upsert_document(wh, doc_row("2"))
    assert upsert_document(wh, doc_row("1", portal_id="sim-gialai-tu")) == Outcome.INSERT
    assert {(d["portal_id"], d["doc_key"]) for d in wh.current_documents()} == {
        ("sim-quangngai-tu", "1"),
        ("sim-quangngai-tu", "2"),
        ("sim-gialai-tu", "1"),
    }
    assert len(wh.current_documents("sim-gialai-tu")) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "unknown documents column"),
        ({"version": 7}, "set by the loader"),
        ({"original_sha256": None}, "without original_sha256"),
        ({"issued_date": "12/08/2021"}, "not an ISO date"),
    ],
)
def test_bad_rows_are_refused_with_a_reason(wh, change, message):
    with pytest.raises((InvalidRow, WarehouseError), match=message):
        upsert_document(wh, doc_row(**change))
    assert wh.document_count() == 0  # nothing half-written


def test_quarantine_is_not_duplicated_by_a_rerun(wh):
    first = wh.record_quarantine(
        portal_id="p",
        doc_key="9",
        original_sha256=SHA["c"],
        source_url="https://x/9.pdf",
        stage="extract",
        reasons=["cannot extract 9.pdf: tệp PDF hỏng"],
        object_key="quarantine/p/9/c.json",
        run_id="run-1",
    )
    again = wh.record_quarantine(
        portal_id="p",
        doc_key="9",
        original_sha256=SHA["c"],
        source_url="https://x/9.pdf",
        stage="extract",
        reasons=["cannot extract 9.pdf: still broken"],
        object_key="quarantine/p/9/c.json",
        run_id="run-2",
    )
    assert (first, again) == ("insert", "update")
    (row,) = wh.quarantined("p")
    assert row["reasons"] == ["cannot extract 9.pdf: still broken"] and row["run_id"] == "run-2"
    assert row["first_seen"] < row["last_seen"]
    # An unfetched document (no digest) is deduplicated too; another stage or digest is another row.
    for _ in range(2):
        wh.record_quarantine(portal_id="p", doc_key="10", stage="fetch", reasons=["HTTP 404"], run_id="run-1")
    wh.record_quarantine(
        portal_id="p", doc_key="9", original_sha256=SHA["c"], stage="validate", reasons=["number is missing"]
    )
    wh.record_quarantine(
        portal_id="p", doc_key="9", original_sha256=SHA["d"], stage="extract", reasons=["cannot extract"]
    )
    rows = wh.quarantined("p")
    assert sorted((r["doc_key"], r["stage"], r["original_sha256"]) for r in rows) == sorted(
        [
            ("9", "extract", SHA["c"]),
            ("9", "validate", SHA["c"]),
            ("9", "extract", SHA["d"]),
            ("10", "fetch", None),
        ]
    )


def test_quarantine_needs_a_known_stage_and_readable_reasons(wh):
    with pytest.raises(InvalidRow, match="stage"):
        wh.record_quarantine(portal_id="p", doc_key="1", stage="load", reasons=["x"])
    with pytest.raises(InvalidRow, match="reasons"):
        wh.record_quarantine(portal_id="p", doc_key="1", stage="fetch", reasons=[])
    assert wh.quarantined() == []


def test_fetch_log_keeps_one_row_per_run_and_url(wh):
    wh.log_fetch(run_id="r1", portal_id="p", url="https://x/1", status=503, error="HTTP 503", elapsed_ms=10)
    wh.log_fetch(
        run_id="r1",
        portal_id="p",
        url="https://x/1",
        status=200,
        sha256=SHA["a"],
        size=12,
        content_type="application/pdf",
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        elapsed_ms=20,
    )
    wh.log_fetch(run_id="r2", portal_id="p", url="https://x/1", status=200, sha256=SHA["a"], size=12)
    rows = wh.fetches("r1")
    assert [(r["status"], r["error"], r["size"]) for r in rows] == [(200, None, 12)]
    assert rows[0]["fetched_at"] == datetime(2026, 1, 1, tzinfo=UTC)
    assert len(wh.fetches("r2")) == 1


def test_runs_record_start_finish_and_summary(wh):
    wh.start_run("run-1", "p")
    started = wh.run("run-1", "p")["started_at"]
    wh.start_run("run-1", "p")  # a retried discovery
    assert wh.run("run-1", "p")["started_at"] == started and wh.run("run-1", "p")["status"] == "running"
    upsert_document(wh, doc_row("1", portal_id="p", run_id="run-1"))
    upsert_document(wh, doc_row("2", portal_id="p", run_id="run-1"))
    wh.record_quarantine(portal_id="p", doc_key="3", stage="fetch", reasons=["HTTP 404"], run_id="run-1")
    wh.log_fetch(run_id="run-1", portal_id="p", url="https://x/3", status=404, error="HTTP 404")
    wh.finish_run(
        "run-1",
        "p",
        {
            "discovered": 3,
            "new": 2,
            "quarantined": 1,
            "portal_id": "p",
            "quarantine_reasons": ["3: HTTP 404"],
        },
    )
    run = wh.latest_run("p")
    assert (run["discovered"], run["new"], run["updated"], run["quarantined"], run["status"]) == (
        3,
        2,
        0,
        1,
        "success",
    )
    assert run["quarantine_reasons"] == ["3: HTTP 404"] and run["finished_at"] >= run["started_at"]
    summary = wh.summary("run-1")
    assert (summary["versions_inserted"], summary["versions_updated"], summary["quarantined"]) == (2, 0, 1)
    assert (summary["fetches"], summary["fetch_errors"]) == (1, 1)
    wh.start_run("run-2", "p")
    assert wh.latest_run("p")["run_id"] == "run-2"
    assert wh.latest_run("nobody") is None
    # the yardstick for a shrinking listing: the newest successful run other than the one in progress
    assert wh.last_successful_run("p", before_run="run-2")["run_id"] == "run-1"
    assert wh.last_successful_run("p", before_run="run-1") is None
    wh.finish_run("run-2", "p", {"discovered": 1}, status="failed")
    assert wh.last_successful_run("p", before_run="run-3")["run_id"] == "run-1"


def test_search_ignores_case_in_vietnamese(wh):
    upsert_document(wh, doc_row("1", subject="VỀ TĂNG CƯỜNG SỰ LÃNH ĐẠO CỦA ĐẢNG"))
    upsert_document(wh, doc_row("2", subject="về công tác dân vận", number="12/CT-UBND"))
    assert [r["doc_key"] for r in wh.search_documents("lãnh đạo của đảng")] == ["1"]
    assert [r["doc_key"] for r in wh.search_documents("CT-UBND")] == ["2"]
    assert wh.search_documents("100%") == []


def test_export_parquet_writes_current_or_all_versions(wh, tmp_path):
    upsert_document(wh, doc_row("1"))
    upsert_document(wh, doc_row("1", sha=SHA["b"]))
    upsert_document(wh, doc_row("2"))
    assert wh.export_parquet(tmp_path / "current.parquet") == 2
    assert wh.export_parquet(tmp_path / "all.parquet", current_only=False) == 3
    rows = duckdb.sql(
        f"SELECT doc_key, version, subject FROM '{tmp_path / 'all.parquet'}' ORDER BY 1, 2"
    ).fetchall()
    assert rows == [
        ("1", 1, doc_row()["subject"]),
        ("1", 2, doc_row()["subject"]),
        ("2", 1, doc_row()["subject"]),
    ]


def test_unknown_warehouse_url_is_refused():
    with pytest.raises(WarehouseError, match="unsupported warehouse URL"):
        Warehouse.connect("sqlite:///x.db")


def test_concurrent_loads_of_one_document_keep_a_linear_history(pg_url):
    """Two writers on the same key (two Airflow tasks): every version numbered once, one current row."""
    setup = Warehouse.connect(pg_url)
    setup.migrate()
    setup.execute("DELETE FROM documents WHERE portal_id = 'race'")
    errors: list[BaseException] = []

    def writer(letter: str) -> None:
        wh = Warehouse.connect(pg_url)
        try:
            for i in range(8):
                sha = f"{letter}{i:x}".ljust(64, "0")
                upsert_document(wh, doc_row("k", sha=sha, portal_id="race"))
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            wh.close()

    threads = [threading.Thread(target=writer, args=(letter,)) for letter in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    versions = setup.document_versions("race", "k")
    assert [v["version"] for v in versions] == list(range(1, 17))
    assert sum(v["is_current"] for v in versions) == 1 and versions[-1]["is_current"]
    with pytest.raises(Exception, match="documents_one_current"):
        setup.execute("UPDATE documents SET is_current = TRUE WHERE portal_id = 'race' AND version = 1")
    setup.close()


def test_duckdb_waits_for_another_process_lock_then_gives_up_with_a_reason(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True);"
            " sys.stdin.readline()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseError, match="cannot open DuckDB warehouse"):
            Warehouse.connect(f"duckdb:///{path}", lock_timeout=0.5)

        def release() -> None:
            holder.stdin.write("\n")
            holder.stdin.flush()

        threading.Timer(0.5, release).start()
        wh = Warehouse.connect(f"duckdb:///{path}", lock_timeout=10)
        wh.migrate()
        wh.close()
    finally:
        holder.kill()
        holder.wait()
