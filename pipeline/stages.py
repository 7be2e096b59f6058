"""The five stages of a portal run, as plain functions the Airflow tasks and the CLI both call.

discover -> fetch -> extract -> validate -> load. Each takes the previous stage's manifest key and returns
its own (see pipeline/manifests.py). Every stage is idempotent: rerunning it for the same run, or running
the whole pipeline again when nothing changed on the portal, writes no new object and no new row version.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.context import PipelineContext
from pipeline.manifests import read_manifest, write_manifest
from pipeline.primary import choose_primary
from scrapers.adapters import get_adapter
from scrapers.http import FetchError, FetchResult
from scrapers.models import DocumentRef

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


class NoDocumentsFound(RuntimeError):
    """A listing that yields nothing means the scraper (or the site) broke: never a silent success."""


@dataclass
class RunSummary:
    portal_id: str
    run_id: str
    discovered: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    quarantine_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "portal_id": self.portal_id,
            "run_id": self.run_id,
            "discovered": self.discovered,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "quarantine_reasons": self.quarantine_reasons,
        }


# --- discover -------------------------------------------------------------------------------------------


def discover(ctx: PipelineContext, limit: int | None = None) -> str:
    """Walk the portal's listings and write the document references found."""
    ctx.warehouse.start_run(ctx.run_id, ctx.portal.id)
    adapter = get_adapter(ctx.portal.cms)
    limit = limit if limit is not None else ctx.settings.max_documents_per_run
    with ctx.http_session() as session:
        refs = list(adapter.discover(ctx.portal, session.get_text, limit=limit))
    if not refs:
        raise NoDocumentsFound(
            f"{ctx.portal.id}: the {ctx.portal.cms} adapter found no documents at "
            f"{', '.join(ctx.portal.listing_urls())} — the site or its markup probably changed"
        )
    refs.sort(key=lambda ref: ref.doc_key)
    log.info("%s: discovered %d documents", ctx.portal.id, len(refs))
    return write_manifest(ctx.store, ctx.portal.id, "discover", {"refs": [r.to_dict() for r in refs]})


# --- fetch ----------------------------------------------------------------------------------------------


def _stored_file(ctx: PipelineContext, result: FetchResult, role: str, filename: str | None) -> dict:
    stored = ctx.store.put_original(
        result.content,
        source_url=result.final_url,
        fetched_at=result.fetched_at,
        content_type=result.content_type or "application/octet-stream",
        portal_id=ctx.portal.id,
    )
    return {
        "role": role,
        "url": result.final_url,
        "filename": filename,
        "sha256": stored.sha256,
        "key": stored.key,
        "size": stored.size,
        "content_type": result.content_type,
    }


def _fetch_one(ctx: PipelineContext, session, ref: DocumentRef, known: dict[str, str]) -> dict:
    """Fetch a document's detail page and its primary file; store originals only when they are new."""
    detail = session.get(ref.detail_url)
    primary_att = choose_primary(ref.attachments)
    primary = session.get(primary_att.url) if primary_att else detail
    if known.get("sha256") == primary.sha256:
        return {"ref": ref.to_dict(), "status": "unchanged", "primary_sha256": primary.sha256}
    if known.get("quarantined_sha256") == primary.sha256:
        return {"ref": ref.to_dict(), "status": "quarantined-unchanged", "primary_sha256": primary.sha256}
    files = [_stored_file(ctx, detail, "detail", None)]
    if primary_att:
        files.append(_stored_file(ctx, primary, "primary", primary_att.filename))
    for att in ref.attachments:
        if att is not primary_att:
            files.append(_stored_file(ctx, session.get(att.url), "attachment", att.filename))
    status = "changed" if known.get("sha256") else "new"
    return {"ref": ref.to_dict(), "status": status, "primary_sha256": primary.sha256, "files": files}


def fetch(ctx: PipelineContext, discover_key: str, progress: Progress | None = None) -> str:
    refs = [DocumentRef.from_dict(r) for r in read_manifest(ctx.store, discover_key)["refs"]]
    known = ctx.warehouse_state()
    items = []
    with ctx.http_session(log_fetches=True) as session:
        for ref in refs:
            try:
                items.append(_fetch_one(ctx, session, ref, known.get(ref.doc_key, {})))
            except FetchError as exc:
                ctx.quarantine(ref, "fetch", [str(exc)], files=[], sha256=None)
                items.append({"ref": ref.to_dict(), "status": "failed", "error": str(exc)})
            if progress:
                progress(1)
    return write_manifest(ctx.store, ctx.portal.id, "fetch", {"items": items})


# --- extract --------------------------------------------------------------------------------------------


def _primary_file(item: dict) -> dict:
    files = item["files"]
    return next((f for f in files if f["role"] == "primary"), files[0])


