"""Run the portal DAGs for real (dag.test()) against the simulator, the S3 server and PostgreSQL.

Covers the issue's promises end to end: every simulator document ingested or quarantined with its original and
a reason, every original also in the crawl's WARC file; a second run writes nothing; a changed document (new
bytes, same URL) becomes version 2 while version 1 is kept.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from parsers.metadata_tables import NUMBERLESS_TYPES
from scrapers.registry import load_registry


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    from simulator.server import start_simulator

    with start_simulator(tmp_path_factory.mktemp("simulator")) as sim:
        yield sim


@pytest.fixture(scope="module")
def pipeline_env(simulator, s3_server, pg_url, tmp_path_factory):
    bucket = "dagtest"
    env = {
        "DIRECTIVES_S3_ENDPOINT": s3_server.endpoint,
        "DIRECTIVES_S3_ACCESS_KEY": s3_server.access_key,
        "DIRECTIVES_S3_SECRET_KEY": s3_server.secret_key,
        "DIRECTIVES_S3_BUCKET": bucket,
        "DIRECTIVES_WAREHOUSE_URL": pg_url,
        "DIRECTIVES_VAR_DIR": str(tmp_path_factory.mktemp("var")),
    }
    # The tasks get storage and warehouse from Airflow connections; the pipeline's own variables point at
    # nothing, so a task that ignored the connections would fail.
    pg = urlsplit(pg_url)
    connections = {
        "AIRFLOW_CONN_DIRECTIVES_S3": json.dumps(
            {
                "conn_type": "aws",
                "login": s3_server.access_key,
                "password": s3_server.secret_key,
                "extra": {"endpoint_url": f"http://{s3_server.endpoint}", "bucket": bucket},
            }
        ),
        "AIRFLOW_CONN_DIRECTIVES_WAREHOUSE": json.dumps(
            {
                "conn_type": "postgres",
                "host": pg.hostname,
                "port": pg.port,
                "schema": pg.path.lstrip("/"),
                "login": pg.username,
            }
        ),  # fmt: skip
        "DIRECTIVES_S3_ENDPOINT": "127.0.0.1:1",
        "DIRECTIVES_WAREHOUSE_URL": "postgresql://nobody@127.0.0.1:1/none",
    }
    for portal_id, url in simulator.base_urls.items():
        env["DIRECTIVES_SIM_URL_" + portal_id.upper().replace("-", "_")] = url
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {**env, **connections}.items():
            mp.setenv(name, value)
        yield env


@pytest.fixture(scope="module")
def store(pipeline_env):
    from warehouse.objectstore import ObjectStore

    s = ObjectStore(
        pipeline_env["DIRECTIVES_S3_ENDPOINT"],
        pipeline_env["DIRECTIVES_S3_ACCESS_KEY"],
        pipeline_env["DIRECTIVES_S3_SECRET_KEY"],
        pipeline_env["DIRECTIVES_S3_BUCKET"],
    )
    s.ensure_bucket()
    return s


@pytest.fixture(scope="module")
def warehouse(pipeline_env):
    from warehouse.db import Warehouse

    wh = Warehouse.connect(pipeline_env["DIRECTIVES_WAREHOUSE_URL"])
    wh.migrate()
    yield wh
    wh.close()


def run_dag(dagbag, portal_id: str, run_conf: dict | None = None):
    portal = next(p for p in load_registry() if p.id == portal_id)
    dagrun = dagbag.get_dag(portal.dag_id).test(run_conf=run_conf)
    assert dagrun.state == "success", f"{portal.dag_id} ended {dagrun.state}"
    return dagrun


def archived_payload_digests(store, portal_id: str) -> set[str]:
    """SHA-256 of every response body in the portal's crawl WARC files."""
    digests = set()
    for key in store.list_keys(f"warc/{portal_id}/"):
        for record in ArchiveIterator(io.BytesIO(store.get_bytes(key))):
            if record.rec_type == "response":
                digests.add(hashlib.sha256(record.content_stream().read()).hexdigest())
    return digests


def expected_documents(simulator, portal_id: str) -> set[str]:
    return {str(d.doc_key) for d in simulator.state.documents(portal_id)}


@pytest.mark.parametrize("portal_id", [p.id for p in load_registry() if p.enabled])
def test_first_run_ingests_or_quarantines_every_document(dagbag, simulator, warehouse, store, portal_id):
    run_dag(dagbag, portal_id)
    loaded = {row["doc_key"] for row in warehouse.current_documents(portal_id)}
    quarantined = {row["doc_key"] for row in warehouse.quarantined(portal_id)}
    assert loaded | quarantined == expected_documents(simulator, portal_id)
    for row in warehouse.current_documents(portal_id):
        assert row["version"] == 1 and row["is_current"]
        assert row["text"] and row["parser_version"] and row["field_sources"]
        # a missing field is listed on the row, except a number for a type that has none (a constitution)
        for field in ("number", "issued_date"):
            exempt = field == "number" and row["doc_type"] in NUMBERLESS_TYPES
            assert row[field] or exempt or f"{field} is missing" in row["quality_warnings"], row["doc_key"]
        assert store.get_original(row["original_sha256"])  # digest verified by the store
    archived = archived_payload_digests(store, portal_id)
    assert {row["original_sha256"] for row in warehouse.current_documents(portal_id)} <= archived
    for row in warehouse.quarantined(portal_id):
        assert row["reasons"]
        assert store.exists(row["object_key"])
        if row["original_sha256"]:
            assert store.get_original(row["original_sha256"])


