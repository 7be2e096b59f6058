from pathlib import Path

from warehouse.schema import describe_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"


def test_docs_describe_the_tables_as_the_schema_defines_them():
    assert describe_markdown() in DOCS.read_text(encoding="utf-8"), (
        "docs/warehouse.md is out of date: paste warehouse.schema.describe_markdown() into its Tables section"
    )
