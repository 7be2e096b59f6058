"""Chunks of a run (pipeline/chunks.py): split, merge, and a chunked run equal to a whole one.

The Airflow DAG maps fetch -> extract over chunk manifests and merges the hand-overs for validate and load;
these tests run the same functions without Airflow, against the simulator, a real S3 server and DuckDB.
"""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline import stages
from pipeline.chunks import (
    ChunkMergeError,
    chunk_bounds,
    chunk_label,
    chunk_outputs,
    merge_handovers,
    split_discovery,
)
from pipeline.context import PipelineContext
from pipeline.manifests import read_manifest, write_manifest
from pipeline.settings import settings_from_env
from scrapers.registry import get_portal
from tests.pipeline_env import pipeline_env


def test_chunk_bounds_cover_every_item_once():
    assert chunk_bounds(5, 2) == [(0, 2), (2, 4), (4, 5)]
    assert chunk_bounds(4, 2) == [(0, 2), (2, 4)]
    assert chunk_bounds(0, 50) == [(0, 0)]  # nothing discovered: one empty chunk, the run still closes
    with pytest.raises(ValueError, match="at least 1"):
        chunk_bounds(3, 0)


def test_chunk_outputs_are_a_list_even_for_one_chunk():
    one = {"fetched": {}, "extracted": {}}
    assert chunk_outputs(one) == [one]
    assert chunk_outputs((one, one)) == [one, one]


def test_split_keeps_the_order_and_carries_the_rest_once(object_store):
    refs = [{"doc_key": str(n)} for n in range(5)]
    failures = [{"url": "http://portal/page/3", "reason": "HTTP 500"}]
    key = write_manifest(object_store, "p", "discover", {"refs": refs, "listing_failures": failures})
    keys = split_discovery(object_store, "p", key, 2)
    chunks = [read_manifest(object_store, k) for k in keys]
    assert [c["refs"] for c in chunks] == [refs[0:2], refs[2:4], refs[4:5]]
    assert chunks[0]["listing_failures"] == failures
    assert all("listing_failures" not in c for c in chunks[1:])
    assert all("listing_unchanged" not in c for c in chunks)
    objects = object_store.count_objects()
    assert split_discovery(object_store, "p", key, 2) == keys  # a retried split: same keys, no new object
    assert object_store.count_objects() == objects


def test_split_gives_each_chunk_the_listing_unchanged_documents_it_holds(object_store):
    refs = [{"doc_key": str(n)} for n in range(5)]
    manifest = {"refs": refs, "listing_unchanged": ["1", "2", "4"], "walk": {"walk": "incremental"}}
    key = write_manifest(object_store, "p", "discover", manifest)
    chunks = [read_manifest(object_store, k) for k in split_discovery(object_store, "p", key, 2)]
    assert [c.get("listing_unchanged") for c in chunks] == [["1"], ["2"], ["4"]]
    assert chunks[0]["walk"] == {"walk": "incremental"} and all("walk" not in c for c in chunks[1:])


def test_merge_adds_counts_and_joins_lists_items_and_outcomes(object_store):
    first = write_manifest(object_store, "p", "fetch", {"items": [{"n": 1}, {"n": 2}]})
    second = write_manifest(object_store, "p", "fetch", {"items": [{"n": 3}]})
    parts = [
        {"manifest": first, "discovered": 2, "discovered_keys": ["a", "b"], "outcome_keys": {"failed": []},
         "listing_failures": [{"url": "u"}], "walk": {"capped": True}},
        {"manifest": None, "discovered": 1, "discovered_keys": ["c"], "outcome_keys": {"failed": ["c"]},
         "listing_failures": [], "walk": {}},
        {"manifest": second, "discovered": 1, "discovered_keys": ["d"], "outcome_keys": {"unchanged": ["d"]},
         "listing_failures": [], "walk": {}},
    ]  # fmt: skip
    merged = merge_handovers(object_store, "p", "fetch", parts)
    assert merged["discovered"] == 4 and merged["discovered_keys"] == ["a", "b", "c", "d"]
    assert merged["outcome_keys"] == {"failed": ["c"], "unchanged": ["d"]}
    assert merged["listing_failures"] == [{"url": "u"}] and merged["walk"] == {"capped": True}
    assert read_manifest(object_store, merged["manifest"])["items"] == [{"n": 1}, {"n": 2}, {"n": 3}]
    empty = merge_handovers(object_store, "p", "fetch", [{**p, "manifest": None} for p in parts])
    assert empty["manifest"] is None
    with pytest.raises(ChunkMergeError, match="'mode'"):
        merge_handovers(object_store, "p", "fetch", [{"mode": "full"}, {"mode": "incremental"}])


