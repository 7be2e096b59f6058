"""The document record (field names are a contract: docs/design.md) and the parse entry points.

from parsers.record import parse_bytes, parse_path, fields_from_text
record = parse_path("kl-125.pdf")      # DocumentRecord; record.to_dict() is JSON-ready
"""

from __future__ import annotations

from pathlib import Path

from parsers import PARSER_VERSION
from parsers.fields import DocumentRecord
from parsers.limits import Limits

__all__ = ["DocumentRecord", "fields_from_text", "parse_bytes", "parse_path", "record_from_text"]


def fields_from_text(text: str, ocr: bool = False) -> dict:
    """parsers.metadata.fields_from_text, imported on first use: a caller that only hands files to the
    sandbox (`directives parse`) never loads the field rules (rapidfuzz, the header tables)."""
    from parsers.metadata import fields_from_text as read_fields

    return read_fields(text, ocr=ocr)


def record_from_text(
    text: str,
    pages: int = 1,
    page_sources: list[str] | None = None,
    ocr_confidence: float | None = None,
    warnings: list[str] | None = None,
) -> DocumentRecord:
    sources = list(page_sources or ["text"] * pages)
    # page 1 holds the header: when it was OCRed, digits filled into a printed blank are suspect
    fields = fields_from_text(text, ocr=bool(sources) and sources[0] == "ocr")
    field_warnings = fields.pop("warnings")
    return DocumentRecord(
        **fields,
        pages=pages,
        page_sources=sources,
        ocr_confidence=ocr_confidence,
        warnings=[*(warnings or []), *field_warnings],
        parser_version=PARSER_VERSION,
    )


def parse_bytes(
    data: bytes, filename: str | None = None, content_type: str | None = None, limits: Limits | None = None
) -> DocumentRecord:
    """Extract the text of any published file and read the record's fields from it, both under the limits
    (the sandbox: the field regexes see untrusted text too).
    Raises parsers.errors.ExtractionError (a subclass naming the problem) for unreadable files."""
    from parsers.extract import check_size, run_limited

    limits = limits or Limits()
    check_size(data, limits)
    record = run_limited(parse_here, data, limits, filename, content_type)
    # Stamped again in the calling process: the sandbox runs in a separate interpreter, and the version that
    # counts for reprocessing is that of the code the pipeline runs.
    record.parser_version = PARSER_VERSION
    return record


def parse_here(
    data: bytes, limits: Limits, filename: str | None = None, content_type: str | None = None
) -> DocumentRecord:
    """parse_bytes in this process, without the sandbox (the sandbox's job calls this)."""
    from parsers.extract import extract_here

    return record_from_extraction(extract_here(data, limits, filename, content_type))


def record_from_extraction(ext) -> DocumentRecord:
    """The record of an extraction result (its text and what extraction says of its pages)."""
    return record_from_text(
        ext.text,
        pages=ext.pages,
        page_sources=ext.page_sources,
        ocr_confidence=ext.ocr_confidence,
        warnings=ext.warnings,
    )


def parse_path(path: str | Path, limits: Limits | None = None) -> DocumentRecord:
    path = Path(path)
    return parse_bytes(path.read_bytes(), filename=path.name, limits=limits)
