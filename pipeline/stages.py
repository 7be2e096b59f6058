"""The five stages of a portal run, as plain functions the Airflow tasks and the CLI both call.

discover -> fetch -> extract -> validate -> load. A stage hands the next one a small JSON-able dict (it goes
through XCom): counts, readable reasons, and the object-store key of a manifest holding the actual work
items, written only when there is work (see pipeline/manifests.py). Every stage is idempotent: rerunning it
for the same run, or running the whole pipeline again when nothing changed on the portal, writes no new
object and no new row version.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from pipeline.alerts import listing_shrank, send_alert, shrank_message
from pipeline.context import PipelineContext
from pipeline.manifests import read_manifest, write_manifest
from pipeline.primary import choose_primary
from scrapers.adapters import get_adapter
from scrapers.http import FetchError, FetchResult, PoliteSession
from scrapers.models import DocumentRef

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
STAGES = ("discover", "fetch", "extract", "validate", "load")


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
    listing_failures: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _manifest_or_none(ctx: PipelineContext, stage: str, items: list, **extra) -> str | None:
    return write_manifest(ctx.store, ctx.portal.id, stage, {"items": items, **extra}) if items else None


def _items(ctx: PipelineContext, handover: dict) -> list:
    return read_manifest(ctx.store, handover["manifest"])["items"] if handover.get("manifest") else []


# --- discover -------------------------------------------------------------------------------------------


def discover(ctx: PipelineContext, limit: int | None = None) -> str:
    """Walk the portal's listing pages (only those) and write the references found, content-addressed:
    an unchanged listing gives the same manifest, so a rerun writes nothing new."""
    ctx.warehouse.start_run(ctx.run_id, ctx.portal.id)
    adapter = get_adapter(ctx.portal.cms)
    limit = limit if limit is not None else ctx.settings.max_documents_per_run
    listing_failures: list[dict] = []
    with ctx.http_session() as session:
        refs = list(
            adapter.discover(
                ctx.portal,
                session.get_text,
                limit=limit,
                open_details=False,
                on_listing_failure=lambda url, exc: listing_failures.append({"url": url, "reason": str(exc)}),
            )
        )
    if not refs and listing_failures:
        raise NoDocumentsFound(
            f"{ctx.portal.id}: no listing page could be read: "
            + "; ".join(f"{f['url']}: {f['reason']}" for f in listing_failures)
        )
    if not refs:
        raise NoDocumentsFound(
            f"{ctx.portal.id}: the {ctx.portal.cms} adapter found no documents at "
            f"{', '.join(ctx.portal.listing_urls())} — the site or its markup probably changed"
        )
    # Run parameter `since` (a backfill of a period): documents the listing dates earlier are left out.
    if ctx.settings.since is not None:
        refs = [ref for ref in refs if _listed_since(ref, ctx.settings.since)]
    refs.sort(key=lambda ref: ref.doc_key)
    log.info("%s: discovered %d documents", ctx.portal.id, len(refs))
    _alert_if_listing_shrank(ctx, len(refs), limit)
    handover = {"refs": [r.to_dict() for r in refs]}
    if listing_failures:  # pages the walk could not read: the run goes on and names them (degraded)
        handover["listing_failures"] = listing_failures
    return write_manifest(ctx.store, ctx.portal.id, "discover", handover)


def _listed_since(ref: DocumentRef, since: date) -> bool:
    """True unless the listing gives an ISO issue/publication date before `since` (undated refs are kept:
    leaving out what cannot be dated would lose documents silently)."""
    listed = ref.listed.get("issued_date") or ref.listed.get("published_date")
    try:
        return listed is None or date.fromisoformat(listed) >= since
    except ValueError:
        return True


def _alert_if_listing_shrank(ctx: PipelineContext, found: int, limit: int | None) -> None:
    last = ctx.warehouse.last_successful_run(ctx.portal.id, before_run=ctx.run_id)
    previously = last["discovered"] if last else None
    if listing_shrank(found, previously, limit):
        send_alert(shrank_message(ctx.portal.id, found, previously, ctx.run_id))


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


def _revisit(ctx: PipelineContext, session: PoliteSession, ref: DocumentRef, known: dict) -> str | None:
    """For a document the archive already holds: its known status ('unchanged', 'still-quarantined')
    when the portal still serves the same primary file, else None (fetch it in full). The request is
    conditional, so an unchanged file costs no transfer, and the detail page is not opened at all."""
    if known.get("sha256") in ctx.corrupt_originals:
        return None  # the stored original is corrupt: fetch it in full, put_original repairs it
    listed_primary = choose_primary(ref.attachments)
    url = listed_primary.url if listed_primary else known.get("url")
    if not url or url != known.get("url"):
        return None
    validators = ctx.warehouse.last_validators(ctx.portal.id, url)
    if not validators or validators["sha256"] != known["sha256"]:
        return None
    try:
        result = session.get(url, validators=validators)
    except FetchError:
        return None  # moved, removed or now off the portal's hosts: the full fetch decides what it is now
    if result.not_modified or result.sha256 == known["sha256"]:
        return known["status"]
    return None


def _fetch_in_full(ctx: PipelineContext, session: PoliteSession, ref: DocumentRef, known: dict) -> dict:
    """Open the detail page (it completes the ref), fetch the primary file and other attachments, and
    store the originals."""
    detail = session.get(ref.detail_url)
    adapter = get_adapter(ctx.portal.cms)
    ref = adapter.complete(
        ctx.portal, lambda url: detail.text() if url == ref.detail_url else session.get_text(url), ref
    )
    primary_att = choose_primary(ref.attachments)
    primary = session.get(primary_att.url) if primary_att else detail
    item = {"ref": ref.to_dict(), "primary_sha256": primary.sha256}
    if known.get("sha256") == primary.sha256:
        if primary.sha256 in ctx.corrupt_originals:
            _stored_file(ctx, primary, "primary", primary_att.filename if primary_att else None)  # repairs
        return {**item, "status": known["status"]}
    files = [_stored_file(ctx, detail, "detail", None)]
    if primary_att:
        files.append(_stored_file(ctx, primary, "primary", primary_att.filename))
    for att in ref.attachments:
        if att is not primary_att:
            files.append(_stored_file(ctx, session.get(att.url), "attachment", att.filename))
    status = "changed" if known.get("status") == "unchanged" else "new"
    return {**item, "status": status, "files": files}


def fetch(ctx: PipelineContext, discover_key: str, progress: Progress | None = None) -> dict:
    discovered = read_manifest(ctx.store, discover_key)
    refs = [DocumentRef.from_dict(r) for r in discovered["refs"]]
    known = ctx.warehouse_state()
    work, counts, reasons = [], {"unchanged": 0, "still-quarantined": 0, "failed": 0}, []
    with ctx.crawl_record("fetch") as warc, ctx.http_session(log_fetches=True, warc=warc) as session:
        for ref in refs:
            state = known.get(ref.doc_key, {})
            try:
                status = _revisit(ctx, session, ref, state) if state else None
                item = {"status": status} if status else _fetch_in_full(ctx, session, ref, state)
            except FetchError as exc:
                ctx.quarantine(ref, "fetch", [str(exc)], files=[], sha256=None)
                item = {"status": "failed"}
                reasons.append(f"{ref.doc_key}: {exc}")
            if item["status"] in counts:
                counts[item["status"]] += 1
                if item["status"] == "still-quarantined":
                    reasons.append(f"{ref.doc_key}: still in quarantine (the portal serves the same file)")
            else:
                work.append(item)
            if progress:
                progress(1)
        # Only a crawl that brought something new is kept: a run that changes nothing writes nothing.
        if work:
            warc_key = ctx.store_crawl_record(warc, "fetch")
            for item in work:
                for stored in item["files"]:
                    stored["warc_key"] = warc_key
    return {
        "manifest": _manifest_or_none(ctx, "fetch", work),
        "discovered": len(refs),
        "unchanged": counts["unchanged"],
        "quarantined": counts["still-quarantined"] + counts["failed"],
        "reasons": reasons,
        "listing_failures": list(discovered.get("listing_failures") or []),
    }


# --- extract --------------------------------------------------------------------------------------------


def _primary_file(item: dict) -> dict:
    files = item["files"]
    return next((f for f in files if f["role"] == "primary"), files[0])


def extract(ctx: PipelineContext, fetched: dict, progress: Progress | None = None) -> dict:
    from parsers.errors import ExtractionError
    from pipeline.records import build_record

    records, reasons = [], []
    for item in _items(ctx, fetched):
        ref = DocumentRef.from_dict(item["ref"])
        primary = _primary_file(item)
        data = ctx.store.get_original(primary["sha256"])
        try:
            record = build_record(ctx.portal, ref, primary, data)
        except ExtractionError as exc:
            reason = f"cannot extract {primary.get('filename') or primary['url']}: {exc}"
            ctx.quarantine(ref, "extract", [reason], files=item["files"], sha256=primary["sha256"])
            reasons.append(f"{ref.doc_key}: {reason}")
        else:
            records.append({"item": item, "record": record})
        if progress:
            progress(1)
    return {"manifest": _manifest_or_none(ctx, "extract", records), "reasons": reasons}


# --- validate -------------------------------------------------------------------------------------------


def validate(ctx: PipelineContext, extracted: dict) -> dict:
    from quality import validate_records

    entries = _items(ctx, extracted)
    reasons = list(extracted["reasons"])
    passed = []
    if entries:
        batch = [dict(e["record"], record_id=e["item"]["ref"]["doc_key"]) for e in entries]
        outcome = _validate_with_data_docs(ctx, batch, validate_records)
        for entry in entries:
            ref = DocumentRef.from_dict(entry["item"]["ref"])
            failures = outcome.failed.get(ref.doc_key)
            if failures:
                sha256 = _primary_file(entry["item"])["sha256"]
                ctx.quarantine(ref, "validate", failures, files=entry["item"]["files"], sha256=sha256)
                reasons.append(f"{ref.doc_key}: {'; '.join(failures)}")
            else:
                passed.append(entry)
    return {"manifest": _manifest_or_none(ctx, "validate", passed), "reasons": reasons}


def _validate_with_data_docs(ctx: PipelineContext, batch: list[dict], validate_records):
    """The portal's Checkpoint over the batch; its Data Docs go to the object store and var/."""
    import tempfile
    from pathlib import Path

    from quality.data_docs import publish

    with tempfile.TemporaryDirectory(prefix="directives-docs-") as docs:
        outcome = validate_records(
            batch, checkpoint=f"document_records_{ctx.portal.id}", data_docs_dir=Path(docs)
        )
        prefix = publish(ctx.store, Path(docs), ctx.settings.var_dir, ctx.portal.id, ctx.run_id)
    log.info("%s: Data Docs of the run at %s (object store) and var/%s", ctx.portal.id, prefix, prefix)
    return outcome


