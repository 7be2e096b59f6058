"""Writes to the warehouse, Open States style: match on the natural key, never lose a version.

A document is matched on (portal_id, doc_key). The same original as the current version writes nothing; a
different original becomes version max+1 and the previous row stops being current, in one transaction.
On Postgres, writers of one key are serialised with a transaction-scoped advisory lock (the partial unique
index on current rows is the backstop); a DuckDB file has a single writer process.
Every write here is idempotent, so a retried Airflow task leaves the tables as one successful try would.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from warehouse.schema import DOCUMENTS, FETCH_LOG, LISTING_ROWS, RUNS
from warehouse.values import WarehouseError, utc_now

if TYPE_CHECKING:
    from warehouse.db import Warehouse

QUARANTINE_STAGES = ("fetch", "extract", "validate")
RUN_COUNTS = (
    "discovered",
    "new",
    "updated",
    "unchanged",
    "quarantined",
    "failed",
    "warned",
    "quality_warnings",
)
RUN_LISTS = ("quarantine_reasons", "failure_reasons", "listing_failures", "listing_capped")
# How the run walked the listing (pipeline/walk.py): kept as given, null when the run never said.
RUN_WALK = ("walk", "walk_reason", "walk_stop", "walk_pages")
RUN_STATUSES = ("running", "success", "degraded", "failed")
FINAL_STATUSES = ("success", "degraded", "failed")
# Columns the loader owns; a caller's row must not set them.
_LOADER_COLUMNS = ("version", "is_current", "loaded_at")
_REQUIRED = ("portal_id", "doc_key", "original_sha256", "original_key")


class Outcome(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    NOOP = "noop"


class InvalidRow(WarehouseError):
    """A row handed to the loader that cannot be stored as given."""


def _check_document_row(row: Mapping[str, Any]) -> None:
    unknown = sorted(set(row) - set(DOCUMENTS.column_names))
    if unknown:
        raise InvalidRow(f"unknown documents column(s): {', '.join(unknown)}")
    owned = [name for name in _LOADER_COLUMNS if name in row]
    if owned:
        raise InvalidRow(f"{', '.join(owned)} are set by the loader, not by the caller")
    missing = [name for name in _REQUIRED if not row.get(name)]
    if missing:
        raise InvalidRow(
            f"document row without {', '.join(missing)}: {row.get('portal_id')}/{row.get('doc_key')}"
        )


def _insert(wh: Warehouse, table: str, values: Mapping[str, Any]) -> None:
    names = list(values)
    wh.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})",
        wh.encode(table, values),
    )


# --- documents ------------------------------------------------------------------------------------------


def upsert_document(wh: Warehouse, row: Mapping[str, Any]) -> Outcome:
    """Insert version 1; add version max+1 when the original or the parser version changed; do nothing
    when both are the same as the current version's (a re-run, or a reprocess with the same parser)."""
    _check_document_row(row)
    key = {"portal_id": row["portal_id"], "doc_key": row["doc_key"]}
    with wh.transaction():
        wh.lock_key("documents", row["portal_id"], row["doc_key"])
        versions = wh.query(
            "SELECT version, is_current, original_sha256, parser_version FROM documents "
            "WHERE portal_id = :portal_id AND doc_key = :doc_key ORDER BY version",
            key,
        )
        current = [v for v in versions if v["is_current"]]
        if len(current) > 1:
            raise WarehouseError(f"{key}: {len(current)} current versions; the table was edited by hand")
        if (
            current
            and current[0]["original_sha256"] == row["original_sha256"]
            and current[0]["parser_version"] == row.get("parser_version")
        ):
            resolve_quarantine(wh, row["portal_id"], row["doc_key"], row.get("run_id"))
            return Outcome.NOOP
        if current:
            wh.execute(
                "UPDATE documents SET is_current = FALSE "
                "WHERE portal_id = :portal_id AND doc_key = :doc_key AND version = :version",
                {**key, "version": current[0]["version"]},
            )
        version = (versions[-1]["version"] + 1) if versions else 1
        values = {name: row.get(name) for name in DOCUMENTS.column_names if name not in _LOADER_COLUMNS}
        values.update(version=version, is_current=True, loaded_at=utc_now())
        _insert(wh, "documents", values)
        from warehouse.derived import refresh_document  # search index, citations, assignments

        refresh_document(wh, values)
        resolve_quarantine(wh, row["portal_id"], row["doc_key"], row.get("run_id"))
    return Outcome.UPDATE if versions else Outcome.INSERT


# --- quarantine -----------------------------------------------------------------------------------------


