"""Closing a run: reconcile its counts, decide its final status, alert when it is degraded.

Every document the listing showed ends in exactly one bucket: loaded (new or updated), unchanged,
quarantined (open: could not be extracted, or failed a critical expectation) or failed (could not be
fetched, with the reason). The buckets are tracked by doc_key through the stage hand-overs, so the check
is not the sum of the same numbers: a document counted twice or lost between stages breaks it, and then
the run is `failed`.

Status: `failed` (the run broke, or it does not reconcile), `degraded` (the share of quarantined + failed
documents is above the portal's `degraded_threshold` option, default 0.20, or any fetch or listing page
failed, or a listing walk stopped at options.max_pages while the listing had more pages: documents were
never looked at), else `success`. An incremental walk that stops at a page of known documents is not a
cap (pipeline/walk.py). No run stays `running`: the CLI's error path and the DAG's failure callback call
mark_failed().
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from pipeline.alerts import degraded_message, send_alert
from pipeline.walk import capped_reason

log = logging.getLogger(__name__)

DEFAULT_DEGRADED_THRESHOLD = 0.20
BUCKETS = ("new", "updated", "unchanged", "quarantined", "failed")


class RunDoesNotReconcile(RuntimeError):
    """discovered != loaded + unchanged + quarantined + failed: a document was lost or counted twice."""


def degraded_threshold(portal) -> float:
    value = (portal.options or {}).get("degraded_threshold", DEFAULT_DEGRADED_THRESHOLD)
    return float(value)


def reconcile(
    summary, discovered_keys: list[str] | None, outcome_keys: dict[str, list[str]]
) -> dict[str, Any]:
    """The run's reconciliation: counts per bucket, and every discovered doc_key in exactly one bucket."""
    counts = {bucket: getattr(summary, bucket) for bucket in BUCKETS}
    total = sum(counts.values())
    problems = []
    if total != summary.discovered:
        problems.append(
            f"discovered {summary.discovered} != {' + '.join(map(str, counts.values()))} = {total}"
        )
    if discovered_keys is not None:
        seen = Counter(key for bucket in BUCKETS for key in outcome_keys.get(bucket, []))
        twice = sorted(key for key, n in seen.items() if n > 1)
        lost = sorted(set(discovered_keys) - set(seen))
        extra = sorted(set(seen) - set(discovered_keys))
        if twice:
            problems.append(f"in more than one bucket: {', '.join(twice[:10])}")
        if lost:
            problems.append(f"in no bucket: {', '.join(lost[:10])}")
        if extra:
            problems.append(f"not discovered but counted: {', '.join(extra[:10])}")
    return {"discovered": summary.discovered, **counts, "holds": not problems, "problems": problems}


def run_status(summary, threshold: float) -> str:
    if not summary.reconciliation.get("holds", True):
        return "failed"
    share = (summary.quarantined + summary.failed) / summary.discovered if summary.discovered else 0.0
    if share > threshold or summary.failed or summary.listing_failures or summary.listing_capped:
        return "degraded"
    return "success"


def top_reasons(summary, limit: int = 3) -> list[str]:
    """The most frequent reasons, without the doc_key prefix ('125: text is missing' -> 'text is missing')."""
    reasons = [r.split(": ", 1)[-1] for r in (*summary.failure_reasons, *summary.quarantine_reasons)]
    reasons += [f"listing page {f.get('url')}: {f.get('reason')}" for f in summary.listing_failures]
    counted = [f"{reason} ({n}x)" for reason, n in Counter(reasons).most_common(limit)]
    # A page cap leaves documents unseen whatever else went wrong: always named first.
    return [capped_reason(cap) for cap in summary.listing_capped] + counted


def close_run(ctx, summary, discovered_keys: list[str] | None, outcome_keys: dict[str, list[str]]):
    """Reconcile, set the final status, write the run row, alert when degraded; raise when it does not
    add up."""
    summary.reconciliation = reconcile(summary, discovered_keys, outcome_keys)
    summary.status = run_status(summary, degraded_threshold(ctx.portal))
    row = summary.as_dict()
    if summary.status == "failed":
        row["error"] = "the run does not reconcile: " + "; ".join(summary.reconciliation["problems"])
    ctx.warehouse.finish_run(ctx.run_id, ctx.portal.id, row, status=summary.status)
    if summary.status == "degraded":
        send_alert(degraded_message(summary, degraded_threshold(ctx.portal), top_reasons(summary)))
    if summary.status == "failed":
        raise RunDoesNotReconcile(f"{ctx.portal.id} run {ctx.run_id}: {row['error']}")
    return summary


def mark_failed(settings, portal_id: str, run_id: str | None, error: BaseException | str | None) -> None:
    """Write `failed` for a run that broke (CLI error path, DAG failure callback); never raises itself."""
    if not run_id:
        return
    try:
        from warehouse.db import Warehouse

        with Warehouse.connect(settings.warehouse_url) as wh:
            wh.migrate()
            wh.mark_run_failed(run_id, portal_id, error)
    except Exception as exc:  # noqa: BLE001 - reporting a failure must not hide the failure itself
        log.error("could not mark run %s of %s failed: %s", run_id, portal_id, exc)
