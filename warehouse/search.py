"""Full-text search of the archive: one query layer for `directives search` and the web page.

A query matches a current document when every folded token of the query (parsers.normalize.fold_vietnamese:
no tones, no marks, đ -> d, no punctuation) occurs among the folded tokens of its number, type, subject,
issuer, signer, recipients and body. Relevance is a small integer both backends compute identically:
+8 when the query is the document's number, +4 when the query's accented tokens all occur too (so "Đảng"
ranks a text with "Đảng" above one with only "đang"), +2 when every token occurs in the number, type or
subject. Ties, and `sort=date`, order by issue date (newest first), then portal and key.

PostgreSQL evaluates the matches on GIN-indexed tsvectors (warehouse/search_schema.py); DuckDB on the
project's folded columns. The snippets are cut here, in Python, the same way for both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parsers.normalize import accent_tokens, fold_lower, fold_vietnamese
from warehouse.db import Warehouse, as_date
from warehouse.schema import POSTGRES

MAX_LIMIT = 200
MAX_QUERY_CHARS = 500
MAX_TOKENS = 32
# Beyond this a document's text is indexed up to here only: a tsvector is limited to 1 MB.
MAX_INDEXED_CHARS = 400_000
SORTS = ("relevance", "date")
FAMILIES = ("party", "state")
SNIPPET_CHARS = 240
SNIPPET_SCAN_CHARS = 50_000  # the snippet comes from the first match within this much of the text

SCORE_NUMBER, SCORE_ACCENTED, SCORE_HEAD = 8, 4, 2


class SearchError(ValueError):
    """A search request that cannot be run as given; the message says which argument and why."""


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    portal: str | None = None
    province: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    signer: str | None = None
    date_from: date | str | None = None
    date_to: date | str | None = None
    family: str | None = None
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0


@dataclass
class SearchResults:
    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)


# --- the index ------------------------------------------------------------------------------------------


def _join(*parts: Any) -> str:
    out = []
    for part in parts:
        if isinstance(part, list | tuple):
            out.extend(str(p) for p in part if p)
        elif part:
            out.append(str(part))
    return "\n".join(out)


def index_row(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The search_index row of one document version (a documents row, read by column name)."""
    head = _join(doc.get("number"), doc.get("doc_type"), doc.get("doc_type_name"), doc.get("subject"))
    body = doc.get("body") or doc.get("text") or ""
    content = _join(
        head,
        doc.get("issuer_parent"),
        doc.get("issuer"),
        doc.get("signer_title"),
        doc.get("signer_name"),
        doc.get("recipients") if isinstance(doc.get("recipients"), list) else None,
        body[:MAX_INDEXED_CHARS],
    )
    return {
        "portal_id": doc["portal_id"],
        "doc_key": doc["doc_key"],
        "version": doc["version"],
        "content": content,
        "head": head,
        # Padded with a space at each end, so a whole-word match is contains(column, ' word ').
        "folded": f" {fold_vietnamese(content)} ",
        "head_folded": f" {fold_vietnamese(head)} ",
        "accented": f" {' '.join(accent_tokens(content))} ",
        "number_folded": fold_vietnamese(doc.get("number") or ""),
        "type_folded": fold_vietnamese(_join(doc.get("doc_type"), doc.get("doc_type_name"))),
        "issuer_folded": fold_vietnamese(_join(doc.get("issuer_parent"), doc.get("issuer"))),
        "signer_folded": fold_vietnamese(doc.get("signer_name") or ""),
        "province_folded": fold_vietnamese(_join(doc.get("province_name"), doc.get("province_merged_into"))),
    }


def index_document(wh: Warehouse, doc: Mapping[str, Any]) -> None:
    """Replace the document's index row by this (current) version's."""
    row = index_row(doc)
    key = {"portal_id": row["portal_id"], "doc_key": row["doc_key"]}
    wh.execute("DELETE FROM search_index WHERE portal_id = :portal_id AND doc_key = :doc_key", key)
    names = list(row)
    wh.execute(
        f"INSERT INTO search_index ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})", row
    )


