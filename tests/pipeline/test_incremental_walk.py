"""The listing walk of whole runs (pipeline.stages, the code the DAG tasks and `directives run` call) against
the simulator over HTTP, the embedded S3 server and a real warehouse: a first run walks everything, a run
with nothing new costs robots.txt and the first listing page (counted at the simulator), an incremental run
finds a document added on page 1, the full walk every N runs finds a file changed on a later page, and a walk
stopped at its page cap is `degraded` unless it stopped at known documents."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import uuid

import pytest
from click.testing import CliRunner

from pipeline.context import PipelineContext
from pipeline.reprocess import reprocess
from pipeline.settings import settings_from_env
from pipeline.stages import run_all
from scrapers.registry import get_portal
from tests.pipeline_env import pipeline_env

PORTAL = "sim-quangngai-tu"  # 6 documents, 2 a listing page (config/simulator.yaml): 3 listing pages


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    from simulator.server import start_simulator

    with start_simulator(tmp_path_factory.mktemp("simulator")) as sim:
        yield sim


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse_url(request, tmp_path, create_database):
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    return create_database("directives_walk")


@pytest.fixture
def settings(simulator, s3_server, warehouse_url, monkeypatch):
    simulator.state.reset()
    return settings_from_env(pipeline_env(monkeypatch, simulator, s3_server, warehouse_url, "walk"))


def run(
    settings,
    simulator,
    name: str,
    full_walk: bool = False,
    limit: int | None = None,
    portal_id: str = PORTAL,
    **options,
):
    """One whole run in a context of its own (a new warehouse connection, as after a restart); returns
    the summary, the run's row and the requests the portal answered."""
    portal = get_portal(portal_id)
    if options:
        portal = dataclasses.replace(portal, options={**portal.options, **options})
    ctx = PipelineContext(
        settings.with_overrides(full_walk=full_walk), portal, f"{name}__{uuid.uuid4().hex[:6]}"
    )
    simulator.clear_requests()
    try:
        summary = run_all(ctx, limit=limit)
        row = ctx.warehouse.run(ctx.run_id, portal_id)
    finally:
        ctx.close()
    return summary, row, simulator.requests(portal_id)


def listing_pages(requests: list[str]) -> list[str]:
    return [r for r in requests if re.fullmatch(r"/van-ban/(page-\d+/)?", r)]


def test_first_run_walks_everything_and_a_run_with_nothing_new_costs_two_requests(
    settings, simulator, alert_webhook
):
    published = simulator.state.documents(PORTAL)
    first, row, requests = run(settings, simulator, "first")
    pages = len(listing_pages(requests))
    assert pages >= 3  # 6 documents (one listed twice), 2 rows a page
    assert (first.walk, first.walk_stop, first.walk_pages) == ("full", "end", pages)
    assert "first run" in first.walk_reason
    assert first.discovered == len(published) and first.status == "success"
    assert (row["walk"], row["walk_stop"], row["walk_pages"]) == ("full", "end", pages)

    second, row, requests = run(settings, simulator, "second")
    # robots.txt and the first listing page: no second robots.txt, no detail page, no conditional GET
    assert requests == ["/robots.txt", "/van-ban/"], requests
    assert (second.walk, second.walk_stop, second.walk_pages) == ("incremental", "known", 1)
    assert second.discovered == 2 and second.unchanged + second.quarantined == 2
    assert (second.new, second.updated, second.failed) == (0, 0, 0)
    assert second.status == "success" and second.reconciliation["holds"]
    assert (row["walk"], row["walk_stop"], row["status"]) == ("incremental", "known", "success")
    # seeing 2 of the 6 documents is what an incremental run does, not a listing that shrank
    assert not [m for m in alert_webhook if "the listing shows" in m["text"]]

    after_second = stored_keys(settings)
    third, _, requests = run(settings, simulator, "third")
    assert len(requests) <= 2 and third.walk == "incremental"
    assert stored_keys(settings) == after_second  # the same walk again writes nothing


