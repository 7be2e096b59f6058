"""From a fetched original to the record and the warehouse row.

The record merges two witnesses, the file's text and the portal's metadata, by the rule of
pipeline/merge.py; `field_sources` says where each value came from and every fill or disagreement is a
warning.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from parsers.fields import RECORD_FIELDS
from pipeline.merge import merge_witnesses
from scrapers.models import DocumentRef
from scrapers.registry import Portal


def build_record(
    portal: Portal, ref: DocumentRef, primary: dict, data: bytes, fetch_warnings: list[str] | None = None
) -> dict[str, Any]:
    """Parse the primary original and merge it with the portal's metadata; raises
    parsers.errors.ExtractionError when it cannot be read."""
    from parsers.record import parse_bytes

    parsed = parse_bytes(data, filename=primary.get("filename"), content_type=primary.get("content_type"))
    record = parsed.to_dict()
    record["warnings"] = [*(fetch_warnings or []), *record["warnings"]]
    return merge_witnesses(record, dict(ref.listed))


def warehouse_row(
    portal: Portal,
    run_id: str,
    ref: DocumentRef,
    primary: dict,
    record: dict[str, Any],
    record_key: str,
    text_key: str,
    fetched_at: datetime | None,
) -> dict[str, Any]:
    row = {name: record.get(name) for name in RECORD_COLUMNS}
    row.update(
        portal_id=portal.id,
        doc_key=ref.doc_key,
        original_sha256=primary["sha256"],
        original_key=primary["key"],
        source_url=primary["url"],
        fetched_at=fetched_at,
        content_type=primary.get("content_type"),
        portal_metadata=dict(ref.listed, title=ref.title, detail_url=ref.detail_url),
        record_key=record_key,
        text_key=text_key,
        province_name=portal.province_name,
        province_code=portal.province_code,
        province_merged_into=portal.province_merged_into,
        run_id=run_id,
    )
    return row


RECORD_COLUMNS = RECORD_FIELDS  # every field of the record is a documents column (warehouse/schema.py)
