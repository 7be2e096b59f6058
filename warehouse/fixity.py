"""Fixity: prove that the originals in the object store are still the bytes they are named by.

Originals are content-addressed, so an original's key is its expected SHA-256. An audit re-hashes originals
streaming (one chunk in memory at a time), writes one `fixity_checks` row per object (ok, mismatch,
missing), alerts when anything is not ok and returns a summary. A mismatch is repaired by the next run
that fetches the same bytes from the portal: the pipeline looks up `corrupt_originals` and fetches those
documents in full again; `ObjectStore.put_original` rewrites the object and the run records a `repaired` row.

`--sample N` checks the N originals checked longest ago (never-checked first), so a daily sample rotates
through the whole archive.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from warehouse.db import Warehouse
from warehouse.objectstore import FixityEvent, ObjectNotFound, ObjectStore, original_key

BAD_STATUSES = ("mismatch", "missing")


class FixityMismatch(RuntimeError):
    """An audit found originals whose bytes are not what they are named by (or that are gone)."""


@dataclass
class FixityReport:
    audit_id: str
    portal_id: str | None
    checked: int = 0
    ok: int = 0
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    bytes_read: int = 0
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return not self.mismatched and not self.missing

    def as_dict(self) -> dict:
        return asdict(self)

    def summary_line(self) -> str:
        scope = f"portal {self.portal_id}" if self.portal_id else "whole bucket"
        rate = self.bytes_read / 1e6 / self.seconds if self.seconds else 0.0
        return (
            f"fixity {self.audit_id} ({scope}): {self.checked} originals checked, {self.ok} ok, "
            f"{len(self.mismatched)} mismatched, {len(self.missing)} missing; "
            f"{self.bytes_read / 1e6:.1f} MB in {self.seconds:.1f} s ({rate:.1f} MB/s)"
        )

    def alert_text(self) -> str:
        bad = [f"mismatch {key}" for key in self.mismatched] + [f"missing {key}" for key in self.missing]
        more = f" (+{len(bad) - 10} more)" if len(bad) > 10 else ""
        return (
            f"[directives] fixity audit {self.audit_id}: {len(bad)} original(s) not intact: "
            + "; ".join(bad[:10])
            + more
            + ". The next run that fetches them repairs them; see the fixity_checks table."
        )


def new_audit_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"fixity__{now.strftime('%Y%m%dT%H%M%S')}_{uuid.uuid4().hex[:6]}"


def candidates(store: ObjectStore, warehouse: Warehouse, portal_id: str | None) -> list[tuple[str, str]]:
    """(object key, expected digest): the originals of one portal's documents and quarantine entries, or
    every original in the bucket."""
    if portal_id is None:
        return [(key, sha256) for key, sha256, _ in store.iter_originals()]
    rows = warehouse.query(
        "SELECT original_sha256 AS sha256 FROM documents WHERE portal_id = :portal_id"
        " UNION SELECT original_sha256 AS sha256 FROM quarantine WHERE portal_id = :portal_id"
        " AND original_sha256 IS NOT NULL",
        {"portal_id": portal_id},
    )
    return sorted((original_key(row["sha256"]), row["sha256"]) for row in rows if row["sha256"])


def oldest_checked_first(warehouse: Warehouse, items: list[tuple[str, str]], sample: int) -> list:
    last = {
        row["object_key"]: row["last"]
        for row in warehouse.query(
            "SELECT object_key, max(checked_at) AS last FROM fixity_checks GROUP BY object_key"
        )
    }
    never = datetime.min
    return sorted(items, key=lambda item: (_naive(last.get(item[0])) or never, item[0]))[:sample]


def _naive(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=None) if isinstance(value, datetime) and value.tzinfo else value


def record_check(
    warehouse: Warehouse,
    audit_id: str,
    key: str,
    expected: str,
    found: str | None,
    size: int | None,
    status: str,
    portal_id: str | None = None,
) -> None:
    """One fixity_checks row; a retried audit replaces its own row (same audit id and object)."""
    row = warehouse.encode(
        "fixity_checks",
        {
            "audit_id": audit_id,
            "object_key": key,
            "expected_sha256": expected,
            "found_sha256": found,
            "size": size,
            "portal_id": portal_id,
            "checked_at": datetime.now(UTC),
            "status": status,
        },
    )
    with warehouse.transaction():
        warehouse.execute(
            "DELETE FROM fixity_checks WHERE audit_id = :audit_id AND object_key = :object_key",
            {"audit_id": audit_id, "object_key": key},
        )
        warehouse.execute(
            "INSERT INTO fixity_checks (audit_id, object_key, expected_sha256, found_sha256, size, portal_id,"
            " checked_at, status) VALUES (:audit_id, :object_key, :expected_sha256, :found_sha256, :size,"
            " :portal_id, :checked_at, :status)",
            row,
        )


def record_event(warehouse: Warehouse, run_id: str, portal_id: str, event: FixityEvent) -> None:
    """A run's repair of a corrupt original (ObjectStore.put_original's fixity event)."""
    record_check(
        warehouse, run_id, event.key, event.expected, event.found, event.size, event.status, portal_id
    )


def corrupt_originals(warehouse: Warehouse) -> set[str]:
    """Digests of originals whose latest fixity check found them corrupt or missing (not yet repaired)."""
    rows = warehouse.query(
        "SELECT f.expected_sha256 AS sha256 FROM fixity_checks f"
        " WHERE f.status IN ('mismatch', 'missing') AND NOT EXISTS ("
        "  SELECT 1 FROM fixity_checks g WHERE g.object_key = f.object_key"
        "  AND g.checked_at > f.checked_at AND g.status IN ('ok', 'repaired'))"
    )
    return {row["sha256"] for row in rows}


def audit(
    store: ObjectStore,
    warehouse: Warehouse,
    portal_id: str | None = None,
    sample: int | None = None,
    audit_id: str | None = None,
    alert: bool = True,
) -> FixityReport:
    """Re-hash originals (all of the scope, or a sample of the longest unchecked); one row per object."""
    report = FixityReport(audit_id or new_audit_id(), portal_id)
    items = candidates(store, warehouse, portal_id)
    if sample is not None:
        items = oldest_checked_first(warehouse, items, sample)
    started = time.monotonic()
    for key, expected in items:
        try:
            found, size = store.stream_digest(key)
            status = "ok" if found == expected else "mismatch"
        except ObjectNotFound:
            found, size, status = None, None, "missing"
        record_check(warehouse, report.audit_id, key, expected, found, size, status, portal_id)
        report.checked += 1
        report.bytes_read += size or 0
        if status == "ok":
            report.ok += 1
        elif status == "mismatch":
            report.mismatched.append(key)
        else:
            report.missing.append(key)
    report.seconds = time.monotonic() - started
    if alert and not report.clean:
        from pipeline.alerts import send_alert

        send_alert(report.alert_text())
    return report