def stored_keys(settings) -> set[str]:
    from pipeline.context import object_store

    return set(object_store(settings).list_keys(""))


def test_an_incremental_run_finds_a_document_added_on_page_one(settings, simulator):
    run(settings, simulator, "first")
    added = simulator.state.add_document(PORTAL, "001_c12fdece1227ca6e", "text-pdf")
    summary, _, requests = run(settings, simulator, "after-add")
    assert summary.walk == "incremental" and summary.walk_stop == "known"
    assert summary.new == 1 and summary.status == "success"
    # page 1 shows the new document, page 2 only known ones: the walk stops there
    assert listing_pages(requests) == ["/van-ban/", "/van-ban/page-2/"]
    ctx = PipelineContext(settings, get_portal(PORTAL), "check")
    try:
        assert ctx.warehouse.current_version(PORTAL, str(added))
    finally:
        ctx.close()
    again, _, requests = run(settings, simulator, "after-add-again")
    assert again.new == 0 and len(requests) <= 2


def test_a_news_portal_whose_sidebar_repeats_the_latest_posts_stops_at_known_documents(settings, simulator):
    """Its pages list the latest posts in a sidebar too (title only): met again on page 2, such a post is
    judged by the row discover keeps, so page 2 still shows nothing new."""
    news = "sim-gialai-tu"
    run(settings, simulator, "first", portal_id=news)
    simulator.state.add_document(news, "001_c12fdece1227ca6e", "text-pdf")  # now 3 listing pages
    added, _, _ = run(settings, simulator, "after-add", portal_id=news)
    assert (added.walk, added.walk_stop, added.walk_pages, added.new) == ("incremental", "known", 2, 1)
    again, _, requests = run(settings, simulator, "again", portal_id=news)
    assert (again.walk_stop, again.walk_pages, len(requests)) == ("known", 1, 2)


def test_a_file_changed_on_a_later_page_is_found_by_the_full_walk_every_n_runs(settings, simulator):
    every = {"full_walk_every": 3}
    run(settings, simulator, "first", **every)
    # a text PDF past listing page 1 (2 rows a page): new bytes, same URL, same listing row
    [changed] = [d for d in simulator.state.documents(PORTAL)[2:] if d.kind == "text-pdf"]
    simulator.state.change_document(PORTAL, changed.doc_key)
    for name in ("second", "third"):  # incremental: the listing row is the same, the file is not visited
        summary, _, _ = run(settings, simulator, name, **every)
        assert (summary.walk, summary.updated) == ("incremental", 0)
        if name == "second":  # a reprocess reads no listing: it neither is nor postpones a full walk
            ctx = PipelineContext(settings, get_portal(PORTAL), f"reprocess__{uuid.uuid4().hex[:6]}")
            try:
                assert reprocess(ctx).walk == "none"
            finally:
                ctx.close()
    fourth, row, _ = run(settings, simulator, "fourth", **every)
    assert fourth.walk == "full" and "every 3" in fourth.walk_reason and fourth.walk_stop == "end"
    assert fourth.updated == 1 and row["walk"] == "full"
    assert run(settings, simulator, "fifth", **every)[0].walk == "incremental"


def test_a_document_that_failed_on_a_later_page_is_retried_by_the_next_incremental_run(
    settings, simulator, monkeypatch
):
    from simulator.faults import Fault, FaultProxy
    from simulator.server import env_name

    with FaultProxy(simulator.base_urls[PORTAL]) as proxy:  # its URLs throughout: the same listing rows
        monkeypatch.setenv(env_name(PORTAL), proxy.url)
        run(settings, simulator, "first")
        [changed] = [d for d in simulator.state.documents(PORTAL)[2:] if d.kind == "text-pdf"]
        ctx = PipelineContext(settings, get_portal(PORTAL), "check")
        try:
            row = ctx.warehouse.current_version(PORTAL, str(changed.doc_key))
            detail_url = ctx.store.get_json(row["record_key"])["ref"]["detail_url"]
        finally:
            ctx.close()
        simulator.state.change_document(PORTAL, changed.doc_key)  # new file: the detail page is opened
        proxy.set_faults([Fault("status", match=re.escape(detail_url.split("/", 3)[3]), times=None)])
        broken, _, _ = run(settings, simulator, "broken", full_walk=True)
        assert broken.failed == 1 and broken.status == "degraded"
        proxy.set_faults([])
        retried, _, _ = run(settings, simulator, "retried")
    # page 1 shows nothing new, but the walk goes on until it meets the document to retry
    assert (retried.walk, retried.failed, retried.updated) == ("incremental", 0, 1)
    assert 1 < retried.walk_pages and retried.status == "success"