# --- a chunked run against the simulator ----------------------------------------------------------------


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    from simulator.server import start_simulator

    with start_simulator(tmp_path_factory.mktemp("simulator")) as sim:
        yield sim


def _settings(simulator, s3_server, warehouse_url, monkeypatch):
    return settings_from_env(pipeline_env(monkeypatch, simulator, s3_server, warehouse_url, "chunks"))


def chunked_run(settings, portal_id: str, size: int) -> stages.RunSummary:
    """What the DAG does: discover, split, fetch -> extract per chunk, merge, validate and load once."""
    ctx = PipelineContext(settings, get_portal(portal_id), f"chunked__{uuid.uuid4().hex[:6]}")
    parts = []
    for chunk_key in split_discovery(ctx.store, portal_id, stages.discover(ctx), size):
        ctx.crawl_part = chunk_label(chunk_key)
        fetched = stages.fetch(ctx, chunk_key)
        parts.append((fetched, stages.extract(ctx, fetched)))
    extracted = merge_handovers(ctx.store, portal_id, "extract", [e for _, e in parts])
    fetched = merge_handovers(ctx.store, portal_id, "fetch", [f for f, _ in parts])
    try:
        return stages.load(ctx, stages.validate(ctx, extracted), fetched)
    finally:
        ctx.close()


COUNTS = ("discovered", "new", "updated", "unchanged", "quarantined", "failed", "status")


def test_a_chunked_run_reconciles_as_one_whole_run_and_a_rerun_adds_nothing(
    simulator, s3_server, tmp_path, monkeypatch
):
    portal_id = "sim-quangngai-tu"
    whole_settings = _settings(simulator, s3_server, f"duckdb:///{tmp_path / 'whole.duckdb'}", monkeypatch)
    whole_ctx = PipelineContext(whole_settings, get_portal(portal_id), "whole")
    whole = stages.run_all(whole_ctx)
    whole_ctx.close()

    settings = _settings(simulator, s3_server, f"duckdb:///{tmp_path / 'chunked.duckdb'}", monkeypatch)
    summary = chunked_run(settings, portal_id, size=2)  # several chunks even on the small simulator
    assert summary.discovered > 4
    assert {k: getattr(summary, k) for k in COUNTS} == {k: getattr(whole, k) for k in COUNTS}
    assert sorted(summary.quarantine_reasons) == sorted(whole.quarantine_reasons)
    assert summary.reconciliation["holds"], summary.reconciliation
    # each chunk keeps its own WARC file: every loaded original is in the run's crawl record
    ctx = PipelineContext(settings, get_portal(portal_id), "count")
    warcs = ctx.store.list_keys(f"warc/{portal_id}/{summary.run_id}-fetch-chunk-")
    assert len(warcs) > 1, warcs
    archived = set()
    for key in warcs:
        for record in ArchiveIterator(io.BytesIO(ctx.store.get_bytes(key))):
            if record.rec_type == "response":
                archived.add(hashlib.sha256(record.content_stream().read()).hexdigest())
    assert {row["original_sha256"] for row in ctx.warehouse.current_documents(portal_id)} <= archived

    objects, rows = ctx.store.count_objects(), ctx.warehouse.document_count()
    # A rerun is an incremental walk; one document a chunk, so the documents the listing shows unchanged
    # are spread over chunks: none of them may cost a request (each chunk knows its own).
    simulator.clear_requests()
    again = chunked_run(settings, portal_id, size=1)
    assert again.walk == "incremental" and again.discovered >= 2
    assert simulator.requests(portal_id) == ["/robots.txt", "/van-ban/"]
    assert (again.new, again.updated) == (0, 0) and again.status == summary.status
    assert again.unchanged + again.quarantined + again.failed == again.discovered
    assert ctx.warehouse.document_count() == rows
    # the walk differs from the first run's, so its discover manifest is new; nothing else is
    assert ctx.store.count_objects() <= objects + 1 + again.discovered  # + the chunk manifests
    objects = ctx.store.count_objects()
    third = chunked_run(settings, portal_id, size=1)
    assert (third.new, third.updated) == (0, 0)
    assert ctx.store.count_objects() == objects  # same walk, same chunks, content-addressed: no new object
    ctx.close()
