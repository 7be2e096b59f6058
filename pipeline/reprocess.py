"""Re-read the stored originals with the current parser: extract -> validate -> load, no request to the
portal.

The archive improves without re-crawling: after a parser change (parsers.PARSER_VERSION bumped) every
document gets a new record version read from the same original (no new original object); a document in
quarantine whose original the new parser can read is loaded and its quarantine resolved. With the same
parser version nothing changes (the loader's no-op: same original SHA-256 and same parser version).

`directives reprocess [PORTAL] [--doc KEY]` and the DAG's manual re-run both call reprocess().
"""

from __future__ import annotations

import logging

from pipeline.context import PipelineContext
from pipeline.handover import FetchedItem
from pipeline.manifests import write_manifest
from pipeline.stages import RunSummary, extract, load, validate
from pipeline.walk import NO_WALK

log = logging.getLogger(__name__)


def _stored_items(ctx: PipelineContext, doc_key: str | None) -> dict[str, dict]:
    """doc_key -> the fetch-stage item that produced what the archive holds: the current version's record
    JSON, else the open quarantine note of an original that was fetched (extract or validate stage)."""
    items: dict[str, dict] = {}
    for row in ctx.warehouse.quarantined(ctx.portal.id):
        if (
            row["original_sha256"]
            and row.get("object_key")
            and (doc_key is None or row["doc_key"] == doc_key)
        ):
            note = ctx.store.get_json(row["object_key"])
            if note.get("files"):
                items[row["doc_key"]] = {"ref": note["ref"], "files": note["files"]}
    for row in ctx.warehouse.current_documents(ctx.portal.id):
        if doc_key is None or row["doc_key"] == doc_key:
            stored = ctx.store.get_json(row["record_key"])
            items[row["doc_key"]] = {"ref": stored["ref"], "files": stored["files"]}
    return items


def reprocess(ctx: PipelineContext, doc_key: str | None = None) -> RunSummary:
    """Re-run extract -> validate -> load for the portal's stored documents (or one of them)."""
    ctx.warehouse.start_run(ctx.run_id, ctx.portal.id)
    items = _stored_items(ctx, doc_key)
    work, failed, failure_reasons = [], [], []
    for key, stored in sorted(items.items()):
        item = FetchedItem.from_dict({**stored, "status": "reprocess"})
        if not ctx.store.exists(item.primary.key):
            failed.append(key)
            failure_reasons.append(f"{key}: original {item.primary.sha256} is missing from the object store")
            continue
        work.append(item)
    log.info("%s: reprocessing %d stored documents", ctx.portal.id, len(work))
    payload = {"items": [item.to_dict() for item in work]}
    manifest = write_manifest(ctx.store, ctx.portal.id, "reprocess", payload) if work else None
    fetched = {
        "manifest": manifest,
        "discovered": len(items),
        "discovered_keys": sorted(items),
        "unchanged": 0,
        "quarantined": 0,
        "failed": len(failed),
        "outcome_keys": {"failed": failed},
        "reasons": [],
        "failure_reasons": failure_reasons,
        "listing_failures": [],
        # No listing read: such a run neither is nor postpones a full walk (pipeline/walk.py).
        "walk": {"walk": NO_WALK, "walk_reason": "reprocess: the stored originals, no request to the portal"},
    }
    return load(ctx, validate(ctx, extract(ctx, fetched)), fetched)
