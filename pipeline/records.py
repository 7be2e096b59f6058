"""From a fetched original to the record and the warehouse row.

The document's own text is the authority; what the portal lists only fills fields the document does not
show (scans with unreadable headers, HTML articles without a header), and every such fill or disagreement
is written into the record's warnings so an analyst can see where a value came from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from parsers.metadata import FIELD_NAMES
from scrapers.models import DocumentRef
from scrapers.registry import Portal

# Fields a portal's listing may supply, by the name adapters use in DocumentRef.listed.
_LISTED_FALLBACKS = {
    "number": "number",
    "issued_date": "issued_date",
    "subject": "subject",
    "issuer": "issuer",
    "signer_name": "signer",
}


def merge_listed(record: dict[str, Any], listed: dict[str, Any]) -> dict[str, Any]:
    merged = dict(record)
    warnings = list(merged.get("warnings") or [])
    for field, listed_key in _LISTED_FALLBACKS.items():
        listed_value = listed.get(listed_key)
        if not listed_value:
            continue
        own = merged.get(field)
        if own in (None, "", []):
            merged[field] = listed_value
            warnings.append(
                f"{field} taken from the portal listing ({listed_value!r}); the document does not show it"
            )
        elif field in ("number", "issued_date") and str(own) != str(listed_value):
            warnings.append(f"portal lists {field} {listed_value!r}, the document shows {own!r}")
    merged["warnings"] = warnings
    return merged


def build_record(portal: Portal, ref: DocumentRef, primary: dict, data: bytes) -> dict[str, Any]:
    """Parse the primary original; raises parsers.errors.ExtractionError when it cannot be read."""
    from parsers.record import parse_bytes

    parsed = parse_bytes(data, filename=primary.get("filename"), content_type=primary.get("content_type"))
    return merge_listed(parsed.to_dict(), dict(ref.listed))


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


# issued_month and signing_chain have no warehouse column yet (the record definition's owner adds them)
_NOT_STORED = ("issued_month", "signing_chain")
RECORD_COLUMNS = (
    *(n for n in FIELD_NAMES if n not in _NOT_STORED),
    "body",
    "text",
    "pages",
    "page_sources",
    "ocr_confidence",
    "warnings",
)