def record_quarantine(
    wh: Warehouse,
    *,
    portal_id: str,
    doc_key: str,
    stage: str,
    reasons: list[str],
    original_sha256: str | None = None,
    source_url: str | None = None,
    object_key: str | None = None,
    run_id: str | None = None,
) -> str:
    """One row per (portal_id, doc_key, original_sha256, stage): 'insert' the first time, then 'update'
    (reasons, pointers, run and last_seen refreshed; first_seen kept; a resolved row met again reopens)."""
    if stage not in QUARANTINE_STAGES:
        raise InvalidRow(f"quarantine stage must be one of {QUARANTINE_STAGES}, got {stage!r}")
    if not reasons or not all(isinstance(r, str) and r.strip() for r in reasons):
        raise InvalidRow(f"quarantine of {portal_id}/{doc_key} needs readable reasons, got {reasons!r}")
    now = utc_now()
    values = {
        "portal_id": portal_id,
        "doc_key": doc_key,
        "original_sha256": original_sha256,
        "stage": stage,
        "reasons": list(reasons),
        "source_url": source_url,
        "object_key": object_key,
        "run_id": run_id,
    }
    with wh.transaction():
        wh.lock_key("quarantine", portal_id, doc_key)
        # Update first, matching a NULL digest too (DuckDB's UNIQUE treats NULLs as distinct).
        updated = wh.execute(
            "UPDATE quarantine SET reasons = :reasons, source_url = :source_url, object_key = :object_key, "
            "run_id = :run_id, last_seen = :last_seen, resolved_at = NULL, resolved_by_run = NULL "
            "WHERE portal_id = :portal_id AND doc_key = :doc_key AND stage = :stage "
            "AND original_sha256 IS NOT DISTINCT FROM :original_sha256",
            wh.encode("quarantine", {**values, "last_seen": now}),
        )
        if updated > 0:
            return "update"
        _insert(wh, "quarantine", {**values, "first_seen": now, "last_seen": now})
    return "insert"


def resolve_quarantine(wh: Warehouse, portal_id: str, doc_key: str, run_id: str | None) -> int:
    """The document is in the archive now: its open quarantine rows are resolved (kept as history)."""
    values = {"resolved_at": utc_now(), "resolved_by_run": run_id, "portal_id": portal_id, "doc_key": doc_key}
    return wh.execute(
        "UPDATE quarantine SET resolved_at = :resolved_at, resolved_by_run = :resolved_by_run "
        "WHERE portal_id = :portal_id AND doc_key = :doc_key AND resolved_at IS NULL",
        wh.encode("quarantine", values),
    )


# --- fetch log ------------------------------------------------------------------------------------------


def log_fetch(
    wh: Warehouse,
    *,
    run_id: str,
    portal_id: str,
    url: str,
    status: int | None = None,
    sha256: str | None = None,
    size: int | None = None,
    content_type: str | None = None,
    fetched_at: datetime | str | None = None,
    elapsed_ms: int | None = None,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """Record a fetch; the same (run_id, portal_id, url) again replaces the earlier row (a retried task)."""
    values = {
        "run_id": run_id,
        "portal_id": portal_id,
        "url": url,
        "status": status,
        "sha256": sha256,
        "size": size,
        "content_type": content_type,
        "fetched_at": fetched_at or utc_now(),
        "elapsed_ms": elapsed_ms,
        "error": error,
        "etag": etag,
        "last_modified": last_modified,
    }
    names = list(values)
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in FETCH_LOG.primary_key)
    wh.execute(
        f"INSERT INTO fetch_log ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)}) "
        f"ON CONFLICT ({', '.join(FETCH_LOG.primary_key)}) DO UPDATE SET {updates}",
        wh.encode("fetch_log", values),
    )


def record_listing_rows(wh: Warehouse, portal_id: str, run_id: str, digests: Mapping[str, str]) -> None:
    """What each document's listing row showed, once the run settled the document (one row per document,
    replaced when the row changes)."""
    if not digests:
        return
    now = utc_now()
    updates = ", ".join(
        f"{n} = excluded.{n}" for n in LISTING_ROWS.column_names if n not in LISTING_ROWS.primary_key
    )
    with wh.transaction():
        for doc_key, digest in sorted(digests.items()):
            values = {
                "portal_id": portal_id,
                "doc_key": doc_key,
                "listing_digest": digest,
                "run_id": run_id,
                "seen_at": now,
            }
            placeholders = ", ".join(":" + n for n in values)
            wh.execute(
                f"INSERT INTO listing_rows ({', '.join(values)}) VALUES ({placeholders}) "
                f"ON CONFLICT ({', '.join(LISTING_ROWS.primary_key)}) DO UPDATE SET {updates}",
                wh.encode("listing_rows", values),
            )


# --- runs -----------------------------------------------------------------------------------------------


