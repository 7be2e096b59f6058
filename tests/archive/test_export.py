"""Exports round-trip through pandas and DuckDB with their types; the data dictionary is up to date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from warehouse.export import ExportError, export_documents, resolve_format


@pytest.fixture
def exported(archive, tmp_path):
    def run(name: str, **kwargs) -> Path:
        out = tmp_path / name
        assert export_documents(archive, out, **kwargs) == 4
        return out

    return run


def test_parquet_has_dates_timestamps_with_zone_and_list_columns(exported):
    out = exported("docs.parquet")
    frame = pd.read_parquet(out)
    assert str(frame["fetched_at"].dtype) == "datetime64[us, UTC]"
    row = frame.set_index("doc_key").loc["kl125"]
    assert row["fetched_at"] == pd.Timestamp(datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC))
    assert row["issued_date"] == date(2021, 8, 12)  # a date, not a string nor a timestamp
    assert list(row["recipients"]) == ["Ban Cán sự đảng UBND tỉnh", "Các huyện ủy, thành ủy"]
    con = duckdb.connect()
    described = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}')").fetchall()}
    assert described["issued_date"] == "DATE"
    assert described["fetched_at"] == "TIMESTAMP WITH TIME ZONE"
    assert described["recipients"] == "VARCHAR[]"
    assert described["version"] == "INTEGER"
    first = con.execute(
        f"SELECT recipients[1] FROM read_parquet('{out}') WHERE doc_key = 'kl125'"
    ).fetchone()[0]
    assert first == "Ban Cán sự đảng UBND tỉnh"


def test_jsonl_round_trips_through_duckdb_and_pandas(exported):
    out = exported("docs.jsonl")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kl = next(r for r in lines if r["doc_key"] == "kl125")
    assert kl["fetched_at"] == "2026-11-20T01:02:03+00:00"
    assert kl["issued_date"] == "2021-08-12"
    assert kl["recipients"][0] == "Ban Cán sự đảng UBND tỉnh"
    frame = pd.read_json(out, lines=True, dtype=False)
    assert pd.to_datetime(frame["fetched_at"]).dt.tz is not None
    con = duckdb.connect()
    described = {
        r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM read_json_auto('{out}')").fetchall()
    }
    assert described["issued_date"] == "DATE"
    assert described["recipients"] == "VARCHAR[]"
    assert described["fetched_at"].startswith("TIMESTAMP")


def test_csv_keeps_offsets_and_writes_lists_as_json_arrays(exported):
    out = exported("docs.csv")
    frame = pd.read_csv(out, parse_dates=["issued_date"])
    kl = frame.set_index("doc_key").loc["kl125"]
    assert kl["fetched_at"] == "2026-11-20T01:02:03+00:00"
    assert pd.Timestamp(kl["issued_date"]).date() == date(2021, 8, 12)
    assert json.loads(kl["recipients"])[1] == "Các huyện ủy, thành ủy"


def test_format_comes_from_the_flag_or_the_suffix_and_a_mismatch_is_refused(tmp_path):
    assert resolve_format(tmp_path / "x.csv", None) == "csv"
    assert resolve_format(tmp_path / "x.parquet", None) == "parquet"
    assert resolve_format(tmp_path / "x.out", "jsonl") == "jsonl"
    with pytest.raises(ExportError, match="ends in .csv .csv. but --format parquet"):
        resolve_format(tmp_path / "x.csv", "parquet")
    with pytest.raises(ExportError, match="cannot tell the format"):
        resolve_format(tmp_path / "x.out", None)


def test_export_command_refuses_a_mismatch_and_writes_csv_as_csv(tmp_path, monkeypatch):
    from directives_cli.main import cli

    monkeypatch.setenv("DIRECTIVES_WAREHOUSE_URL", f"duckdb:///{tmp_path / 'wh.duckdb'}")
    runner = CliRunner()
    refused = runner.invoke(cli, ["export", str(tmp_path / "x.csv"), "--format", "parquet"])
    assert refused.exit_code == 2 and "ends in .csv" in refused.output
    written = runner.invoke(cli, ["export", str(tmp_path / "x.csv")])
    assert written.exit_code == 0, written.output
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").startswith("portal_id,doc_key,version")


def test_data_dictionary_is_up_to_date():
    from warehouse.dictionary import render

    path = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"
    assert path.read_text(encoding="utf-8") == render(), (
        "docs/data-dictionary.md is stale: run `directives data-dictionary -o docs/data-dictionary.md`"
    )


def test_views(archive):
    recipients = archive.query(
        "SELECT recipient, position FROM document_recipients WHERE doc_key = 'kl125' ORDER BY position"
    )
    assert [r["recipient"] for r in recipients] == ["Ban Cán sự đảng UBND tỉnh", "Các huyện ủy, thành ủy"]
    assert [int(r["position"]) for r in recipients] == [1, 2]
    assert archive.scalar("SELECT count(*) FROM current_documents") == 4
    links = archive.query(
        "SELECT doc_key, cited_number, cited_doc_key FROM citation_links ORDER BY doc_key, ordinal"
    )
    assert {"doc_key": "ct08", "cited_number": "125-KL/TU", "cited_doc_key": "kl125"} in links
    assert {"doc_key": "kl125", "cited_number": "15/CT-TTg", "cited_doc_key": None} in links
    tasks = archive.query("SELECT doc_key, assignee, deadline_date FROM current_assignments ORDER BY doc_key")
    assert {
        "doc_key": "kl125",
        "assignee": "Ban Cán sự đảng UBND tỉnh",
        "deadline_date": date(2021, 9, 5),
    } in tasks
    health = archive.query("SELECT portal_id, documents FROM portal_health ORDER BY portal_id")
    assert [(h["portal_id"], int(h["documents"])) for h in health] == [
        ("sim-binhthuan-ubnd", 1),
        ("sim-quangngai-tu", 3),
    ]
