"""Telling a data engineer that a portal run failed, and why.

The message names the portal, the stage and the error; "no documents found" gets its own wording because it
almost always means the portal changed its markup. A webhook (DIRECTIVES_ALERT_WEBHOOK, e.g. a chat
incoming-webhook URL) receives it as JSON; without one the alert goes to the log only.
"""

from __future__ import annotations

import logging
import os

import requests

log = logging.getLogger("directives.alerts")


def failure_message(portal_id: str, stage: str, error: BaseException | str | None, run_id: str | None) -> str:
    text = str(error) if error else "unknown error"
    hint = ""
    if "found no documents" in text:
        hint = " The portal's listing returned nothing: check its markup with `directives discover`."
    return f"[directives] {portal_id}: stage {stage} failed in run {run_id}: {text}.{hint}"


# A listing that suddenly shows less than this share of what the last good run saw is reported: removed
# documents are rare, a changed pagination or list markup that half-works is not.
LISTING_DROP_RATIO = 0.5
MIN_LISTING_FOR_DROP = 4  # below this a smaller listing is ordinary noise


def listing_shrank(found: int, previously: int | None, limit: int | None = None) -> bool:
    """True when the listing now shows markedly fewer documents than the last successful run did."""
    if not previously or previously < MIN_LISTING_FOR_DROP or (limit and found >= limit):
        return False
    return found < previously * LISTING_DROP_RATIO


def shrank_message(portal_id: str, found: int, previously: int, run_id: str | None) -> str:
    return (
        f"[directives] {portal_id}: the listing shows {found} documents in run {run_id}, the last successful "
        f"run saw {previously}. The portal's markup or pagination may have changed: check it with "
        f"`directives discover {portal_id}`. The run goes on with what was found."
    )


def send_alert(message: str, webhook: str | None = None) -> bool:
    log.error(message)
    webhook = webhook or os.environ.get("DIRECTIVES_ALERT_WEBHOOK")
    if not webhook:
        return False
    try:
        requests.post(webhook, json={"text": message}, timeout=10).raise_for_status()
    except requests.RequestException as exc:
        # An alert channel that is down must not hide the original failure.
        log.error("alert webhook failed: %s", exc)
        return False
    return True


def degraded_message(summary, threshold: float, reasons: list[str]) -> str:
    """A run that finished but left a share of the portal's documents out of the archive."""
    share = (summary.quarantined + summary.failed) / summary.discovered if summary.discovered else 0.0
    listing = (
        f", {len(summary.listing_failures)} listing page(s) unreadable" if summary.listing_failures else ""
    )
    if getattr(summary, "listing_capped", None):
        listing += f", the listing walk stopped at its page cap ({len(summary.listing_capped)} listing(s))"
    return (
        f"[directives] {summary.portal_id}: run {summary.run_id} is DEGRADED: "
        f"{summary.discovered} discovered, "
        f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, {summary.quarantined} "
        f"quarantined, {summary.failed} failed ({share:.0%} not archived, "
        f"threshold {threshold:.0%}){listing}. "
        f"Top reasons: {'; '.join(reasons) or 'none recorded'}. See `directives quarantine --portal "
        f"{summary.portal_id}`."
    )