# --- load -----------------------------------------------------------------------------------------------


def _text_digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def load(ctx: PipelineContext, validated: dict, fetched: dict) -> RunSummary:
    summary = RunSummary(
        ctx.portal.id,
        ctx.run_id,
        discovered=fetched["discovered"],
        unchanged=fetched["unchanged"],
        quarantined=fetched["quarantined"] + len(validated["reasons"]),
        quarantine_reasons=fetched["reasons"] + validated["reasons"],
        listing_failures=list(fetched.get("listing_failures") or []),
    )
    for entry in _items(ctx, validated):
        outcome = _load_one(ctx, entry)
        if outcome == "insert":
            summary.new += 1
        elif outcome == "update":
            summary.updated += 1
        else:
            summary.unchanged += 1
    status = "degraded" if summary.listing_failures else "success"
    ctx.warehouse.finish_run(ctx.run_id, ctx.portal.id, summary.as_dict(), status=status)
    return summary


def _load_one(ctx: PipelineContext, entry: dict) -> str:
    from pipeline.records import warehouse_row

    item, record = entry["item"], entry["record"]
    ref = DocumentRef.from_dict(item["ref"])
    primary = _primary_file(item)
    current = ctx.warehouse.current_version(ctx.portal.id, ref.doc_key)
    # An HTML-only document is re-served with new sidebars and counters; it is a new version only when
    # its text changed, not its bytes.
    if (
        current
        and primary["role"] == "detail"
        and _text_digest(current.get("text")) == _text_digest(record.get("text"))
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
    bar = progress_factory(count, f"{ctx.portal.id} fetch") if progress_factory else None
    fetched = fetch(ctx, discover_key, progress=bar.update if bar else None)
    if bar:
        bar.close()
    work = len(_items(ctx, fetched))
    bar = progress_factory(work, f"{ctx.portal.id} extract") if progress_factory and work else None
    extracted = extract(ctx, fetched, progress=bar.update if bar else None)
    if bar:
        bar.close()
    return load(ctx, validate(ctx, extracted), fetched)
