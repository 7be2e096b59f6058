"""Tables derived from the documents: the search index, the citations and the assignments, and the views.

They are rebuilt from `documents` at any time (`directives backfill-links`), so they hold nothing that is
not in the documents table already; the loader refreshes them for every version it writes. Kept apart from
warehouse/schema.py (the primary tables) so the two evolve separately; both are rendered by the same DSL.

Search on PostgreSQL uses its own full-text machinery (generated tsvector columns with GIN indexes, an
IMMUTABLE wrapper around `unaccent` so it can be used in them, pg_trgm indexes for numbers and names); on
DuckDB, which cannot load its fts extension offline, the same tokens are matched in the folded columns the
project computes (parsers.normalize.fold_vietnamese). Both give the same matches and the same order.
"""

from __future__ import annotations

from warehouse.schema import DUCKDB, POSTGRES, C, Table, comment_statements, create_statements

SEARCH_INDEX = Table(
    name="search_index",
    comment="One row per current document: its searchable text, folded (accent-, case- and punctuation-"
    "insensitive) and accented (tone-placement-insensitive), maintained by the loader.",
    columns=(
        C("portal_id", "text", "Registry id of the portal.", False),
        C("doc_key", "text", "The portal's key for the document.", False),
        C("version", "int", "The indexed (current) version.", False),
        C(
            "content",
            "text",
            "Number, type code and name, subject, issuer, signer, recipients and body, NFC.",
        ),
        C("head", "text", "Number, type code and name and subject: matches here rank higher."),
        C("folded", "text", "fold_vietnamese(content), a space at each end: ' dang uy phong chong ... '."),
        C("head_folded", "text", "fold_vietnamese(head), a space at each end."),
        C("accented", "text", "accent_tokens(content) joined by spaces, one at each end ('đang3' = Đảng)."),
        C("number_folded", "text", "fold_vietnamese(number): '15 ct ttg'."),
        C("type_folded", "text", "fold_vietnamese of the type code and the type name: 'ct chi thi'."),
        C("issuer_folded", "text", "fold_vietnamese(issuer_parent + issuer)."),
        C("signer_folded", "text", "fold_vietnamese(signer_name)."),
        C("province_folded", "text", "fold_vietnamese(province_name + province_merged_into)."),
    ),
    primary_key=("portal_id", "doc_key"),
)

CITATIONS = Table(
    name="citations",
    comment="Every reference a document's text makes to another numbered document (parsers/citations.py).",
    columns=(
        C("portal_id", "text", "Portal of the citing document.", False),
        C("doc_key", "text", "Key of the citing document.", False),
        C("version", "int", "Version of the citing document.", False),
        C("ordinal", "int", "Position of the reference in the citing text (0, 1, ...).", False),
        C("cited_number", "text", "Number-symbol as written, e.g. 15/CT-TTg, 125-KL/TU.", False),
        C("cited_number_key", "text", "fold_vietnamese(cited_number), the join key to documents.", False),
        C("cited_type", "text", "Type code (CT, KL, NQ, QĐ, Luật...), from the symbol or the type name."),
        C("cited_type_name", "text", "The type as written before the number (Chỉ thị, Kết luận...)."),
        C("cited_date", "date", "The date written with the reference, if any."),
        C("cited_year", "int", "Year of the cited document: from its date or its number (15/2012/QH13)."),
        C("cited_issuer", "text", "Issuer as written after 'của', if any."),
        C("sentence", "text", "The sentence that contains the reference."),
        C("char_start", "int", "Offset of the reference in the document's text."),
    ),
    primary_key=("portal_id", "doc_key", "version", "ordinal"),
    indexes=(("cited_number_key",),),
)

ASSIGNMENTS = Table(
    name="assignments",
    comment="Who a directive, conclusion or plan tasks, with what and by when (parsers/assignments.py).",
    columns=(
        C("portal_id", "text", "Portal of the document.", False),
        C("doc_key", "text", "Key of the document.", False),
        C("version", "int", "Version of the document.", False),
        C("ordinal", "int", "Position of the assignment in the text (0, 1, ...).", False),
        C("assignee", "text", "The body tasked, as written (Ban cán sự đảng UBND tỉnh, Sở Y tế...).", False),
        C("partners", "text", "Bodies to coordinate with ('phối hợp với ...'), as written."),
        C("cue", "text", "The phrase that makes it a task: giao, đề nghị, chủ trì, tập trung lãnh đạo..."),
        C("task", "text", "The task sentence.", False),
        C("deadline_text", "text", "The deadline as written: trước ngày 5/6/2021, trong quý III/2021..."),
        C("deadline_date", "date", "The deadline as a date when it names one (the end of a quarter/month)."),
        C("recurrence", "text", "hằng tháng, hằng quý, định kỳ 6 tháng... for recurring tasks."),
        C("char_start", "int", "Offset of the task sentence in the document's text."),
    ),
    primary_key=("portal_id", "doc_key", "version", "ordinal"),
    indexes=(("assignee",),),
)

