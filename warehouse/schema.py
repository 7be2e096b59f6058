"""The warehouse tables, described once and rendered as DDL for PostgreSQL or DuckDB.

The dialects differ only in type names, in how a NULL digest counts for a unique constraint, and in
the partial index that keeps one current version per document (Postgres has it; DuckDB has no partial
indexes, so there the loader alone enforces it). DuckDB stores timestamps as TIMESTAMP in UTC: its
TIMESTAMPTZ needs pytz to reach Python, which this project does not depend on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.fields import FIELD_COLUMN_TYPES, FIELD_DOCS, RECORD_FIELDS

POSTGRES, DUCKDB = "postgres", "duckdb"

TYPES = {
    "text": {POSTGRES: "text", DUCKDB: "VARCHAR"},
    "int": {POSTGRES: "integer", DUCKDB: "INTEGER"},
    "bigint": {POSTGRES: "bigint", DUCKDB: "BIGINT"},
    "bool": {POSTGRES: "boolean", DUCKDB: "BOOLEAN"},
    "date": {POSTGRES: "date", DUCKDB: "DATE"},
    "timestamptz": {POSTGRES: "timestamptz", DUCKDB: "TIMESTAMP"},
    "json": {POSTGRES: "jsonb", DUCKDB: "JSON"},
    "double": {POSTGRES: "double precision", DUCKDB: "DOUBLE"},
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str
    nullable: bool = True

    def ddl(self, dialect: str) -> str:
        return f"{self.name} {TYPES[self.type][dialect]}{'' if self.nullable else ' NOT NULL'}"


@dataclass(frozen=True)
class Table:
    name: str
    comment: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    # Unique indexes with a WHERE clause: (name, columns, predicate); Postgres only.
    partial_unique: tuple[tuple[str, tuple[str, ...], str], ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def json_columns(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns if c.type == "json")


def C(name: str, type_: str, comment: str, nullable: bool = True) -> Column:  # noqa: N802 - table-like DSL
    return Column(name, type_, comment, nullable)


DOCUMENTS = Table(
    name="documents",
    comment="One row per version of a published document; the current version has is_current = true.",
    columns=(
        C("portal_id", "text", "Registry id of the portal (config/portals.yaml).", False),
        C("doc_key", "text", "The portal's own stable key for the document.", False),
        C(
            "version",
            "int",
            "1 for the first original seen, +1 each time the original's bytes or the parser version change.",
            False,
        ),
        C("is_current", "bool", "True on the latest version only (one per portal_id, doc_key).", False),
        C(
            "original_sha256",
            "text",
            "SHA-256 of the primary original, hex; its object key derives from it.",
            False,
        ),
        C(
            "original_key",
            "text",
            "Object-store key of the original: originals/sha256/<aa>/<bb>/<sha256>.",
            False,
        ),
        C("source_url", "text", "URL the original was fetched from (after redirects)."),
        C("fetched_at", "timestamptz", "When the original was first fetched (UTC)."),
        C("content_type", "text", "Content-Type the portal served the original with."),
        *(C(name, FIELD_COLUMN_TYPES[name], FIELD_DOCS[name]) for name in RECORD_FIELDS),
        C("portal_metadata", "json", "JSON object: what the portal listed for the document."),
        C("record_key", "text", "Object-store key of the record JSON."),
        C("text_key", "text", "Object-store key of the plain text."),
        C(
            "province_name",
            "text",
            "Province the document was issued in (the portal's province, pre-2025 name).",
        ),
        C("province_code", "text", "Code of that province (pre-2025 administrative code)."),
        C(
            "province_merged_into",
            "text",
            "Province it belongs to since the 1 July 2025 merger (Resolution 202/2025/QH15); group by "
            "this to compare before and after the merger.",
        ),
        C("run_id", "text", "Pipeline run that loaded this version."),
        C("loaded_at", "timestamptz", "When this version was written to the warehouse (UTC).", False),
    ),
    primary_key=("portal_id", "doc_key", "version"),
    indexes=(("portal_id", "is_current"), ("original_sha256",), ("number",)),
    partial_unique=(("documents_one_current", ("portal_id", "doc_key"), "is_current"),),
)

QUARANTINE = Table(
    name="quarantine",
    comment="Documents that could not be fetched, extracted or validated, with the reasons; one row per "
    "(portal_id, doc_key, original_sha256, stage), refreshed on every run that meets it again.",
    columns=(
        C("portal_id", "text", "Registry id of the portal.", False),
        C("doc_key", "text", "The portal's own key for the document.", False),
        C("original_sha256", "text", "SHA-256 of the primary original, null when it could not be fetched."),
        C("source_url", "text", "URL of the original (or the detail page when nothing was fetched)."),
        C("stage", "text", "fetch, extract or validate.", False),
        C("reasons", "json", "JSON array of readable reasons.", False),
        C(
            "object_key",
            "text",
            "Object-store key of the quarantine JSON (reasons + pointers to the originals).",
        ),
        C("run_id", "text", "The latest run that quarantined it."),
        C("first_seen", "timestamptz", "First time it was quarantined (UTC).", False),
        C("last_seen", "timestamptz", "Latest time it was quarantined (UTC).", False),
        C("resolved_at", "timestamptz", "When the document was loaded after all (UTC); null while open."),
        C("resolved_by_run", "text", "The run that loaded it; null while open."),
    ),
    primary_key=(),
    unique=(("portal_id", "doc_key", "original_sha256", "stage"),),
    indexes=(("portal_id",), ("portal_id", "resolved_at")),
)

FETCH_LOG = Table(
    name="fetch_log",
    comment="Every HTTP fetch of a run; a retried task overwrites its own rows instead of adding new ones.",
    columns=(
        C("run_id", "text", "Pipeline run.", False),
        C("portal_id", "text", "Registry id of the portal.", False),
        C("url", "text", "Requested URL.", False),
        C("status", "int", "HTTP status, null when no response came."),
        C("sha256", "text", "SHA-256 of the body received."),
        C("size", "bigint", "Body size in bytes."),
        C("content_type", "text", "Content-Type of the response."),
        C(
            "fetched_at",
            "timestamptz",
            "When the response arrived, or when the failure was logged (UTC).",
            False,
        ),
        C("elapsed_ms", "int", "Request duration in milliseconds."),
        C("error", "text", "The error, when the fetch failed."),
        C("etag", "text", "The response's ETag, replayed as If-None-Match when the URL is revisited."),
        C(
            "last_modified",
            "text",
            "The response's Last-Modified, replayed as If-Modified-Since when the URL is revisited.",
        ),
    ),
    primary_key=("run_id", "portal_id", "url"),
)

RUNS = Table(
    name="runs",
    comment="One row per pipeline run of a portal, with its counts.",
    columns=(
        C("run_id", "text", "Pipeline run id (Airflow run id or CLI-generated).", False),
        C("portal_id", "text", "Registry id of the portal.", False),
        C("started_at", "timestamptz", "When discovery started (UTC).", False),
        C("finished_at", "timestamptz", "When the load finished (UTC), null while running."),
        C("discovered", "int", "Documents found on the portal."),
        C("new", "int", "Documents loaded for the first time."),
        C("updated", "int", "Documents loaded as a new version."),
        C("unchanged", "int", "Documents whose original did not change."),
        C("quarantined", "int", "Documents in open quarantine after the run (extract or validate)."),
        C("quarantine_reasons", "json", "JSON array: '<doc_key>: <reason>' per quarantined document."),
        C("failed", "int", "Documents that could not be fetched, each with a reason."),
        C("failure_reasons", "json", "JSON array: '<doc_key>: <reason>' per failed document."),
        C("warned", "int", "Documents loaded with quality warnings."),
        C("quality_warnings", "int", "Warning-level expectations failed, summed over the run's records."),
        C("listing_failures", "json", "JSON array of {url, reason}: listing pages that could not be read."),
        C(
            "listing_capped",
            "json",
            "JSON array of {next_url, max_pages}: listing walks that stopped at options.max_pages while the "
            "listing had more pages (next_url was not read); the run is degraded.",
        ),
        C(
            "walk",
            "text",
            "full (every listing page, every known document revisited) or incremental (stops at the first "
            "listing page that shows nothing new), none for a reprocess (no listing read); null on runs from "
            "before incremental crawling (full).",
        ),
        C(
            "walk_reason",
            "text",
            "Why the walk was full or incremental: first run, backfill, every Nth run "
            "(options.full_walk_every), no complete full walk yet, or scheduled.",
        ),
        C(
            "walk_stop",
            "text",
            "Why the walk stopped: end (the listing's last page), known (a page of known, unchanged "
            "documents), page_cap (options.max_pages), listing_failure (a page could not be read) or limit "
            "(--limit).",
        ),
        C("walk_pages", "int", "Listing pages read by the walk."),
        C(
            "reconciliation",
            "json",
            "JSON object: discovered = new + updated + unchanged + quarantined + failed, and whether it "
            "holds.",
        ),
        C("error", "text", "Why the run failed (status failed)."),
        C(
            "status",
            "text",
            "running, success, degraded (quarantined/failed share above the portal's degraded_threshold, "
            "any fetch or listing failure, or a listing walk stopped at its page cap) or failed.",
            False,
        ),
    ),
    primary_key=("run_id", "portal_id"),
    indexes=(("portal_id", "started_at"),),
)

LISTING_ROWS = Table(
    name="listing_rows",
    comment="Per document, what its listing row showed when the archive last settled it (loaded, unchanged "
    "or quarantined): an incremental run skips a known document whose row is the same and stops at the "
    "first listing page of such documents.",
    columns=(
        C("portal_id", "text", "Registry id of the portal.", False),
        C("doc_key", "text", "The portal's own key for the document.", False),
        C(
            "listing_digest",
            "text",
            "SHA-256 of the listing row as discover read it: detail URL, title, listed fields, file links.",
            False,
        ),
        C("run_id", "text", "The run that recorded this row."),
        C("seen_at", "timestamptz", "When that run recorded it (UTC).", False),
    ),
    primary_key=("portal_id", "doc_key"),
)

FIXITY_CHECKS = Table(
    name="fixity_checks",
    comment="One row per original re-hashed by a fixity audit (`directives fixity`) or repaired by a run.",
    columns=(
        C(
            "audit_id",
            "text",
            "Audit id (fixity__<UTC time>) or the id of the run that repaired the object.",
            False,
        ),
        C("object_key", "text", "Key of the original in the bucket.", False),
        C("expected_sha256", "text", "The digest the object is named by (content addressing).", False),
        C("found_sha256", "text", "Digest of the bytes the store returned; null when the object is missing."),
        C("size", "bigint", "Bytes read."),
        C("portal_id", "text", "Portal the audit was for; null for an audit of the whole bucket."),
        C("checked_at", "timestamptz", "When the object was re-hashed (UTC).", False),
        C(
            "status",
            "text",
            "ok, mismatch, missing, or repaired (rewritten from freshly fetched bytes).",
            False,
        ),
    ),
    primary_key=("audit_id", "object_key"),
    indexes=(("object_key", "checked_at"),),
)

TABLES: tuple[Table, ...] = (DOCUMENTS, QUARANTINE, FETCH_LOG, RUNS, LISTING_ROWS, FIXITY_CHECKS)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_statements(table: Table, dialect: str) -> list[str]:
    parts = [c.ddl(dialect) for c in table.columns]
    if table.primary_key:
        parts.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    for columns in table.unique:
        # A NULL digest (nothing fetched) must still collide with itself; DuckDB lacks NULLS NOT DISTINCT,
        # so there the loader's update-first write is what prevents duplicates.
        nulls = " NULLS NOT DISTINCT" if dialect == POSTGRES else ""
        parts.append(f"UNIQUE{nulls} ({', '.join(columns)})")
    statements = [f"CREATE TABLE IF NOT EXISTS {table.name} (\n  " + ",\n  ".join(parts) + "\n)"]
    # A warehouse made by an older release gains the columns added since (all of them nullable).
    statements += [
        f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS {c.ddl(dialect)}"
        for c in table.columns
        if c.nullable
    ]
    for columns in table.indexes:
        name = f"{table.name}_{'_'.join(columns)}_idx"
        statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {table.name} ({', '.join(columns)})")
    if dialect == POSTGRES:
        for name, columns, predicate in table.partial_unique:
            on = f"{table.name} ({', '.join(columns)})"
            statements.append(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {on} WHERE {predicate}")
    return statements


def comment_statements(table: Table) -> list[str]:
    statements = [f"COMMENT ON TABLE {table.name} IS {_quote(table.comment)}"]
    statements += [f"COMMENT ON COLUMN {table.name}.{c.name} IS {_quote(c.comment)}" for c in table.columns]
    return statements


def ddl(dialect: str) -> list[str]:
    if dialect not in (POSTGRES, DUCKDB):
        raise ValueError(f"unknown SQL dialect {dialect!r}")
    from warehouse.search_schema import VIEW_COMMENTS  # the views, made after the tables by search_schema

    # Views go first, so a table may gain columns (ALTER TABLE) whatever depends on it.
    statements: list[str] = [f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEW_COMMENTS)]
    for table in TABLES:
        statements += create_statements(table, dialect)
        statements += comment_statements(table)
    return statements


TABLES_BY_NAME = {t.name: t for t in TABLES}


def describe_markdown() -> str:
    """The tables as Markdown (docs/warehouse.md embeds this; a test keeps the two in step)."""
    out = []
    for table in TABLES:
        keys = []
        if table.primary_key:
            keys.append(f"primary key ({', '.join(table.primary_key)})")
        keys += [f"unique ({', '.join(cols)})" for cols in table.unique]
        keys += [
            f"unique ({', '.join(cols)}) where {pred} (Postgres)" for _, cols, pred in table.partial_unique
        ]
        out.append(f"### `{table.name}`\n\n{table.comment}\n\nKeys: {'; '.join(keys)}.\n")
        out.append("| column | Postgres | DuckDB | null | meaning |\n|---|---|---|---|---|")
        for c in table.columns:
            types = TYPES[c.type]
            nullable = "yes" if c.nullable else "no"
            meaning = c.comment.replace("<", "&lt;")
            out.append(f"| `{c.name}` | {types[POSTGRES]} | {types[DUCKDB]} | {nullable} | {meaning} |")
        out.append("")
    return "\n".join(out)
