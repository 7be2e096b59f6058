"""The data dictionary (docs/data-dictionary.md), generated from the schema so it cannot drift.

`directives data-dictionary -o docs/data-dictionary.md` writes it; tests/archive/test_dictionary.py fails
when the file and the schema disagree.
"""

from __future__ import annotations

from warehouse.export import arrow_schema, column_kind
from warehouse.schema import DOCUMENTS, DUCKDB, POSTGRES, TABLES, TYPES, Table
from warehouse.search_schema import DERIVED_TABLES, VIEW_COMMENTS

_EXPORT_KINDS = {
    "list": "list of strings (CSV: a JSON array)",
    "json": "JSON text",
    "timestamptz": "timestamp, UTC, with offset",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")


def _table(table: Table, exported: bool) -> list[str]:
    out = [f"### `{table.name}`", "", _cell(table.comment), ""]
    keys = []
    if table.primary_key:
        keys.append(f"primary key ({', '.join(table.primary_key)})")
    keys += [f"unique ({', '.join(cols)})" for cols in table.unique]
    if keys:
        out += [f"Keys: {'; '.join(keys)}.", ""]
    header = "| column | PostgreSQL | DuckDB |" + (" export (Parquet / JSON lines) |" if exported else "")
    out.append(header + " null | meaning |")
    out.append("|---|---|---|" + ("---|" if exported else "") + "---|---|")
    arrow = {f.name: str(f.type) for f in arrow_schema(table)} if exported else {}
    for c in table.columns:
        types = TYPES[c.type]
        row = f"| `{c.name}` | {types[POSTGRES]} | {types[DUCKDB]} |"
        if exported:
            kind = column_kind(table, c.name)
            row += f" {arrow[c.name]}" + (f" — {_EXPORT_KINDS[kind]}" if kind in _EXPORT_KINDS else "") + " |"
        row += f" {'yes' if c.nullable else 'no'} | {_cell(c.comment)} |"
        out.append(row)
    out.append("")
    return out


def render() -> str:
    out = [
        "# Data dictionary",
        "",
        "Generated from `warehouse/schema.py` and `warehouse/search_schema.py` by "
        "`directives data-dictionary -o docs/data-dictionary.md`; a test fails when it is out of date.",
        "",
        "## Exports",
        "",
        "`directives export OUT [--format parquet|csv|jsonl] [--all-versions]` writes the `documents` table "
        "(current versions, or all). The format comes from `--format` or from the suffix (`.parquet`, "
        "`.csv`, `.jsonl`); a flag that contradicts the suffix is refused. Column types are those of the "
        "export "
        "column below in every export: dates are dates (`YYYY-MM-DD` in text formats), timestamps are UTC "
        "with their offset (`2026-11-20T01:02:03+00:00` in text formats), lists of strings are list columns "
        "(JSON arrays in CSV cells), JSON objects are JSON text.",
        "",
        "## Primary tables",
        "",
    ]
    for table in TABLES:
        out += _table(table, exported=table is DOCUMENTS)
    out += [
        "## Derived tables",
        "",
        "Rebuilt from `documents` by the loader for every version it writes, and by "
        "`directives backfill-links`. On PostgreSQL `search_index` also has generated `tsvector` columns "
        "(`folded_tsv`, `head_tsv`, `accented_tsv`, GIN-indexed) and pg_trgm indexes on the folded number, "
        "issuer and signer.",
        "",
    ]
    for table in DERIVED_TABLES:
        out += _table(table, exported=False)
    out += ["## Views", "", "| view | what it holds |", "|---|---|"]
    out += [f"| `{name}` | {_cell(comment)} |" for name, comment in VIEW_COMMENTS.items()]
    out.append("")
    return "\n".join(out)