# --- validation -----------------------------------------------------------------------------------------


def known_portals(wh: Warehouse, registry_ids: Iterable[str] = ()) -> set[str]:
    rows = wh.query("SELECT DISTINCT portal_id FROM documents UNION SELECT DISTINCT portal_id FROM runs")
    return {r["portal_id"] for r in rows} | set(registry_ids)


def _known_provinces(wh: Warehouse) -> dict[str, str]:
    rows = wh.query(
        "SELECT DISTINCT province_name AS name FROM documents WHERE province_name IS NOT NULL UNION "
        "SELECT DISTINCT province_merged_into FROM documents WHERE province_merged_into IS NOT NULL"
    )
    return {fold_vietnamese(r["name"]): r["name"] for r in rows}


def _date_arg(name: str, value: date | str | None) -> date | None:
    try:
        return as_date(value)
    except Exception as exc:
        raise SearchError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from exc


def validate(wh: Warehouse, q: SearchQuery, registry_ids: Iterable[str] = ()) -> SearchQuery:
    """Check every argument and say which is wrong; returns the query with dates parsed."""
    if not isinstance(q.limit, int) or not 1 <= q.limit <= MAX_LIMIT:
        raise SearchError(f"limit must be between 1 and {MAX_LIMIT}, got {q.limit!r}")
    if not isinstance(q.offset, int) or q.offset < 0:
        raise SearchError(f"offset must be 0 or more, got {q.offset!r}")
    if q.sort not in SORTS:
        raise SearchError(f"sort must be one of {', '.join(SORTS)}, got {q.sort!r}")
    if q.family is not None and q.family not in FAMILIES:
        raise SearchError(f"family must be one of {', '.join(FAMILIES)}, got {q.family!r}")
    if len(q.text or "") > MAX_QUERY_CHARS:
        raise SearchError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    tokens = fold_vietnamese(q.text or "").split()
    if len(tokens) > MAX_TOKENS:
        raise SearchError(f"the query has {len(tokens)} words; at most {MAX_TOKENS} are searched")
    filters = (q.portal, q.province, q.doc_type, q.issuer, q.signer, q.date_from, q.date_to, q.family)
    if not tokens and not any(filters):
        if (q.text or "").strip():
            raise SearchError(f"the query {q.text!r} has no letter or digit to search for")
        raise SearchError("give words to search for, or at least one filter")
    for name in ("province", "doc_type", "issuer", "signer"):
        value = getattr(q, name)
        if value is not None and not fold_vietnamese(value):
            raise SearchError(f"{name} {value!r} has no letter or digit to match")
    date_from, date_to = _date_arg("date_from", q.date_from), _date_arg("date_to", q.date_to)
    if date_from and date_to and date_from > date_to:
        raise SearchError(f"date_from {date_from} is after date_to {date_to}")
    if q.portal is not None:
        portals = known_portals(wh, registry_ids)
        if q.portal not in portals:
            known = ", ".join(sorted(portals)) or "none yet"
            raise SearchError(f"unknown portal {q.portal!r} (known portals: {known})")
    if q.province is not None:
        provinces = _known_provinces(wh)
        if fold_vietnamese(q.province) not in provinces:
            known = ", ".join(sorted(provinces.values())) or "none yet"
            raise SearchError(f"no archived document is from province {q.province!r} (provinces: {known})")
    return SearchQuery(**{**q.__dict__, "date_from": date_from, "date_to": date_to})


# --- the query ------------------------------------------------------------------------------------------


def _phrase_like(column: str, value: str, name: str, params: dict, whole_words: bool) -> str:
    folded = fold_vietnamese(value)
    if whole_words:
        params[name] = f"% {folded} %"
        return f"(' ' || coalesce({column}, '') || ' ') LIKE :{name}"
    params[name] = f"%{folded}%"
    return f"coalesce({column}, '') LIKE :{name}"