DERIVED_TABLES: tuple[Table, ...] = (SEARCH_INDEX, CITATIONS, ASSIGNMENTS)

# The SQL twin of parsers.normalize.fold_vietnamese; IMMUTABLE so generated columns and indexes may use it
# (unaccent itself is only STABLE because its dictionary could change). A test checks both agree.
_PG_FUNCTIONS = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE OR REPLACE FUNCTION directives_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent', $1) $$",
    "CREATE OR REPLACE FUNCTION directives_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "STRICT AS $$ SELECT btrim(regexp_replace(lower(directives_unaccent(normalize($1, NFC))), "
    "'[^a-z0-9]+', ' ', 'g')) $$",
)

_PG_SEARCH = (
    "ALTER TABLE search_index ADD COLUMN IF NOT EXISTS folded_tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple', coalesce(directives_fold(content), ''))) STORED",
    "ALTER TABLE search_index ADD COLUMN IF NOT EXISTS head_tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple', coalesce(directives_fold(head), ''))) STORED",
    "ALTER TABLE search_index ADD COLUMN IF NOT EXISTS accented_tsv tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple', coalesce(accented, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS search_index_folded_tsv_idx ON search_index USING gin (folded_tsv)",
    "CREATE INDEX IF NOT EXISTS search_index_accented_tsv_idx ON search_index USING gin (accented_tsv)",
    "CREATE INDEX IF NOT EXISTS search_index_head_tsv_idx ON search_index USING gin (head_tsv)",
    "CREATE INDEX IF NOT EXISTS search_index_number_trgm_idx ON search_index "
    "USING gin (number_folded gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_index_signer_trgm_idx ON search_index "
    "USING gin (signer_folded gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS search_index_issuer_trgm_idx ON search_index "
    "USING gin (issuer_folded gin_trgm_ops)",
)


def _recipients_view(dialect: str) -> str:
    if dialect == POSTGRES:
        each = (
            "CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(d.recipients, '[]'::jsonb)) "
            "WITH ORDINALITY AS r(recipient, position)"
        )
        return (
            "CREATE VIEW document_recipients AS SELECT d.portal_id, d.doc_key, d.version, "
            f"r.position::int AS position, r.recipient FROM documents d {each} WHERE d.is_current"
        )
    return (
        "CREATE VIEW document_recipients AS SELECT portal_id, doc_key, version, "
        "CAST(generate_subscripts(items, 1) AS INTEGER) AS position, unnest(items) AS recipient FROM "
        "(SELECT portal_id, doc_key, version, CAST(coalesce(recipients, '[]') AS VARCHAR[]) AS items "
        "FROM documents WHERE is_current) d"
    )


def _year(dialect: str, column: str) -> str:
    return f"CAST(extract(year FROM {column}) AS INTEGER)"


# Per portal: current documents, documents in open quarantine, the latest run (any status) and the last
# success; the last finished run's counts and quarantine share ((quarantined + failed) / discovered); the
# statuses of the last five finished runs, oldest first, with their mean share (`directives health`).
PORTAL_HEALTH_VIEW = (
    "CREATE VIEW portal_health AS WITH finished AS ("
    "SELECT runs.*, "
    "row_number() OVER (PARTITION BY portal_id ORDER BY started_at DESC, run_id DESC) AS recency, "
    "CASE WHEN coalesce(discovered, 0) > 0 THEN CAST(coalesce(quarantined, 0) + coalesce(failed, 0) "
    "AS DOUBLE PRECISION) / discovered ELSE 0 END AS share FROM runs WHERE status <> 'running'), "
    "trend AS (SELECT portal_id, string_agg(status, ' ' ORDER BY recency DESC) AS recent_statuses, "
    "avg(share) AS recent_quarantine_share FROM finished WHERE recency <= 5 GROUP BY portal_id) "
    "SELECT p.portal_id, "
    "(SELECT count(*) FROM documents d WHERE d.portal_id = p.portal_id AND d.is_current) AS documents, "
    "(SELECT count(DISTINCT q.doc_key) FROM quarantine q WHERE q.portal_id = p.portal_id "
    "AND q.resolved_at IS NULL) AS quarantined, "
    "(SELECT max(r.started_at) FROM runs r WHERE r.portal_id = p.portal_id) AS last_run_at, "
    "(SELECT r.status FROM runs r WHERE r.portal_id = p.portal_id "
    "ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) AS last_status, "
    "(SELECT max(r.started_at) FROM runs r WHERE r.portal_id = p.portal_id AND r.status = 'success') "
    "AS last_success_at, f.run_id AS last_finished_run_id, f.status AS last_finished_status, "
    "f.started_at AS last_finished_at, f.discovered, f.new, f.updated, f.unchanged, "
    "f.quarantined AS run_quarantined, f.failed, f.warned, f.share AS quarantine_share, "
    "f.walk, f.walk_stop, f.walk_pages, f.listing_capped, "
    "t.recent_statuses, t.recent_quarantine_share "
    "FROM (SELECT portal_id FROM documents UNION SELECT portal_id FROM runs "
    "UNION SELECT portal_id FROM quarantine) p "
    "LEFT JOIN finished f ON f.portal_id = p.portal_id AND f.recency = 1 "
    "LEFT JOIN trend t ON t.portal_id = p.portal_id"
)


def views(dialect: str) -> list[str]:
    """Views analysts query instead of re-deriving joins: one concept each."""
    year = _year(dialect, "d.issued_date")
    return [
        "CREATE VIEW current_documents AS SELECT * FROM documents WHERE is_current",
        _recipients_view(dialect),
        # A citation links to an archived document of the same folded number, the same type when both are
        # known, and the same year when the citation gives one (Party numbers restart every term).
        "CREATE VIEW citation_links AS SELECT c.*, d.portal_id AS cited_portal_id, "
        "d.doc_key AS cited_doc_key, d.subject AS cited_subject FROM citations c "
        "LEFT JOIN search_index s ON s.number_folded = c.cited_number_key "
        "LEFT JOIN documents d ON d.portal_id = s.portal_id AND d.doc_key = s.doc_key "
        "AND d.version = s.version "
        "AND (c.cited_type IS NULL OR d.doc_type IS NULL OR upper(d.doc_type) = upper(c.cited_type)) "
        f"AND (c.cited_year IS NULL OR d.issued_date IS NULL OR {year} = c.cited_year)",
        "CREATE VIEW current_assignments AS SELECT a.*, d.doc_type, d.number, d.issued_date, "
        "d.issuer FROM assignments a JOIN documents d ON d.portal_id = a.portal_id "
        "AND d.doc_key = a.doc_key AND d.version = a.version WHERE d.is_current",
        PORTAL_HEALTH_VIEW,
    ]


VIEW_COMMENTS = {
    "current_documents": "The current version of every document (documents where is_current).",
    "document_recipients": "One row per recipient (Nơi nhận / Kính gửi entry) of each current document.",
    "citation_links": "citations joined to the archived document each one cites, when one matches "
    "(number, type, year); cited_portal_id/cited_doc_key are null otherwise.",
    "current_assignments": "assignments of current documents, with the type, number, date and issuer.",
    "portal_health": "Per portal: current documents, documents in open quarantine, last run, its status, "
    "last success; the last finished run's counts, quarantine share and listing walk (full or incremental, "
    "why it stopped, pages read, page caps reached), and the statuses of the last five.",
}


def ddl(dialect: str) -> list[str]:
    """Run after warehouse.schema.ddl: the derived tables, Postgres search machinery, the views."""
    statements: list[str] = list(_PG_FUNCTIONS) if dialect == POSTGRES else []
    for table in DERIVED_TABLES:
        statements += create_statements(table, dialect)
        statements += comment_statements(table)
    if dialect == POSTGRES:
        statements += list(_PG_SEARCH)
    elif dialect != DUCKDB:
        raise ValueError(f"unknown SQL dialect {dialect!r}")
    # Dropped and created again: CREATE OR REPLACE cannot change a view's columns when a table gains some.
    statements += [f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEW_COMMENTS)]
    statements += views(dialect)
    return statements
