"""The five stages of a portal run, as plain functions the Airflow tasks and the CLI both call.

discover -> fetch -> extract -> validate -> load. A stage hands the next one a small JSON-able dict (it goes
through XCom): counts, readable reasons, and the object-store key of a manifest holding the actual work
items, written only when there is work (see pipeline/manifests.py). Every stage is idempotent: rerunning it
for the same run, or running the whole pipeline again when nothing changed on the portal, writes no new
object and no new row version (beyond, once, the discover manifest of a walk that differs from the last
one: it says how the listing was walked, pipeline/walk.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from parsers.fields import DocumentRecord
from pipeline.alerts import listing_shrank, send_alert, shrank_message
from pipeline.context import PipelineContext
from pipeline.handover import ExtractedEntry, FetchedItem, StoredFile, read_items
from pipeline.manifests import read_manifest, write_manifest
from pipeline.primary import choose_primary, expects_file, ranked_files
from pipeline.walk import capped_reason, describe, listing_digest, plan_walk, walk_stop
from scrapers.adapters import get_adapter
from scrapers.http import FetchError, FetchResult, PoliteSession
from scrapers.models import DocumentRef

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
STAGES = ("discover", "fetch", "extract", "validate", "load")
# How a run walked the listing (pipeline/walk.py): discover's hand-over -> fetch's -> RunSummary -> runs.
WALK_FIELDS = ("walk", "walk_reason", "walk_stop", "walk_pages")


class NoDocumentsFound(RuntimeError):
    """A listing that yields nothing means the scraper (or the site) broke: never a silent success."""


@dataclass
class RunSummary:
    """What a run did. It reconciles when discovered = new + updated + unchanged + quarantined + failed."""

    portal_id: str
    run_id: str
    discovered: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    quarantine_reasons: list[str] = field(default_factory=list)
    failed: int = 0
    failure_reasons: list[str] = field(default_factory=list)
    warned: int = 0
    quality_warnings: int = 0
    listing_failures: list[dict] = field(default_factory=list)
    # Listing walks that stopped at options.max_pages with more pages to read: {next_url, max_pages}.
    listing_capped: list[dict] = field(default_factory=list)
    # How the listing was walked (pipeline/walk.py): full or incremental, why, why it stopped, pages read.
    walk: str | None = None
    walk_reason: str | None = None
    walk_stop: str | None = None
    walk_pages: int | None = None
    reconciliation: dict[str, Any] = field(default_factory=dict)
    status: str = "running"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _manifest_or_none(ctx: PipelineContext, stage: str, items: list) -> str | None:
    """One manifest of typed hand-over objects (their one serialisation), none when there is no work."""
    payload = {"items": [item.to_dict() for item in items]}
    return write_manifest(ctx.store, ctx.portal.id, stage, payload) if items else None


def _items(ctx: PipelineContext, handover: dict, kind: type) -> list:
    """The previous stage's work items, each validated as `kind` (FetchedItem or ExtractedEntry)."""
    key = handover.get("manifest")
    return read_items(read_manifest(ctx.store, key), kind, key) if key else []


# --- discover -------------------------------------------------------------------------------------------


