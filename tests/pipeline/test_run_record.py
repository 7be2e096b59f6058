"""Whole runs of the pipeline (pipeline.stages, the code the DAG tasks call) against the simulator, the real
embedded S3 server and a DuckDB warehouse: reconciliation and statuses, the critical/warning split on loaded
rows, quarantine resolution, the HTML-for-a-PDF fallback, and reprocess from stored originals."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

import parsers.record
from pipeline.context import PipelineContext
from pipeline.reprocess import reprocess
from pipeline.settings import settings_from_env
from pipeline.stages import NoFileServed, _fetch_primary, run_all, served_html
from scrapers.adapters import get_adapter
from scrapers.models import Attachment
from scrapers.registry import get_portal
from tests.pipeline_env import pipeline_env
from warehouse.services import free_port


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    from simulator.server import start_simulator

    with start_simulator(tmp_path_factory.mktemp("simulator")) as sim:
        yield sim


@pytest.fixture
def settings(simulator, s3_server, duckdb_url, monkeypatch):
    return settings_from_env(pipeline_env(monkeypatch, simulator, s3_server, duckdb_url, "run"))


def context(settings, portal_id: str, run: str, threshold: float | None = None, **changes) -> PipelineContext:
    portal = get_portal(portal_id)
    if threshold is not None:
        changes["options"] = {**portal.options, "degraded_threshold": threshold}
    if changes:
        portal = dataclasses.replace(portal, **changes)
    return PipelineContext(settings, portal, f"{run}__{uuid.uuid4().hex[:6]}")


def test_a_run_reconciles_its_counts_and_a_second_run_changes_nothing(settings, simulator, alert_webhook):
    published = simulator.state.documents("sim-quangngai-tu")
    corrupt = [d for d in published if d.kind == "corrupt-pdf"]
    assert corrupt and len(corrupt) / len(published) < 0.20  # so 0.10 makes the run degraded
    ctx = context(settings, "sim-quangngai-tu", "first", threshold=0.10)
    summary = run_all(ctx)
    rec = summary.reconciliation
    assert rec["holds"] and rec["problems"] == []
    assert summary.discovered == len(published) == summary.new + summary.quarantined
    # every document whose file can be read is loaded (HTML-only, a court precedent's page, a Công báo...)
    assert (summary.new, summary.quarantined, summary.failed) == (
        len(published) - len(corrupt),
        len(corrupt),
        0,
    )
    assert summary.status == "degraded"
    row = ctx.warehouse.run(ctx.run_id, ctx.portal.id)
    assert row["status"] == "degraded" and row["reconciliation"]["holds"] and row["finished_at"]
    # The degraded run alerted, with the counts and the top reason.
    alert = next(m["text"] for m in alert_webhook if "DEGRADED" in m["text"])
    assert f"{len(published)} discovered" in alert and "1 quarantined" in alert and "cannot extract" in alert
    objects = set(ctx.store.list_keys(""))
    ctx.close()

    # A full walk again (a backfill): every known document revisited, none of them written again; the
    # only new object is the discover manifest (it says how this walk went), and the same walk once more
    # writes nothing at all.
    before = objects
    for name, may_add in (("second", 1), ("third", 0)):
        again = context(settings.with_overrides(full_walk=True), "sim-quangngai-tu", name)
        second = run_all(again)
        assert (second.new, second.updated, second.unchanged, second.quarantined) == (0, 0, summary.new, 1)
        assert second.status == "success"  # 1 of 6 is within the default 20%
        assert second.reconciliation["holds"] and second.walk == "full"
        now = set(again.store.list_keys(""))
        added = now - before
        assert len(added) <= may_add and all(
            k.startswith("manifests/sim-quangngai-tu/discover/") for k in added
        )
        before = now
        again.close()


def test_the_degraded_threshold_is_a_portal_option(settings):
    ctx = context(settings, "sim-quangngai-tu", "strict", threshold=0.0)
    assert run_all(ctx).status == "degraded"
    ctx.close()


def test_warnings_load_the_document_and_are_listed_on_its_row(settings, simulator):
    ctx = context(settings, "sim-gialai-tu", "warn")
    summary = run_all(ctx)
    published = simulator.state.documents("sim-gialai-tu")
    assert summary.new == len(published) and summary.quarantined == 0 and summary.status == "success"
    rows = {r["doc_key"]: r for r in ctx.warehouse.current_documents("sim-gialai-tu")}
    unsigned = next(
        str(d.doc_key) for d in simulator.state.documents("sim-gialai-tu") if d.seed.startswith("002")
    )
    assert rows[unsigned]["quality_warnings"] == ["signer_name is missing"]  # the seed has no signature
    assert summary.warned == 1 and summary.quality_warnings == 1
    assert ctx.warehouse.run(ctx.run_id, "sim-gialai-tu")["warned"] == 1
    for row in rows.values():
        assert row["field_sources"]["number"] in ("both-agree", "text", "portal")
        assert row["parser_version"] == parsers.PARSER_VERSION
    ctx.close()


def test_quarantine_is_resolved_once_the_document_loads(settings, simulator):
    ctx = context(settings, "sim-gialai-tu", "resolve")
    doc_key = str(simulator.state.documents("sim-gialai-tu")[0].doc_key)
    ctx.warehouse.migrate()
    ctx.warehouse.record_quarantine(
        portal_id="sim-gialai-tu", doc_key=doc_key, stage="fetch", reasons=["HTTP 503 from the portal"]
    )
    assert [r["doc_key"] for r in ctx.warehouse.quarantined("sim-gialai-tu")] == [doc_key]
    run_all(ctx)
    assert ctx.warehouse.quarantined("sim-gialai-tu") == []
    history = ctx.warehouse.quarantined("sim-gialai-tu", include_resolved=True)
    assert [(r["doc_key"], r["resolved_by_run"]) for r in history] == [(doc_key, ctx.run_id)]
    assert history[0]["resolved_at"] is not None
    ctx.close()


def _real_pdf_ref(ctx, session):
    adapter = get_adapter(ctx.portal.cms)
    refs = list(adapter.discover(ctx.portal, session.get_text, open_details=True))
    return next(r for r in refs if any((a.filename or a.url).endswith(".pdf") for a in r.attachments))


def test_a_pdf_link_that_answers_html_is_not_the_file_and_its_other_link_is_tried(settings):
    ctx = context(settings, "sim-quangngai-tu", "html-for-pdf")
    ctx.warehouse.migrate()
    with ctx.http_session(log_fetches=True) as session:
        ref = _real_pdf_ref(ctx, session)
        pdf = next(a for a in ref.attachments if (a.filename or a.url).endswith(".pdf"))
        # The portal's "PDF" link answers its detail page; the real file is the link's alternate.
        broken = Attachment(ref.detail_url + "?file=1", pdf.filename, alternates=(pdf.url,))
        warnings: list[str] = []
        att, result = _fetch_primary(ctx, session, dataclasses.replace(ref, attachments=(broken,)), warnings)
        assert att is broken and result.content.startswith(b"%PDF-") and not served_html(result)
        assert any("answered a web page" in w for w in warnings) and any("other link" in w for w in warnings)
        events = {f["url"]: f for f in ctx.warehouse.fetches(ctx.run_id, ctx.portal.id)}
        assert "answered a web page" in events[broken.url]["error"]

        only_html = Attachment(ref.detail_url + "?file=2", "van-ban.pdf")
        with pytest.raises(NoFileServed, match="no link to the document's file served it"):
            _fetch_primary(ctx, session, dataclasses.replace(ref, attachments=(only_html,)), [])
    ctx.close()


def test_reprocess_reads_stored_originals_without_the_portal(settings, monkeypatch):
    ctx = context(settings, "sim-gialai-tu", "ingest")
    first = run_all(ctx)
    loaded = first.new
    assert loaded == first.discovered > 0
    originals = ctx.store.count_objects("originals/")
    ctx.close()

    # The portal is gone: reprocess must not need it.
    dead = f"http://127.0.0.1:{free_port()}"
    same = context(settings, "sim-gialai-tu", "reprocess", base_url=dead)
    unchanged = reprocess(same)
    assert (unchanged.new, unchanged.updated, unchanged.unchanged) == (0, 0, loaded)
    assert unchanged.status == "success" and unchanged.reconciliation["holds"]
    same.close()

    monkeypatch.setattr(parsers.record, "PARSER_VERSION", "9999.1")
    better = context(settings, "sim-gialai-tu", "reprocess", base_url=dead)
    summary = reprocess(better)
    assert (summary.updated, summary.new, summary.unchanged) == (loaded, 0, 0)
    assert better.store.count_objects("originals/") == originals  # no new original object
    assert better.warehouse.fetches(better.run_id, better.portal.id) == []  # no request at all
    for row in better.warehouse.current_documents("sim-gialai-tu"):
        versions = better.warehouse.document_versions("sim-gialai-tu", row["doc_key"])
        assert [v["parser_version"] for v in versions] == [parsers.PARSER_VERSION, "9999.1"]
        assert versions[0]["original_sha256"] == versions[1]["original_sha256"]
        assert versions[0]["record_key"] != versions[1]["record_key"]
    one = reprocess(context(settings, "sim-gialai-tu", "one", base_url=dead), doc_key=row["doc_key"])
    assert (one.discovered, one.unchanged) == (1, 1)
    better.close()
