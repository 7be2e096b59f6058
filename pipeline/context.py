"""Everything one stage of one portal run needs: settings, the portal, the run id, storage and the warehouse.

Connections open lazily, so building a context is cheap (the DAG file builds none at parse time).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from typing import Any

from pipeline.settings import Settings
from scrapers.http import FetchResult, PoliteSession
from scrapers.models import DocumentRef
from scrapers.registry import Portal
from scrapers.warc import WarcRecorder
from warehouse import keys


def object_store(settings: Settings):
    """The one way the pipeline and the CLI build an ObjectStore: from Settings (hence the environment)."""
    from warehouse.objectstore import ObjectStore

    return ObjectStore.from_settings(settings.s3)


log = logging.getLogger(__name__)


class PipelineContext:
    def __init__(self, settings: Settings, portal: Portal, run_id: str, crawl_part: str | None = None):
        self.settings = settings
        self.portal = portal
        self.run_id = run_id
        # Which part of the run's crawl this context fetches (a chunk, pipeline/chunks.py): each part keeps
        # its own WARC file, so the chunks of one run do not replace each other's.
        self.crawl_part = crawl_part

    @cached_property
    def store(self):
        from warehouse.objectstore import ObjectStore

        s3 = self.settings.s3
        store = ObjectStore(
            s3.endpoint,
            s3.access_key,
            s3.secret_key,
            s3.bucket,
            secure=s3.secure,
            on_fixity_event=self._record_fixity_event,
        )
        store.ensure_bucket()
        return store

    def _record_fixity_event(self, event) -> None:
        from warehouse.fixity import record_event

        record_event(self.warehouse, self.run_id, self.portal.id, event)

    @cached_property
    def corrupt_originals(self) -> set[str]:
        """Digests a fixity audit found corrupt: their documents are fetched in full again to repair them."""
        from warehouse.fixity import corrupt_originals

        return corrupt_originals(self.warehouse)

    @cached_property
    def warehouse(self):
        from warehouse.db import Warehouse

        wh = Warehouse.connect(self.settings.warehouse_url)
        wh.migrate()
        return wh

    def close(self) -> None:
        if "warehouse" in self.__dict__:
            self.warehouse.close()

    def mark_failed(self, error: BaseException) -> None:
        """End this run's row `failed` with the error; never raises (the warehouse may be what is down)."""
        from warehouse.db import Warehouse
        from warehouse.loader import mark_run_failed

        try:
            if "warehouse" in self.__dict__ and self.warehouse.dialect == "duckdb":
                mark_run_failed(self.warehouse, self.run_id, self.portal.id, error)  # one writer per file
                return
            with Warehouse.connect(self.settings.warehouse_url) as wh:
                wh.migrate()
                mark_run_failed(wh, self.run_id, self.portal.id, error)
        except Exception as exc:  # noqa: BLE001 - reporting a failure must not hide the failure itself
            log.error("could not mark run %s of %s failed: %s", self.run_id, self.portal.id, exc)

    @contextmanager
    def http_session(self, log_fetches: bool = False, warc: WarcRecorder | None = None):
        """A polite session for this portal; with log_fetches every fetch goes to fetch_log, with `warc`
        every response (and its request) to the crawl's WARC file as well."""

        def on_fetch(result: FetchResult | None, url: str, error: Exception | None) -> None:
            self._log_fetch(result, url, error)
            if warc is not None and result is not None:
                warc.record(result)

        session = PoliteSession.for_portal(
            self.portal,
            limits=self.settings.fetch_limits,
            on_fetch=on_fetch if log_fetches else None,
            respect_robots=self.settings.respect_robots,
        )
        try:
            yield session
        finally:
            session.close()

    def crawl_record(self, stage: str) -> WarcRecorder:
        return WarcRecorder(
            software=f"party-directives ({self.portal.cms} adapter)",
            description=f"portal {self.portal.id}, run {self.run_id}, stage {stage}",
        )

    def store_crawl_record(self, warc: WarcRecorder, stage: str) -> str:
        """Upload the crawl's WARC file; one key per run, stage and part: a retried task replaces its own."""
        key = keys.warc_key(self.portal.id, self.run_id, stage, self.crawl_part)
        self.store.put_file(key, warc.finish(), content_type="application/warc")
        return key

    def log_fetch_event(self, result: FetchResult, url: str, message: str) -> None:
        """A fetch that answered but not with what was asked (an HTML page for a PDF): logged as an error."""
        self._log_fetch(result, url, RuntimeError(message))

    def warehouse_resolve(self, doc_key: str) -> None:
        from warehouse.loader import resolve_quarantine

        resolve_quarantine(self.warehouse, self.portal.id, doc_key, self.run_id)

    def _log_fetch(self, result: FetchResult | None, url: str, error: Exception | None) -> None:
        self.warehouse.log_fetch(
            run_id=self.run_id,
            portal_id=self.portal.id,
            url=url,
            status=result.status if result else getattr(error, "status", None),
            sha256=result.sha256 if result else None,
            size=result.size if result else None,
            content_type=result.content_type if result else None,
            fetched_at=result.fetched_at if result else None,
            elapsed_ms=result.elapsed_ms if result else None,
            error=str(error) if error else None,
            etag=result.etag if result else None,
            last_modified=result.last_modified if result else None,
        )

    def warehouse_state(self) -> dict[str, dict[str, str]]:
        """What the archive holds for this portal, by doc_key: the status a revisit would confirm
        ('unchanged' for a current version, 'still-quarantined'), the primary file's digest and URL."""
        state: dict[str, dict[str, str]] = {}
        for row in self.warehouse.quarantined(self.portal.id):
            if row.get("original_sha256"):
                state[row["doc_key"]] = {
                    "status": "still-quarantined",
                    "sha256": row["original_sha256"],
                    "url": row["source_url"],
                }
        # A current version outranks an older quarantine entry of the same document.
        for row in self.warehouse.current_documents(self.portal.id):
            state[row["doc_key"]] = {
                "status": "unchanged",
                "sha256": row["original_sha256"],
                "url": row["source_url"],
            }
        return state

    def quarantine(
        self, ref: DocumentRef, stage: str, reasons: list[str], files: list[dict], sha256: str | None
    ) -> str:
        """Keep what could not be processed: the originals stay in the store, the reasons beside them."""
        key = keys.quarantine_key(self.portal.id, ref.doc_key, sha256, stage)
        if not self.store.exists(key):
            self.store.put_json(
                key, {"stage": stage, "reasons": reasons, "ref": ref.to_dict(), "files": files}
            )
        self.warehouse.record_quarantine(
            portal_id=self.portal.id,
            doc_key=ref.doc_key,
            original_sha256=sha256,
            source_url=next((f["url"] for f in files if f["sha256"] == sha256), ref.detail_url),
            stage=stage,
            reasons=reasons,
            object_key=key,
            run_id=self.run_id,
        )
        return key

    def upsert(self, row: dict[str, Any]) -> str:
        from warehouse.loader import upsert_document

        return upsert_document(self.warehouse, row)

    def fetched_at(self, sha256: str) -> datetime | None:
        return self.store.fetched_at(sha256)