def start_run(wh: Warehouse, run_id: str, portal_id: str) -> None:
    """Open a run (again, for a retried discovery: the start time is kept, the status reset)."""
    wh.execute(
        "INSERT INTO runs (run_id, portal_id, started_at, status) "
        "VALUES (:run_id, :portal_id, :started_at, 'running') "
        "ON CONFLICT (run_id, portal_id) DO UPDATE SET status = 'running', finished_at = NULL",
        wh.encode("runs", {"run_id": run_id, "portal_id": portal_id, "started_at": utc_now()}),
    )


def finish_run(
    wh: Warehouse,
    run_id: str,
    portal_id: str,
    summary: Mapping[str, Any] | None = None,
    status: str = "success",
) -> None:
    """Close a run with a final status and its counts (keys of RUN_COUNTS, RUN_LISTS, RUN_WALK,
    `reconciliation` and `error`; other keys are ignored)."""
    if status not in FINAL_STATUSES:
        raise InvalidRow(f"a run ends {' | '.join(FINAL_STATUSES)}, got {status!r}")
    summary = summary or {}
    now = utc_now()
    values: dict[str, Any] = {name: int(summary.get(name) or 0) for name in RUN_COUNTS}
    values.update({name: list(summary.get(name) or []) for name in RUN_LISTS})
    values.update({name: summary.get(name) for name in RUN_WALK})
    values.update(
        run_id=run_id,
        portal_id=portal_id,
        started_at=now,
        finished_at=now,
        status=status,
        reconciliation=summary.get("reconciliation"),
        error=summary.get("error"),
    )
    names = list(values)
    keep = {"run_id", "portal_id", "started_at"}  # a run never started through start_run gets now
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in keep)
    wh.execute(
        f"INSERT INTO runs ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)}) "
        f"ON CONFLICT ({', '.join(RUNS.primary_key)}) DO UPDATE SET {updates}",
        wh.encode("runs", values),
    )


def mark_run_failed(wh: Warehouse, run_id: str, portal_id: str, error: BaseException | str | None) -> None:
    """A run that broke ends `failed` with the error, keeping the counts it had (no run stays running)."""
    existing = wh.run(run_id, portal_id) or {}
    if existing.get("status") in FINAL_STATUSES and existing.get("status") != "failed":
        return  # it finished before the failure was reported (a callback after the last task): keep that
    if isinstance(error, BaseException):
        error = f"{type(error).__name__}: {error}"  # the error's name and its message
    summary = {k: existing.get(k) for k in (*RUN_COUNTS, *RUN_LISTS, *RUN_WALK, "reconciliation")}
    finish_run(wh, run_id, portal_id, {**summary, "error": error or "unknown error"}, "failed")


# --- reads ----------------------------------------------------------------------------------------------


def document_versions(wh: Warehouse, portal_id: str, doc_key: str) -> list[dict]:
    return wh.document_versions(portal_id, doc_key)


def current_documents(wh: Warehouse, portal_id: str | None = None) -> list[dict]:
    return wh.current_documents(portal_id)


def summary(wh: Warehouse, run_id: str, portal_id: str | None = None) -> dict[str, Any]:
    """What one run did, from the tables themselves (not from the counts the run reported)."""
    params = {"run_id": run_id, "portal_id": portal_id}
    where = "run_id = :run_id AND (CAST(:portal_id AS VARCHAR) IS NULL OR portal_id = :portal_id)"
    runs = wh.query(f"SELECT * FROM runs WHERE {where} ORDER BY portal_id", params, table="runs")
    counts = wh.query(
        "SELECT count(*) FILTER (WHERE version = 1) AS inserted, "
        "count(*) FILTER (WHERE version > 1) AS updated "
        f"FROM documents WHERE {where}",
        params,
    )[0]
    fetches = wh.query(
        f"SELECT count(*) AS fetches, count(error) AS fetch_errors FROM fetch_log WHERE {where}", params
    )[0]
    quarantined = wh.scalar(f"SELECT count(*) FROM quarantine WHERE {where}", params)
    return {
        "run_id": run_id,
        "runs": runs,
        "versions_inserted": int(counts["inserted"]),
        "versions_updated": int(counts["updated"]),
        "quarantined": int(quarantined),
        "fetches": int(fetches["fetches"]),
        "fetch_errors": int(fetches["fetch_errors"]),
    }


__all__ = [
    "Outcome",
    "InvalidRow",
    "QUARANTINE_STAGES",
    "upsert_document",
    "record_quarantine",
    "resolve_quarantine",
    "mark_run_failed",
    "log_fetch",
    "record_listing_rows",
    "start_run",
    "finish_run",
    "document_versions",
    "current_documents",
    "summary",
]