def test_a_backfill_run_walks_in_full(settings, simulator):
    run(settings, simulator, "first")
    summary, _, requests = run(settings, simulator, "backfill", full_walk=True)
    assert summary.walk == "full" and "backfill" in summary.walk_reason
    assert summary.discovered == len(simulator.state.documents(PORTAL)) and len(listing_pages(requests)) >= 3
    assert summary.status == "success"

    from directives_cli.main import cli

    result = CliRunner().invoke(cli, ["run", PORTAL, "--full-walk"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["walk"] == "full"
    assert "full walk (backfill" in result.stderr and "read to the end of the listing" in result.stderr
    result = CliRunner().invoke(cli, ["run", PORTAL])
    assert "incremental walk (scheduled" in result.stderr and "known, unchanged" in result.stderr


def test_a_first_run_stopped_at_the_page_cap_is_degraded_with_the_reason(settings, simulator, caplog):
    summary, row, requests = run(settings, simulator, "capped", max_pages=1)
    assert len(listing_pages(requests)) == 1
    assert summary.walk_stop == "page_cap" and summary.status == "degraded"
    [cap] = summary.listing_capped
    assert cap["max_pages"] == 1 and cap["next_url"].endswith("/van-ban/page-2/")
    assert row["status"] == "degraded" and row["listing_capped"] == [cap] and row["walk_stop"] == "page_cap"
    # the degraded alert (logged) names the cap and the page not read
    alert = next(r.getMessage() for r in caplog.records if "DEGRADED" in r.getMessage())
    assert "options.max_pages = 1" in alert and "page-2" in alert

    from directives_cli.main import cli

    result = CliRunner().invoke(cli, ["health", "--portal", PORTAL])
    assert result.exit_code == 0, result.output
    assert "degraded" in result.output and "full:page_cap/1p" in result.output
    assert "options.max_pages = 1" in result.output and "page-2" in result.output


def test_an_incremental_run_that_reaches_known_documents_before_the_cap_succeeds(settings, simulator):
    run(settings, simulator, "first")
    summary, _, _ = run(settings, simulator, "incremental", max_pages=1)
    assert (summary.walk, summary.walk_stop, summary.status) == ("incremental", "known", "success")
    assert summary.listing_capped == []
    # but new documents filling the whole capped walk are a cap again: more may lie behind it
    for _ in range(2):
        simulator.state.add_document(PORTAL, "001_c12fdece1227ca6e", "text-pdf")
    capped, _, _ = run(settings, simulator, "capped-incremental", max_pages=1)
    assert (capped.walk, capped.walk_stop, capped.status) == ("incremental", "page_cap", "degraded")
    assert capped.new == 2


def test_limit_and_since_still_bound_an_incremental_run(settings, simulator):
    from datetime import date

    run(settings, simulator, "first")
    limited, _, _ = run(settings, simulator, "limited", limit=1)
    assert limited.discovered == 1 and limited.walk_stop == "limit" and limited.status == "success"
    later = settings.with_overrides(since=date(2100, 1, 1))
    nothing, _, _ = run(later, simulator, "since")
    assert nothing.discovered == 0 and nothing.status == "success"


@pytest.fixture(autouse=True)
def _alerts_logged(caplog):
    caplog.set_level(logging.INFO)  # the degraded alert is logged (directives.alerts) as well as posted
