"""Typed exports of the documents table for analysts: Parquet, CSV or JSON lines.

The column types come from the schema (warehouse/schema.py), not from the data, so every export of the
same warehouse has the same schema: dates are dates, timestamps carry their UTC offset, JSON arrays of
strings (recipients, warnings, page sources...) are list columns. In CSV, which has no lists, they are
JSON arrays in the cell; JSON objects (portal_metadata) are JSON text in every format.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from warehouse.db import Warehouse, WarehouseError
from warehouse.schema import DOCUMENTS, Table

FORMATS = ("parquet", "csv", "jsonl")
SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# JSON columns holding arrays of strings: exported as list columns.
LIST_COLUMNS = frozenset({"recipients", "page_sources", "warnings", "quarantine_reasons", "quality_warnings"})


class ExportError(WarehouseError):
    """An export that cannot be written as asked (unknown or contradictory format)."""


def resolve_format(output: Path, requested: str | None) -> str:
    """The format from --format or from the file's suffix; a contradiction between the two is refused."""
    from_suffix = SUFFIXES.get(output.suffix.lower())
    if requested is not None and requested not in FORMATS:
        raise ExportError(f"unknown format {requested!r}: use one of {', '.join(FORMATS)}")
    if requested and from_suffix and requested != from_suffix:
        raise ExportError(
            f"{output.name} ends in {output.suffix} ({from_suffix}) but --format {requested} was asked: "
            "rename the file or drop --format"
        )
    fmt = requested or from_suffix
    if fmt is None:
        raise ExportError(
            f"cannot tell the format of {output.name!r} from its suffix: use --format "
            f"({', '.join(FORMATS)}) or a suffix among {', '.join(SUFFIXES)}"
        )
    return fmt


def column_kind(table: Table, name: str) -> str:
    """text, int, bigint, bool, date, timestamptz, double, list (of strings) or json (text)."""
    kind = table.column(name).type
    if kind == "json":
        return "list" if name in LIST_COLUMNS else "json"
    return kind


def arrow_schema(table: Table = DOCUMENTS):
    import pyarrow as pa

    types = {
        "text": pa.string(),
        "int": pa.int32(),
        "bigint": pa.int64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "timestamptz": pa.timestamp("us", tz="UTC"),
        "double": pa.float64(),
        "list": pa.list_(pa.string()),
        "json": pa.string(),
    }
    return pa.schema([pa.field(c.name, types[column_kind(table, c.name)], c.nullable) for c in table.columns])


def _rows(wh: Warehouse, all_versions: bool) -> list[dict[str, Any]]:
    where = "" if all_versions else "WHERE is_current"
    return wh.query(
        f"SELECT * FROM documents {where} ORDER BY portal_id, doc_key, version", table="documents"
    )


def _typed(row: dict[str, Any], table: Table) -> dict[str, Any]:
    out = {}
    for column in table.columns:
        value = row.get(column.name)
        kind = column_kind(table, column.name)
        if kind == "list" and value is not None:
            value = [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value]
        elif kind == "json" and value is not None:
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        out[column.name] = value
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def write(rows: Iterable[dict[str, Any]], output: Path, fmt: str, table: Table = DOCUMENTS) -> int:
    rows = [_typed(r, table) for r in rows]
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = arrow_schema(table)
        columns = {f.name: [r[f.name] for r in rows] for f in schema}
        pq.write_table(pa.Table.from_pydict(columns, schema=schema), output)
    elif fmt == "jsonl":
        with output.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps({k: _jsonable(v) for k, v in r.items()}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        with output.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(table.column_names))
            writer.writeheader()
            for r in rows:
                writer.writerow(
                    {
                        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else _jsonable(v)
                        for k, v in r.items()
                    }
                )
    else:
        raise ExportError(f"unknown format {fmt!r}")
    return len(rows)


def export_documents(wh: Warehouse, output: Path, fmt: str | None = None, all_versions: bool = False) -> int:
    """Write the current documents (or every version) to `output`; returns the row count."""
    output = Path(output)
    return write(_rows(wh, all_versions), output, resolve_format(output, fmt))