def discover(ctx: PipelineContext, limit: int | None = None) -> str:
    """Walk the portal's listing pages (only those), in full or incrementally (pipeline/walk.py), and write
    the references found, content-addressed: an unchanged listing gives the same manifest, so a rerun
    writes nothing new. The hand-over also says how the walk went (mode, why it stopped, page caps reached,
    listing pages that failed) and which documents the listing shows unchanged."""
    ctx.warehouse.start_run(ctx.run_id, ctx.portal.id)
    limit = limit if limit is not None else ctx.settings.max_documents_per_run
    known = ctx.warehouse_state()
    to_repair = sum(1 for state in known.values() if state.get("sha256") in ctx.corrupt_originals)
    plan = plan_walk(ctx.warehouse, ctx.portal, ctx.run_id, bool(known), ctx.settings.full_walk, to_repair)
    digests = ctx.warehouse.listing_digests(ctx.portal.id)
    # Documents an earlier run could not fetch: an incremental walk goes on until it has met them again.
    retry = {
        row["doc_key"]
        for row in ctx.warehouse.quarantined(ctx.portal.id)
        if row["stage"] == "fetch" and not row.get("original_sha256")
    }

    def settled(ref: DocumentRef) -> bool:
        """Known, not to be repaired or retried, and its listing row as the archive recorded it."""
        state = known.get(ref.doc_key)
        return (
            bool(state)
            and ref.doc_key not in retry
            and state.get("sha256") not in ctx.corrupt_originals
            and digests.get(ref.doc_key) == listing_digest(ref)
        )

    walked = _walk_listings(ctx, limit, None if plan.full else settled, retry)
    refs = walked.refs
    if not refs and walked.listing_failures:
        raise NoDocumentsFound(
            f"{ctx.portal.id}: no listing page could be read: "
            + "; ".join(f"{f['url']}: {f['reason']}" for f in walked.listing_failures)
        )
    if not refs:
        raise NoDocumentsFound(
            f"{ctx.portal.id}: the {ctx.portal.cms} adapter found no documents at "
            f"{', '.join(ctx.portal.listing_urls())} — the site or its markup probably changed"
        )
    stop = walk_stop(
        plan, walked.capped, walked.listing_failures, bool(limit) and len(refs) >= limit, walked.at_known
    )
    walk = {"walk": plan.mode, "walk_reason": plan.reason, "walk_stop": stop, "walk_pages": walked.pages}
    # Run parameter `since` (a backfill of a period): documents the listing dates earlier are left out.
    if ctx.settings.since is not None:
        refs = [ref for ref in refs if _listed_since(ref, ctx.settings.since)]
    refs.sort(key=lambda ref: ref.doc_key)
    log.info("%s: discovered %d documents; %s", ctx.portal.id, len(refs), describe(walk))
    for cap in walked.capped:
        log.warning("%s: %s", ctx.portal.id, capped_reason(cap))
    if stop == "end":  # only a walk that read the whole listing tells how long the listing is
        _alert_if_listing_shrank(ctx, len(refs), limit)
    handover: dict[str, Any] = {"refs": [r.to_dict() for r in refs], "walk": walk}
    if walked.listing_failures:  # pages the walk could not read: the run goes on and names them (degraded)
        handover["listing_failures"] = walked.listing_failures
    if walked.capped:  # the walk stopped at its page cap with more pages to read: the run says so (degraded)
        handover["listing_capped"] = walked.capped
    if not plan.full:  # known documents the listing shows as the archive holds them: not revisited
        handover["listing_unchanged"] = sorted(ref.doc_key for ref in refs if settled(ref))
    # Listing rows that are new or changed: recorded by load once the run has settled their documents.
    rows = {ref.doc_key: listing_digest(ref) for ref in refs}
    handover["listing_digests"] = {k: d for k, d in sorted(rows.items()) if digests.get(k) != d}
    return write_manifest(ctx.store, ctx.portal.id, "discover", handover)


@dataclass
class _Walked:
    """What the adapter's walk of the listings gave: the refs and how it went."""

    refs: list[DocumentRef] = field(default_factory=list)
    pages: int = 0  # listing pages requested
    at_known: bool = False  # a walk stopped at a page of settled documents
    listing_failures: list[dict] = field(default_factory=list)  # {url, reason}
    capped: list[dict] = field(default_factory=list)  # {next_url, max_pages}


def _walk_listings(
    ctx: PipelineContext,
    limit: int | None,
    settled: Callable[[DocumentRef], bool] | None,
    to_meet: set[str] = frozenset(),
) -> _Walked:
    """The listing pages only, in one session. With `settled` (an incremental walk) each listing's walk
    ends after the first page whose documents are all settled, once it has met every doc_key of `to_meet`
    (documents to retry, wherever they are listed); a document the walk met before (a sidebar of latest
    posts, a row listed twice) is judged by its first row, the one discover keeps."""
    walked, met = _Walked(), set()

    def stop_after_page(page_refs: list[DocumentRef]) -> bool:
        first_rows = [ref for ref in page_refs if ref.doc_key not in met]
        met.update(ref.doc_key for ref in page_refs)
        nothing_new = settled is not None and all(settled(ref) for ref in first_rows) and to_meet <= met
        walked.at_known = walked.at_known or nothing_new
        return nothing_new

    with ctx.http_session() as session:

        def listing_page(url: str) -> str:
            walked.pages += 1
            return session.get_text(url)

        walked.refs = list(
            get_adapter(ctx.portal.cms).discover(
                ctx.portal,
                listing_page,
                limit=limit,
                open_details=False,
                on_listing_failure=lambda url, exc: walked.listing_failures.append(
                    {"url": url, "reason": str(exc)}
                ),
                on_page_cap=lambda url, cap: walked.capped.append({"next_url": url, "max_pages": cap}),
                stop_after_page=stop_after_page if settled is not None else None,
            )
        )
    return walked


