"""Keeps the derived tables (search index, citations, assignments) in step with the documents table.

The loader calls `refresh_document` in the transaction that writes a version, so a reader never sees a
document without its index row; `backfill` rebuilds everything from the stored rows (after an extractor
improves, or on a warehouse loaded before these tables existed). Both are idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warehouse.db import Warehouse


def refresh_document(wh: Warehouse, doc: Mapping[str, Any]) -> None:
    """Index a newly written version and store its citations and assignments."""
    from warehouse import links, search

    if doc.get("is_current", True):
        search.index_document(wh, doc)
    links.store_links(wh, doc)


def backfill(wh: Warehouse, portal_id: str | None = None) -> dict[str, int]:
    """Recompute the derived rows of every stored version (of one portal, or all)."""
    from warehouse import links, search

    counts = {"documents": 0, "versions": 0, "citations": 0, "assignments": 0}
    keys = wh.query(
        "SELECT portal_id, doc_key, version, is_current FROM documents "
        "WHERE (CAST(:portal_id AS VARCHAR) IS NULL OR portal_id = :portal_id) "
        "ORDER BY portal_id, doc_key, version",
        {"portal_id": portal_id},
    )
    for key in keys:
        doc = wh.query(
            "SELECT * FROM documents WHERE portal_id = :portal_id AND doc_key = :doc_key "
            "AND version = :version",
            {k: key[k] for k in ("portal_id", "doc_key", "version")},
            table="documents",
        )[0]
        with wh.transaction():
            if doc["is_current"]:
                search.index_document(wh, doc)
                counts["documents"] += 1
            stored = links.store_links(wh, doc)
        counts["versions"] += 1
        counts["citations"] += stored["citations"]
        counts["assignments"] += stored["assignments"]
    return counts
