"""The record's fields are defined once (parsers/fields.py): the schema, the loader, the CLI and the docs
agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from parsers.fields import FIELD_COLUMN_TYPES, LABELLED_FIELDS, RECORD_FIELDS, DocumentRecord
from parsers.metadata import FIELD_NAMES
from pipeline.records import RECORD_COLUMNS, warehouse_row
from scrapers.models import DocumentRef
from scrapers.registry import get_portal
from warehouse.schema import DOCUMENTS

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "fixtures" / "seeds" / "000_990e28e3400a8969.txt"


def test_the_warehouse_has_a_column_of_the_right_type_for_every_record_field():
    for name in RECORD_FIELDS:
        assert DOCUMENTS.column(name).type == FIELD_COLUMN_TYPES[name], name


def test_the_loader_writes_every_field_and_nothing_the_table_lacks():
    assert RECORD_COLUMNS == RECORD_FIELDS and FIELD_NAMES == LABELLED_FIELDS
    record = DocumentRecord(number="125-KL/TU", text="x", parser_version="1").to_dict()
    ref = DocumentRef("sim-gialai-tu", "1", "http://h/1")
    primary = {"sha256": "a" * 64, "key": "originals/sha256/aa/aa/" + "a" * 64, "url": "http://h/1.pdf"}
    row = warehouse_row(get_portal("sim-gialai-tu"), "r", ref, primary, record, "rk", "tk", None)
    assert set(RECORD_FIELDS) <= set(row) <= set(DOCUMENTS.column_names)


def test_a_record_survives_its_serialisation_and_unknown_fields_are_refused():
    record = DocumentRecord(number="125-KL/TU", field_sources={"number": "text"}, signing_chain=["T/M"])
    assert DocumentRecord.from_dict(record.to_dict()) == record
    try:
        DocumentRecord.from_dict({**record.to_dict(), "numbr": "x"})
    except ValueError as exc:
        assert "numbr" in str(exc)
    else:
        raise AssertionError("an unknown field was accepted")


def test_directives_parse_prints_exactly_the_record_fields():
    from directives_cli.main import cli

    result = CliRunner().invoke(cli, ["parse", str(SEED), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert tuple(json.loads(result.stdout)) == RECORD_FIELDS


def test_the_design_doc_lists_every_record_field_and_no_other():
    doc = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    section = doc.split("## The document record", 1)[1].split("\n### ", 1)[0]
    documented = []
    for line in section.splitlines():
        if line.startswith("| `"):
            documented += re.findall(r"`([a-z_]+)`", line.split("|")[1])
    assert sorted(documented) == sorted(RECORD_FIELDS)