def _listed_since(ref: DocumentRef, since: date) -> bool:
    """True unless the listing gives an ISO issue/publication date before `since` (undated refs are kept:
    leaving out what cannot be dated would lose documents silently)."""
    listed = ref.listed.get("issued_date") or ref.listed.get("published_date")
    try:
        return listed is None or date.fromisoformat(listed) >= since
    except ValueError:
        return True


def _alert_if_listing_shrank(ctx: PipelineContext, found: int, limit: int | None) -> None:
    """Compared with the last successful run that also read the whole listing: an incremental run that
    stopped at known documents sees fewer of them by design."""
    last = ctx.warehouse.last_successful_run(ctx.portal.id, before_run=ctx.run_id, whole_listing=True)
    previously = last["discovered"] if last else None
    if listing_shrank(found, previously, limit):
        send_alert(shrank_message(ctx.portal.id, found, previously, ctx.run_id))


# --- fetch ----------------------------------------------------------------------------------------------


def _stored_file(ctx: PipelineContext, result: FetchResult, role: str, filename: str | None) -> StoredFile:
    stored = ctx.store.put_original(
        result.content,
        source_url=result.final_url,
        fetched_at=result.fetched_at,
        content_type=result.content_type or "application/octet-stream",
        portal_id=ctx.portal.id,
    )
    return StoredFile(
        role=role,
        url=result.final_url,
        filename=filename,
        sha256=stored.sha256,
        key=stored.key,
        size=stored.size,
        content_type=result.content_type,
    )


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


class NoFileServed(FetchError):
    """Every link to a document's file answered something else (an HTML error or detail page)."""


_FILE_MAGICS = (b"%PDF-", b"\xd0\xcf\x11\xe0", b"PK\x03\x04")
# Word saves "Web page" .doc files as HTML: such a body is the file itself, not an error page.
_WORD_HTML_MARKERS = (b"urn:schemas-microsoft-com:office:word", b"word.document")


def served_html(result: FetchResult) -> bool:
    """An answer that is a web page: by its Content-Type, or by its bytes when the type lies; never a body
    that starts like a PDF or Office file, nor a Word document saved as HTML."""
    body = result.content[:4096]
    if body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_FILE_MAGICS):
        return False
    if any(marker in body.lower() for marker in _WORD_HTML_MARKERS):
        return False
    content_type = (result.content_type or "").split(";")[0].strip().lower()
    if content_type in ("text/html", "application/xhtml+xml"):
        return True
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head


def _fetch_primary(ctx: PipelineContext, session: PoliteSession, ref: DocumentRef, warnings: list[str]):
    """The document's file: the best-ranked attachment whose link (or one of its alternates) answers with a
    file, not a web page. Each HTML answer is a warning and a fetch_log event, and is never stored as the
    original. Returns (attachment, result), or (None, None) when the document is its detail page."""
    primary_att = choose_primary(ref.attachments)
    if primary_att is None:
        return None, None
    if not expects_file(primary_att):
        return primary_att, session.get(primary_att.url)
    candidates = [primary_att, *(att for att in ranked_files(ref.attachments) if att is not primary_att)]
    tried = []
    for att in candidates:
        for url in (att.url, *att.alternates):
            try:
                result = session.get(url)
            except FetchError as exc:
                tried.append(f"{url}: {exc}")
                continue
            if not served_html(result):
                if url != att.url:
                    warnings.append(f"file {att.filename or att.url} fetched from its other link {url}")
                return att, result
            message = (
                f"{url} answered a web page ({result.content_type or 'no Content-Type'}, "
                f"{result.size} bytes) "
                f"for {att.filename or 'a document file'}; not stored as the original"
            )
            warnings.append(message)
            ctx.log_fetch_event(result, url, message)
            tried.append(message)
    raise NoFileServed(f"no link to the document's file served it: {'; '.join(tried)}")