def test_corrupt_pdf_is_quarantined_with_a_readable_reason(warehouse):
    rows = [row for p in load_registry() if p.enabled for row in warehouse.quarantined(p.id)]
    assert any(row["stage"] == "extract" for row in rows), rows
    assert all(isinstance(r, str) and len(r) > 10 for row in rows for r in row["reasons"])


def test_second_run_writes_nothing(dagbag, warehouse, store):
    portal_id = "sim-quangngai-tu"
    objects_before = set(store.list_keys(""))
    rows_before = warehouse.document_count()
    run_dag(dagbag, portal_id)
    # a scheduled run is incremental: its discover manifest (how the walk went) and the chunk manifests
    # split from it are all it may add
    added = set(store.list_keys("")) - objects_before
    kinds = {k.split("/")[2] for k in added}
    assert kinds <= {"discover", "chunk"} and all(k.startswith(f"manifests/{portal_id}/") for k in added)
    assert sum(k.split("/")[2] == "discover" for k in added) <= 1, added
    assert warehouse.document_count() == rows_before
    run = warehouse.latest_run(portal_id)
    assert run["new"] == 0 and run["updated"] == 0 and run["walk"] == "incremental"
    after = set(store.list_keys(""))
    run_dag(dagbag, portal_id)
    assert set(store.list_keys("")) == after


def test_changed_document_becomes_version_two_and_keeps_version_one(dagbag, simulator, warehouse):
    portal_id = "sim-quangngai-tu"
    doc_key = sorted(row["doc_key"] for row in warehouse.current_documents(portal_id))[0]
    simulator.state.change_document(portal_id, doc_key)
    # new bytes at the same URL under the same listing row: a full walk (the backfill Param) finds it
    run_dag(dagbag, portal_id, run_conf={"full_walk": True})
    assert warehouse.latest_run(portal_id)["walk"] == "full"
    versions = warehouse.document_versions(portal_id, doc_key)
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["is_current"] for v in versions] == [False, True]
    assert versions[0]["original_sha256"] != versions[1]["original_sha256"]
    assert warehouse.latest_run(portal_id)["updated"] == 1


def test_run_params_limit_the_walk_and_the_period(dagbag, warehouse, simulator):
    portal_id = "sim-thanhhoa-camthuy-hu"
    run_dag(dagbag, portal_id, run_conf={"max_pages": 1})
    page_size = simulator.state.config.page_size
    assert 0 < warehouse.latest_run(portal_id)["discovered"] <= page_size
    run_dag(dagbag, portal_id, run_conf={"since": "2100-01-01"})
    assert warehouse.latest_run(portal_id)["discovered"] == 0


def test_each_run_that_validates_publishes_offline_data_docs(store, pipeline_env):
    from quality.data_docs import remote_assets

    portal_id = "sim-quangngai-tu"
    [index] = [
        k
        for k in store.list_keys(f"data-docs/{portal_id}/")
        if k.count("/") == 3 and k.endswith("index.html")
    ][:1]
    assert remote_assets(store.get_bytes(index).decode()) == []
    var_copy = Path(pipeline_env["DIRECTIVES_VAR_DIR"]) / index
    assert var_copy.is_file()


def test_reprocess_param_rereads_the_stored_originals_without_a_request(
    dagbag, warehouse, store, pipeline_env, monkeypatch
):
    """`reprocess: true` takes the other branch: the stored originals read by the current parser (here a
    newer parser version), every document a new version from the same original; the portal, whose address
    now answers nothing, gets no request."""
    import parsers.record
    from simulator.server import env_name
    from tests.services import free_port

    portal_id = "sim-gialai-tu"
    current = {row["doc_key"]: row for row in warehouse.current_documents(portal_id)}
    held = [row for row in warehouse.quarantined(portal_id) if row["original_sha256"]]  # read again too
    assert current
    originals = store.count_objects("originals/")
    monkeypatch.setenv(env_name(portal_id), f"http://127.0.0.1:{free_port()}")
    monkeypatch.setattr(parsers.record, "PARSER_VERSION", "9999.1")
    dagrun = run_dag(dagbag, portal_id, run_conf={"reprocess": True})
    states = {ti.task_id: ti.state for ti in dagrun.get_task_instances()}
    assert states["reprocess"] == "success" and states["discover"] == "skipped", states
    run = warehouse.latest_run(portal_id)
    assert (run["discovered"], run["updated"], run["new"]) == (len(current) + len(held), len(current), 0)
    assert warehouse.fetches(dagrun.run_id, portal_id) == []
    assert store.count_objects("originals/") == originals
    for doc_key, before in current.items():
        versions = warehouse.document_versions(portal_id, doc_key)
        assert versions[-1]["parser_version"] == "9999.1", doc_key
        assert versions[-1]["original_sha256"] == before["original_sha256"]