def extract(ctx: PipelineContext, fetch_key: str, progress: Progress | None = None) -> str:
    from parsers.errors import ExtractionError
    from pipeline.records import build_record

    records, quarantined = [], []
    for item in read_manifest(ctx.store, fetch_key)["items"]:
        if item["status"] not in ("new", "changed"):
            continue
        ref = DocumentRef.from_dict(item["ref"])
        primary = _primary_file(item)
        data = ctx.store.get_original(primary["sha256"])
        try:
            record = build_record(ctx.portal, ref, primary, data)
        except ExtractionError as exc:
            reason = f"cannot extract {primary.get('filename') or primary['url']}: {exc}"
            ctx.quarantine(ref, "extract", [reason], files=item["files"], sha256=primary["sha256"])
            quarantined.append({"doc_key": ref.doc_key, "reasons": [reason]})
        else:
            records.append({"item": item, "record": record})
        if progress:
            progress(1)
    return write_manifest(
        ctx.store, ctx.portal.id, "extract", {"records": records, "quarantined": quarantined}
    )


# --- validate -------------------------------------------------------------------------------------------


def validate(ctx: PipelineContext, extract_key: str) -> str:
    from quality import validate_records

    manifest = read_manifest(ctx.store, extract_key)
    entries = manifest["records"]
    passed, failed = [], []
    if entries:
        batch = [dict(e["record"], record_id=e["item"]["ref"]["doc_key"]) for e in entries]
        outcome = validate_records(batch)
        for entry in entries:
            doc_key = entry["item"]["ref"]["doc_key"]
            reasons = outcome.failed.get(doc_key)
            if reasons:
                primary = _primary_file(entry["item"])
                ref = DocumentRef.from_dict(entry["item"]["ref"])
                ctx.quarantine(ref, "validate", reasons, files=entry["item"]["files"], sha256=primary["sha256"])
                failed.append({"doc_key": doc_key, "reasons": reasons})
            else:
                passed.append(entry)
    return write_manifest(
        ctx.store,
        ctx.portal.id,
        "validate",
        {"passed": passed, "failed": failed, "extract_quarantined": manifest["quarantined"]},
    )


# --- load -----------------------------------------------------------------------------------------------


def _text_digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def load(ctx: PipelineContext, validate_key: str, fetch_key: str) -> RunSummary:
    from pipeline.records import warehouse_row

    manifest = read_manifest(ctx.store, validate_key)
    fetched = read_manifest(ctx.store, fetch_key)["items"]
    summary = RunSummary(ctx.portal.id, ctx.run_id, discovered=len(fetched))
    for item in fetched:
        if item["status"] == "unchanged":
            summary.unchanged += 1
        elif item["status"] in ("failed", "quarantined-unchanged"):
            summary.quarantined += 1
            summary.quarantine_reasons.append(f"{item['ref']['doc_key']}: {item.get('error', 'unchanged')}")
    for entry in manifest["failed"] + manifest["extract_quarantined"]:
        summary.quarantined += 1
        summary.quarantine_reasons.append(f"{entry['doc_key']}: {'; '.join(entry['reasons'])}")
    for entry in manifest["passed"]:
        outcome = _load_one(ctx, entry, warehouse_row)
        if outcome == "insert":
            summary.new += 1
        elif outcome == "update":
            summary.updated += 1
        else:
            summary.unchanged += 1
    ctx.warehouse.finish_run(ctx.run_id, ctx.portal.id, summary.as_dict())
    return summary


def _load_one(ctx: PipelineContext, entry: dict, warehouse_row) -> str:
    item, record = entry["item"], entry["record"]
    ref = DocumentRef.from_dict(item["ref"])
    primary = _primary_file(item)
    current = ctx.warehouse.current_version(ctx.portal.id, ref.doc_key)
    # An HTML-only document is re-served with new sidebars and counters; it is a new version only when
    # its text changed, not its bytes.
    if current and primary["role"] == "detail" and _text_digest(current.get("text")) == _text_digest(
        record.get("text")
    ):
        return "noop"
    base = f"{ctx.portal.id}/{ref.doc_key}/{primary['sha256']}"
    record_key, text_key = f"records/{base}.json", f"text/{base}.txt"
    if not ctx.store.exists(record_key):
        ctx.store.put_json(record_key, {"record": record, "ref": item["ref"], "files": item["files"]})
    if not ctx.store.exists(text_key):
        ctx.store.put_text(text_key, record.get("text") or "")
    fetched_at = ctx.store.fetched_at(primary["sha256"])
    row = warehouse_row(ctx.portal, ctx.run_id, ref, primary, record, record_key, text_key, fetched_at)
    return ctx.upsert(row)


def run_all(ctx: PipelineContext, limit: int | None = None, progress_factory=None) -> RunSummary:
    """The whole pipeline in one process (the CLI's `directives run`), same code as the DAG tasks."""
    discover_key = discover(ctx, limit=limit)
    count = len(read_manifest(ctx.store, discover_key)["refs"])
    bar = progress_factory(count * 2, ctx.portal.id) if progress_factory else None
    step = bar.update if bar else None
    fetch_key = fetch(ctx, discover_key, progress=step)
    extract_key = extract(ctx, fetch_key, progress=step)
    validate_key = validate(ctx, extract_key)
    summary = load(ctx, validate_key, fetch_key)
    if bar:
        bar.close()
    return summary


def stage_names() -> Iterable[str]:
    return ("discover", "fetch", "extract", "validate", "load")