def _fetch_in_full(
    ctx: PipelineContext, session: PoliteSession, ref: DocumentRef, known: dict
) -> tuple[str, FetchedItem | None, str | None]:
    """Open the detail page (it completes the ref), fetch the primary file and other attachments, and
    store the originals. A document without a file (HTML-only) is its detail page.
    Returns (status, the item to extract when there is one, the reason of a failure)."""
    detail = session.get(ref.detail_url)
    adapter = get_adapter(ctx.portal.cms)
    ref = adapter.complete(
        ctx.portal, lambda url: detail.text() if url == ref.detail_url else session.get_text(url), ref
    )
    warnings: list[str] = []
    try:
        primary_att, primary = _fetch_primary(ctx, session, ref, warnings)
    except NoFileServed as exc:
        files = [_stored_file(ctx, detail, "detail", None).to_dict()]
        ctx.quarantine(ref, "fetch", [str(exc)], files=files, sha256=None)
        return "failed", None, str(exc)
    primary = primary or detail
    if known.get("sha256") == primary.sha256:
        if primary.sha256 in ctx.corrupt_originals:
            _stored_file(ctx, primary, "primary", primary_att.filename if primary_att else None)  # repairs
        return known["status"], None, None
    files = [_stored_file(ctx, detail, "detail", None)]
    if primary_att:
        files.append(_stored_file(ctx, primary, "primary", primary_att.filename))
    for att in ref.attachments:
        if att is primary_att or att.url in (
            primary.final_url,
            *(primary_att.alternates if primary_att else ()),
        ):
            continue
        try:
            result = session.get(att.url)
        except FetchError as exc:
            warnings.append(f"attachment {att.filename or att.url} not fetched: {exc}")
            continue
        if expects_file(att) and served_html(result):
            message = f"{att.url} answered a web page for {att.filename or 'an attachment'}; not stored"
            warnings.append(message)
            ctx.log_fetch_event(result, att.url, message)
            continue
        files.append(_stored_file(ctx, result, "attachment", att.filename))
    status = "changed" if known.get("status") == "unchanged" else "new"
    return status, FetchedItem(ref, status, tuple(files), tuple(warnings)), None


def fetch(ctx: PipelineContext, discover_key: str, progress: Progress | None = None) -> dict:
    """Fetch what discover found. A known document the listing shows unchanged in an incremental walk is
    settled without a request; a known document otherwise gets a conditional GET of its file, anything
    else a full fetch. No session is opened (not even robots.txt) when nothing needs a request."""
    discovered = read_manifest(ctx.store, discover_key)
    refs = [DocumentRef.from_dict(r) for r in discovered["refs"]]
    known = ctx.warehouse_state()
    listing_unchanged = set(discovered.get("listing_unchanged") or ())
    work, reasons, failure_reasons = [], [], []
    outcome_keys: dict[str, list[str]] = {"unchanged": [], "quarantined": [], "failed": []}

    def settle(ref: DocumentRef, status: str, item: FetchedItem | None, reason: str | None) -> None:
        """Put the document in its bucket; for an open quarantine entry, `reason` says why it stays."""
        if status == "failed":
            outcome_keys["failed"].append(ref.doc_key)
            failure_reasons.append(f"{ref.doc_key}: {reason}")
        elif status == "unchanged":
            outcome_keys["unchanged"].append(ref.doc_key)
        elif status == "still-quarantined":
            outcome_keys["quarantined"].append(ref.doc_key)
            reasons.append(f"{ref.doc_key}: still in quarantine ({reason})")
        else:
            work.append(item)
        if progress:
            progress(1)

    to_visit = []
    for ref in refs:
        state = known.get(ref.doc_key)
        if ref.doc_key in listing_unchanged and state:
            # incremental walk: the listing shows it as the archive holds it; no request
            settle(ref, state["status"], None, "its listing row is unchanged")
        else:
            to_visit.append(ref)
    if to_visit:
        with ctx.crawl_record("fetch") as warc, ctx.http_session(log_fetches=True, warc=warc) as session:
            for ref in to_visit:
                state = known.get(ref.doc_key, {})
                item, reason = None, None
                try:
                    status = _revisit(ctx, session, ref, state) if state else None
                    if not status:
                        status, item, reason = _fetch_in_full(ctx, session, ref, state)
                except FetchError as exc:
                    ctx.quarantine(ref, "fetch", [str(exc)], files=[], sha256=None)
                    status, reason = "failed", str(exc)
                if status == "still-quarantined":
                    reason = "the portal serves the same file"
                settle(ref, status, item, reason)
            # Only a crawl that brought something new is kept: a run that changes nothing writes nothing.
            if work:
                warc_key = ctx.store_crawl_record(warc, "fetch")
                work = [item.with_warc(warc_key) for item in work]
    return {
        "manifest": _manifest_or_none(ctx, "fetch", work),
        "discovered": len(refs),
        "discovered_keys": [ref.doc_key for ref in refs],
        "unchanged": len(outcome_keys["unchanged"]),
        "quarantined": len(outcome_keys["quarantined"]),
        "failed": len(outcome_keys["failed"]),
        "outcome_keys": outcome_keys,
        "reasons": reasons,
        "failure_reasons": failure_reasons,
        "listing_failures": list(discovered.get("listing_failures") or []),
        "listing_capped": list(discovered.get("listing_capped") or []),
        "walk": dict(discovered.get("walk") or {}),
        "listing_digests": dict(discovered.get("listing_digests") or {}),
    }