def _contains_all(column: str, tokens: Sequence[str], prefix: str, params: dict) -> str:
    """DuckDB: every token is a whole word of the column (stored with a space at each end)."""
    parts = []
    for i, token in enumerate(tokens):
        params[f"{prefix}{i}"] = f" {token} "
        parts.append(f"contains({column}, :{prefix}{i})")
    return "(" + " AND ".join(parts) + ")"


def _match_sql(dialect: str, tokens: list[str], accents: list[str], params: dict) -> tuple[str, str, str]:
    """(extra FROM clause, the WHERE condition that a document matches, the relevance expression).

    PostgreSQL: the GIN-indexed tsvectors. DuckDB: whole-word `contains` on the folded columns (measured
    faster there than an inverted term table with a GROUP BY, see benchmarks/search_latency.py)."""
    tokens, accents = sorted(set(tokens)), sorted(set(accents))
    params["number_query"] = " ".join(fold_vietnamese(" ".join(tokens)).split())
    number = f"CASE WHEN s.number_folded = :number_query THEN {SCORE_NUMBER} ELSE 0 END"
    if dialect == POSTGRES:
        params["fq"] = " & ".join(tokens)
        params["aq"] = " & ".join(accents) if accents else ""
        join, match = "", "s.folded_tsv @@ to_tsquery('simple', :fq)"
        # The head match as a set from its GIN index (a hashed sub-plan: few documents match there); the
        # accented one per matched row (as a set it is slow for common accented words, see the benchmark).
        accented = "s.accented_tsv @@ to_tsquery('simple', :aq)" if accents else "FALSE"
        head = (
            "(s.portal_id, s.doc_key) IN (SELECT portal_id, doc_key FROM search_index "
            "WHERE head_tsv @@ to_tsquery('simple', :fq))"
        )
    else:
        join = ""
        match = _contains_all("s.folded", tokens, "t", params)
        accented = _contains_all("s.accented", accents, "a", params) if accents else "FALSE"
        head = _contains_all("s.head_folded", tokens, "h", params)
    score = (
        f"({number} + CASE WHEN {accented} THEN {SCORE_ACCENTED} ELSE 0 END"
        f" + CASE WHEN {head} THEN {SCORE_HEAD} ELSE 0 END)"
    )
    return join, match, score


_HIT_COLUMNS = (
    "portal_id",
    "doc_key",
    "version",
    "family",
    "doc_type",
    "doc_type_name",
    "number",
    "issuer",
    "issued_date",
    "subject",
    "signer_name",
    "province_name",
    "province_merged_into",
    "source_url",
)


