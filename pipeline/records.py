"""From a fetched original to the record and the warehouse row.

The record merges two witnesses, the file's text and the portal's metadata, by the rule of
pipeline/merge.py; `field_sources` says where each value came from and every fill or disagreement is a
warning.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from parsers.fields import RECORD_FIELDS
from pipeline.merge import merge_witnesses
from scrapers.models import DocumentRef
from scrapers.registry import Portal
from warehouse.keys import parsed_key
from warehouse.objectstore import ObjectNotFound, ObjectStore


def build_record(
    portal: Portal, ref: DocumentRef, parsed: dict[str, Any], fetch_warnings: list[str] | None = None
) -> dict[str, Any]:
    """The parser's record of the primary original (parsed_original) merged with the portal's metadata."""
    record = dict(parsed)
    record["warnings"] = [*(fetch_warnings or []), *record["warnings"]]
    return merge_witnesses(record, dict(ref.listed))


def parsed_original(store: ObjectStore, primary: dict, data: bytes) -> tuple[dict[str, Any], bool]:
    """(the parser's record of an original, whether it was read back from the store).

    Parsing is a function of the bytes, the parser version, the format the name and content type claim
    (a claim the bytes belie is an error) and the limits; the record of a parse is kept under all four
    (warehouse.keys.parsed_key), so the same bytes posted again (a re-post, a second entry linking the
    same file, a chunk retried) are not converted or OCRed again.  Failures are not kept: a timeout may
    pass.  Raises parsers.errors.ExtractionError when the file cannot be read."""
    from parsers import record as parser
    from parsers.limits import Limits
    from parsers.sniff import claimed_kinds

    filename, content_type = primary.get("filename"), primary.get("content_type")
    limits = Limits()
    claim = "+".join(sorted(claimed_kinds(filename, content_type))) or "none"
    # the version parse_bytes stamps on the record
    limits_digest = hashlib.sha256(repr(limits).encode()).hexdigest()[:12]
    key = parsed_key(primary["sha256"], parser.PARSER_VERSION, claim, limits_digest)
    try:
        return store.get_json(key), True
    except ObjectNotFound:
        pass
    record = parser.parse_bytes(data, filename=filename, content_type=content_type, limits=limits).to_dict()
    store.put_json(key, record)
    return record, False


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