# --- extract --------------------------------------------------------------------------------------------


def _files(item: FetchedItem) -> list[dict]:
    return [f.to_dict() for f in item.files]


def extract(ctx: PipelineContext, fetched: dict, progress: Progress | None = None) -> dict:
    from parsers.errors import ExtractionError
    from pipeline.records import build_record, parsed_original

    records, reasons, quarantined, reused = [], [], [], 0
    for item in _items(ctx, fetched, FetchedItem):
        primary = item.primary
        data = ctx.store.get_original(primary.sha256)
        try:
            parsed, was_stored = parsed_original(ctx.store, primary.to_dict(), data)
        except ExtractionError as exc:
            reason = f"cannot extract {primary.filename or primary.url}: {exc}"
            ctx.quarantine(item.ref, "extract", [reason], files=_files(item), sha256=primary.sha256)
            reasons.append(f"{item.doc_key}: {reason}")
            quarantined.append(item.doc_key)
        else:
            reused += was_stored
            record = build_record(ctx.portal, item.ref, parsed, fetch_warnings=list(item.fetch_warnings))
            records.append(ExtractedEntry(item, DocumentRecord.from_dict(record)))
        if progress:
            progress(1)
    if reused:
        log.info(
            "%s: %d of %d parses read back from the store (same bytes parsed before)",
            ctx.portal.id,
            reused,
            len(records),
        )
    return {
        "manifest": _manifest_or_none(ctx, "extract", records),
        "reasons": reasons,
        "quarantined_keys": quarantined,
        "parses_reused": reused,
    }


# --- validate -------------------------------------------------------------------------------------------


def validate(ctx: PipelineContext, extracted: dict) -> dict:
    """Critical findings send a record to quarantine; warning-level findings go on the record
    (`quality_warnings`) and it is loaded."""
    from quality import validate_records

    entries = _items(ctx, extracted, ExtractedEntry)
    reasons = list(extracted["reasons"])
    quarantined = list(extracted.get("quarantined_keys") or [])
    passed, warned, warning_count = [], 0, 0
    if entries:
        batch = [
            dict(
                e.record.to_dict(),
                record_id=e.item.doc_key,
                doc_key=e.item.doc_key,
                portal_id=e.item.ref.portal_id,
                original_sha256=e.item.primary.sha256,
            )
            for e in entries
        ]
        outcome = _validate_with_data_docs(ctx, batch, validate_records)
        for entry in entries:
            item = entry.item
            failures = outcome.failed.get(item.doc_key)
            if failures:
                ctx.quarantine(item.ref, "validate", failures, files=_files(item), sha256=item.primary.sha256)
                reasons.append(f"{item.doc_key}: {'; '.join(failures)}")
                quarantined.append(item.doc_key)
                continue
            found = outcome.warnings.get(item.doc_key) or []
            warned += bool(found)
            warning_count += len(found)
            passed.append(ExtractedEntry(item, dataclasses.replace(entry.record, quality_warnings=found)))
    return {
        "manifest": _manifest_or_none(ctx, "validate", passed),
        "reasons": reasons,
        "quarantined_keys": quarantined,
        "warned": warned,
        "quality_warnings": warning_count,
    }


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
    """Load the validated records, then reconcile the run's counts and close it with its final status."""
    from pipeline.health import close_run

    summary = RunSummary(
        ctx.portal.id,
        ctx.run_id,
        discovered=fetched["discovered"],
        unchanged=fetched["unchanged"],
        quarantined=fetched["quarantined"] + len(validated.get("quarantined_keys") or []),
        quarantine_reasons=fetched["reasons"] + validated["reasons"],
        failed=fetched.get("failed", 0),
        failure_reasons=list(fetched.get("failure_reasons") or []),
        warned=validated.get("warned", 0),
        quality_warnings=validated.get("quality_warnings", 0),
        listing_failures=list(fetched.get("listing_failures") or []),
        listing_capped=list(fetched.get("listing_capped") or []),
        **{k: v for k, v in (fetched.get("walk") or {}).items() if k in WALK_FIELDS},
    )
    outcome_keys = {k: list(v) for k, v in (fetched.get("outcome_keys") or {}).items()}
    outcome_keys.setdefault("quarantined", []).extend(validated.get("quarantined_keys") or [])
    for entry in _items(ctx, validated, ExtractedEntry):
        outcome = _load_one(ctx, entry)
        bucket = {"insert": "new", "update": "updated"}.get(outcome, "unchanged")
        setattr(summary, bucket, getattr(summary, bucket) + 1)
        outcome_keys.setdefault(bucket, []).append(entry.item.doc_key)
    _record_listing_rows(ctx, fetched.get("listing_digests") or {}, outcome_keys)
    return close_run(ctx, summary, fetched.get("discovered_keys"), outcome_keys)


