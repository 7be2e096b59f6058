"""How a run walks a portal's listing: in full, or incrementally, up to what the archive already holds.

Listings are newest first. A full walk reads every listing page (up to options.max_pages) and revisits every
known document with a conditional GET. An incremental walk stops after the first listing page whose documents
are all known and unchanged on the listing, and does not revisit those documents at all: a run with nothing
new costs robots.txt and the first listing page, whatever the archive's size.

"Unchanged on the listing": the archive holds the document (a current version, or an open quarantine entry
with its original; see PipelineContext.warehouse_state) and its listing row (detail URL, title, listed
fields, file links) has the digest the archive recorded when a run last settled the document (table
listing_rows), and no earlier run failed to fetch it (such a document is visited again, and the walk goes on
until it has met all of them). A file replaced at the same URL under the same listing row is invisible to
an incremental walk: the full walk every `full_walk_every` runs finds it.

A walk is full on a portal's first run (nothing archived), on a backfill run (run parameter full_walk), when
a fixity audit found stored originals of the portal corrupt (the run fetches them again to repair them), when
no earlier finished run completed a full walk (read the whole listing: a capped or broken full walk does not
count), and when the last `full_walk_every` - 1 finished runs were not complete full walks. The count comes
from the runs table, so it survives restarts and is the same for the CLI and Airflow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scrapers.adapters.base import DEFAULT_FULL_WALK_EVERY
from scrapers.models import DocumentRef

FULL, INCREMENTAL = "full", "incremental"
NO_WALK = "none"  # a reprocess: stored originals read again, no listing
# Why a walk stopped, most serious first (a run with several listings reports the most serious one).
STOPS = ("page_cap", "listing_failure", "limit", "known", "end")


@dataclass(frozen=True)
class WalkPlan:
    mode: str  # FULL or INCREMENTAL
    reason: str  # why, in words

    @property
    def full(self) -> bool:
        return self.mode == FULL


def full_walk_every(portal) -> int:
    return int((portal.options or {}).get("full_walk_every", DEFAULT_FULL_WALK_EVERY))


def listing_digest(ref: DocumentRef) -> str:
    """SHA-256 of what the listing row shows: a change to any of it (a new file link, a corrected title or
    date) makes the document worth a visit."""
    row = {
        "detail_url": ref.detail_url,
        "title": ref.title,
        "listed": dict(sorted(ref.listed.items())),
        "attachments": [a.to_dict() for a in ref.attachments],
    }
    payload = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def complete_full_walk(run: Mapping[str, Any]) -> bool:
    """A finished run that walked the whole listing and revisited every known document. Runs from before
    incremental crawling (no walk recorded) always walked in full; they count unless a listing page failed."""
    if run.get("walk") is None:
        return not run.get("listing_failures")
    return run["walk"] == FULL and run.get("walk_stop") == "end"


def plan_walk(warehouse, portal, run_id: str, archived: bool, backfill: bool, to_repair: int = 0) -> WalkPlan:
    """Full or incremental, and why (see the module's docstring). `to_repair`: known documents whose stored
    original a fixity audit found corrupt: only a full walk is sure to reach them, wherever they are
    listed."""
    if not archived:
        return WalkPlan(FULL, "first run: nothing of the portal is archived yet")
    if backfill:
        return WalkPlan(FULL, "backfill: a full walk was asked for (full_walk)")
    if to_repair:
        return WalkPlan(FULL, f"repair: {to_repair} stored original(s) found corrupt by a fixity audit")
    every = full_walk_every(portal)
    if every <= 1:
        return WalkPlan(FULL, "every run is a full walk (options.full_walk_every = 1)")
    recent = warehouse.finished_walks(portal.id, every - 1, before_run=run_id)
    if any(complete_full_walk(run) for run in recent):
        # Worded the same from run to run: the reason is part of the (content-addressed) discover manifest.
        return WalkPlan(
            INCREMENTAL, f"scheduled: between full walks, one every {every} runs (options.full_walk_every)"
        )
    if len(recent) < every - 1:
        return WalkPlan(FULL, "no earlier run walked the whole listing")
    return WalkPlan(FULL, f"every {every}th run is a full walk (options.full_walk_every = {every})")


def walk_stop(
    plan: WalkPlan, capped: list, listing_failures: list, limit_reached: bool, stopped_at_known: bool
) -> str:
    """Why the walk stopped, one of STOPS."""
    if capped:
        return "page_cap"
    if listing_failures:
        return "listing_failure"
    if limit_reached:
        return "limit"
    if stopped_at_known and not plan.full:
        return "known"
    return "end"


def capped_reason(capped: Mapping[str, Any]) -> str:
    """A page cap in words: what was not read, and what to change."""
    return (
        f"the listing walk stopped at options.max_pages = {capped.get('max_pages')} while the listing goes "
        f"on: {capped.get('next_url')} and the pages after it were not read (raise max_pages)"
    )


def describe(walk: Mapping[str, Any]) -> str:
    """One line for the CLI and the logs: 'full walk (<why>), 12 listing page(s), read to the end ...'."""
    stops = {
        "end": "read to the end of the listing",
        "known": "stopped at a page of known, unchanged documents",
        "page_cap": "STOPPED AT THE PAGE CAP with more pages to read",
        "listing_failure": "a listing page could not be read",
        "limit": "stopped at the document limit",
    }
    return (
        f"{walk.get('walk')} walk ({walk.get('walk_reason')}), {walk.get('walk_pages')} listing page(s), "
        f"{stops.get(walk.get('walk_stop'), walk.get('walk_stop'))}"
    )
