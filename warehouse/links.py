"""Stores a document version's citations and assignments (parsers/citations.py, parsers/assignments.py).

Rows are replaced per version, so recomputing (the loader's hook, `directives backfill-links`) is
idempotent. Links to the cited documents are resolved at query time by the `citation_links` view: a
document archived after the one that cites it is linked as soon as it is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warehouse.db import Warehouse

_KEY = ("portal_id", "doc_key", "version")


def _text(doc: Mapping[str, Any]) -> str:
    return doc.get("text") or doc.get("body") or ""


def citation_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    from parsers.citations import extract_citations

    key = {k: doc[k] for k in _KEY}
    return [
        {**key, "ordinal": i, **c.to_dict()}
        for i, c in enumerate(extract_citations(_text(doc), own_number=doc.get("number")))
    ]


def assignment_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    from parsers.assignments import ASSIGNING_TYPES, extract_assignments

    if doc.get("doc_type") not in ASSIGNING_TYPES:
        return []
    key = {k: doc[k] for k in _KEY}
    return [{**key, "ordinal": i, **a.to_dict()} for i, a in enumerate(extract_assignments(_text(doc)))]


def _replace(wh: Warehouse, table: str, doc: Mapping[str, Any], rows: list[dict[str, Any]]) -> None:
    wh.execute(
        f"DELETE FROM {table} WHERE portal_id = :portal_id AND doc_key = :doc_key AND version = :version",
        {k: doc[k] for k in _KEY},
    )
    for row in rows:
        names = list(row)
        wh.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})",
            wh.encode(table, row),
        )


def store_links(wh: Warehouse, doc: Mapping[str, Any]) -> dict[str, int]:
    citations, assignments = citation_rows(doc), assignment_rows(doc)
    _replace(wh, "citations", doc, citations)
    _replace(wh, "assignments", doc, assignments)
    return {"citations": len(citations), "assignments": len(assignments)}


def citations_of(wh: Warehouse, portal_id: str, doc_key: str, version: int) -> list[dict]:
    """What a version cites, with the archived document each citation links to (when there is one)."""
    return wh.query(
        "SELECT * FROM citation_links WHERE portal_id = :portal_id AND doc_key = :doc_key "
        "AND version = :version ORDER BY ordinal, cited_portal_id",
        {"portal_id": portal_id, "doc_key": doc_key, "version": version},
    )


def cited_by(wh: Warehouse, portal_id: str, doc_key: str) -> list[dict]:
    """Current documents whose text cites this document (each once, with its first citing sentence)."""
    rows = wh.query(
        "SELECT l.portal_id, l.doc_key, l.version, l.cited_number, l.sentence, d.number, d.subject, "
        "d.issued_date FROM citation_links l JOIN documents d ON d.portal_id = l.portal_id "
        "AND d.doc_key = l.doc_key AND d.version = l.version "
        "WHERE d.is_current AND l.cited_portal_id = :portal_id AND l.cited_doc_key = :doc_key "
        "ORDER BY d.issued_date DESC NULLS LAST, l.portal_id, l.doc_key, l.ordinal",
        {"portal_id": portal_id, "doc_key": doc_key},
    )
    seen, unique = set(), []
    for row in rows:
        if (row["portal_id"], row["doc_key"]) not in seen:
            seen.add((row["portal_id"], row["doc_key"]))
            unique.append(row)
    return unique


def assignments_of(wh: Warehouse, portal_id: str, doc_key: str, version: int) -> list[dict]:
    return wh.query(
        "SELECT * FROM assignments WHERE portal_id = :portal_id AND doc_key = :doc_key "
        "AND version = :version ORDER BY ordinal",
        {"portal_id": portal_id, "doc_key": doc_key, "version": version},
        table="assignments",
    )