def _record_listing_rows(ctx: PipelineContext, digests: dict, outcome_keys: dict[str, list[str]]) -> None:
    """The listing rows of the documents the run settled (in the archive now, loaded or quarantined with
    their original): the next incremental walk compares with them. A failed document keeps no row, so it
    is visited again."""
    settled = {key for bucket, keys in outcome_keys.items() if bucket != "failed" for key in keys}
    rows = {key: digest for key, digest in digests.items() if key in settled}
    ctx.warehouse.record_listing_rows(ctx.portal.id, ctx.run_id, rows)


def _load_one(ctx: PipelineContext, entry: ExtractedEntry) -> str:
    from pipeline.records import warehouse_row
    from warehouse.keys import record_key, text_key

    item, record = entry.item, entry.record.to_dict()
    ref, primary = item.ref, item.primary.to_dict()
    current = ctx.warehouse.current_version(ctx.portal.id, ref.doc_key)
    # An HTML-only document is re-served with new sidebars and counters; it is a new version only when
    # its text changed (or a better parser read it), not its bytes.
    if (
        current
        and primary["role"] == "detail"
        and _text_digest(current.get("text")) == _text_digest(record.get("text"))
        and current.get("parser_version") == record.get("parser_version")
    ):
        ctx.warehouse_resolve(ref.doc_key)
        return "noop"
    rkey = record_key(ctx.portal.id, ref.doc_key, primary["sha256"], record.get("parser_version"))
    tkey = text_key(ctx.portal.id, ref.doc_key, primary["sha256"], record.get("parser_version"))
    if not ctx.store.exists(rkey):
        ctx.store.put_json(rkey, {"record": record, "ref": ref.to_dict(), "files": _files(item)})
    if not ctx.store.exists(tkey):
        ctx.store.put_text(tkey, record.get("text") or "")
    fetched_at = ctx.store.fetched_at(primary["sha256"])
    row = warehouse_row(ctx.portal, ctx.run_id, ref, primary, record, rkey, tkey, fetched_at)
    return ctx.upsert(row)


def run_all(ctx: PipelineContext, limit: int | None = None, progress_factory=None) -> RunSummary:
    """The whole pipeline in one process (the CLI's `directives run`), same code as the DAG tasks."""
    discover_key = discover(ctx, limit=limit)
    count = len(read_manifest(ctx.store, discover_key)["refs"])
    bar = progress_factory(count, f"{ctx.portal.id} fetch") if progress_factory else None
    fetched = fetch(ctx, discover_key, progress=bar.update if bar else None)
    if bar:
        bar.close()
    work = len(_items(ctx, fetched, FetchedItem))
    bar = progress_factory(work, f"{ctx.portal.id} extract") if progress_factory and work else None
    extracted = extract(ctx, fetched, progress=bar.update if bar else None)
    if bar:
        bar.close()
    return load(ctx, validate(ctx, extracted), fetched)