def search(wh: Warehouse, query: SearchQuery, registry_ids: Iterable[str] = ()) -> SearchResults:
    q = validate(wh, query, registry_ids)
    tokens = fold_vietnamese(q.text or "").split()
    accents = accent_tokens(q.text or "")
    params: dict[str, Any] = {}
    where = ["d.is_current"]
    join, score = "", "0"
    if tokens:
        join, match, score = _match_sql(wh.dialect, tokens, accents, params)
        where.append(match)
    if q.portal:
        params["portal"] = q.portal
        where.append("d.portal_id = :portal")
    if q.family:
        params["family"] = q.family
        where.append("d.family = :family")
    if q.date_from:
        params["date_from"] = q.date_from
        where.append("d.issued_date >= :date_from")
    if q.date_to:
        params["date_to"] = q.date_to
        where.append("d.issued_date <= :date_to")
    if q.province:
        where.append(_phrase_like("s.province_folded", q.province, "province", params, True))
    if q.doc_type:
        where.append(_phrase_like("s.type_folded", q.doc_type, "doc_type", params, True))
    if q.issuer:
        where.append(_phrase_like("s.issuer_folded", q.issuer, "issuer", params, False))
    if q.signer:
        where.append(_phrase_like("s.signer_folded", q.signer, "signer", params, False))
    source = (
        f"FROM search_index s {join}JOIN documents d ON d.portal_id = s.portal_id "
        f"AND d.doc_key = s.doc_key AND d.version = s.version WHERE {' AND '.join(where)}"
    )
    order = "d.issued_date DESC NULLS LAST, d.portal_id, d.doc_key"
    if q.sort == "relevance":
        order = f"score DESC, {order}"
    # Step 1, the ranked keys and the total in one pass; step 2, the shown rows with their text.
    ranked_sql = (
        f"SELECT d.portal_id, d.doc_key, d.version, {score} AS score, count(*) OVER () AS total "
        f"{source} ORDER BY {order} LIMIT :limit OFFSET :offset"
    )
    ranked = wh.query(ranked_sql, _used(ranked_sql, {**params, "limit": q.limit, "offset": q.offset}))
    if ranked:
        total = int(ranked[0]["total"])
    else:
        count_sql = f"SELECT count(*) {source}"
        total = int(wh.scalar(count_sql, _used(count_sql, params)) or 0)
    hits = _rows_of(wh, ranked)
    for rank, hit in zip(ranked, hits, strict=True):
        hit["score"] = int(rank["score"])
        hit["snippet"] = snippet(hit.pop("snippet_source") or hit.get("subject") or "", tokens)
    return SearchResults(total=total, hits=hits, tokens=tokens)


def _rows_of(wh: Warehouse, ranked: list[dict]) -> list[dict]:
    """The shown rows, joined on the ranked keys (a VALUES list: both databases plan it as a join)."""
    if not ranked:
        return []
    params, values = {}, []
    for i, r in enumerate(ranked):
        params.update({f"p{i}": r["portal_id"], f"k{i}": r["doc_key"], f"v{i}": int(r["version"])})
        values.append(f"(:p{i}, :k{i}, CAST(:v{i} AS INTEGER))")
    columns = ", ".join(f"d.{c}" for c in _HIT_COLUMNS)
    rows = wh.query(
        f"SELECT {columns}, coalesce(d.body, d.text) AS snippet_source FROM documents d "
        f"JOIN (VALUES {', '.join(values)}) AS k(portal_id, doc_key, version) "
        "ON d.portal_id = k.portal_id AND d.doc_key = k.doc_key AND d.version = k.version",
        params,
    )
    by_key = {(r["portal_id"], r["doc_key"], r["version"]): r for r in rows}
    return [by_key[(r["portal_id"], r["doc_key"], r["version"])] for r in ranked]


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters the statement names (DuckDB refuses extra ones)."""
    return {k: v for k, v in params.items() if re.search(rf":{k}\b", sql)}


# --- snippets -------------------------------------------------------------------------------------------


def snippet(text: str, tokens: Sequence[str], width: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """A window of the text around the first match, as (piece, is_match) pieces; highlighting is the
    caller's (HTML <mark> on the page, bold in a terminal)."""
    text = re.sub(r"\s+", " ", text[:SNIPPET_SCAN_CHARS]).strip()
    if not text:
        return []
    folded = fold_lower(text)
    spans = []
    for token in set(tokens):
        spans += [m.span() for m in re.finditer(rf"(?<![a-z0-9]){re.escape(token)}(?![a-z0-9])", folded)]
    spans.sort()
    start = max(0, spans[0][0] - width // 3) if spans else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    pieces: list[tuple[str, bool]] = [("… ", False)] if start else []
    cursor = start
    for a, b in spans:
        if a < cursor or b > end:
            continue
        if a > cursor:
            pieces.append((text[cursor:a], False))
        pieces.append((text[a:b], True))
        cursor = b
    pieces.append((text[cursor:end], False))
    if end < len(text):
        pieces.append((" …", False))
    return [p for p in pieces if p[0]]
