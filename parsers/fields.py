"""The document record's fields, defined once (docs/design.md, "The document record").

Every other list of the record's fields derives from `DocumentRecord` here: the labelled header fields the
parsers read and the evaluation scores (`LABELLED_FIELDS`, alias `parsers.metadata.FIELD_NAMES`), the
warehouse's `documents` columns (warehouse/schema.py), the loader's row (pipeline/records.py), the CLI's
`parse` output and the docs table (tests/project/test_record_contract.py keeps them in step). This module
imports nothing else of the project, so any layer may read it without an import circle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

# Warehouse column type of each field, by the names of warehouse/schema.py TYPES.
_TEXT, _DATE, _INT, _DOUBLE, _JSON = "text", "date", "int", "double", "json"


def _f(column: str, doc: str, *, labelled: bool = False, default: Any = None, factory=None):
    """A record field: its warehouse column type, its meaning, and whether golden files label it."""
    meta = {"column": column, "doc": doc, "labelled": labelled}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class DocumentRecord:
    """What the pipeline knows of one document: fields read from its text (merged with what the portal
    lists, pipeline/merge.py), the text itself, and where each value came from."""

    family: str | None = _f(_TEXT, "party or state.", labelled=True)
    doc_type: str | None = _f(
        _TEXT,
        "Official type code (NQ, QĐ, CT, KL, TB, KH, HD, CV, NĐ, TT, Lu, HP, AL, CB...), `other` for a type "
        "outside the tables (its printed name in doc_type_name).",
        labelled=True,
    )
    doc_type_name: str | None = _f(
        _TEXT, "The type as printed (KẾT LUẬN, THÔNG BÁO...; CÔNG VĂN for a công văn).", labelled=True
    )
    number: str | None = _f(_TEXT, "Canonical number-symbol, e.g. 168-TB/HU or 12/CT-UBND.", labelled=True)
    issuer: str | None = _f(_TEXT, "Issuing body as printed.", labelled=True)
    issuer_parent: str | None = _f(_TEXT, "The line above the issuer, if any.", labelled=True)
    place: str | None = _f(_TEXT, "Place from the place-and-date line.", labelled=True)
    issued_date: date | None = _f(_DATE, "Date from the place-and-date line (ISO 8601).", labelled=True)
    issued_month: str | None = _f(_TEXT, "YYYY-MM when only the month and year are known.", labelled=True)
    subject: str | None = _f(_TEXT, "Trích yếu (for a công văn the V/v text without V/v).", labelled=True)
    signing_authority: str | None = _f(
        _TEXT, "T/M, K/T, T/L, Q., TM., KT., TL., TUQ. or null.", labelled=True
    )
    on_behalf_of: str | None = _f(_TEXT, "Body signed for (BAN THƯỜNG VỤ...).", labelled=True)
    signer_title: str | None = _f(_TEXT, "Signer's title as printed.", labelled=True)
    signer_name: str | None = _f(_TEXT, "Signer's name.", labelled=True)
    signing_chain: list[str] = _f(
        _JSON,
        "JSON array: the signature block's authority lines, outermost first.",
        labelled=True,
        factory=list,
    )
    recipients: list[str] = _f(
        _JSON, "JSON array of Nơi nhận / Kính gửi entries.", labelled=True, factory=list
    )
    body: str | None = _f(_TEXT, "Content between the subject and the recipients/signature blocks.")
    text: str = _f(_TEXT, "Full text of the document, NFC (never changed by the merge).", default="")
    pages: int = _f(_INT, "Page count.", default=0)
    page_sources: list[str] = _f(_JSON, "JSON array, per page: text, ocr or converted.", factory=list)
    ocr_confidence: float | None = _f(_DOUBLE, "Mean Tesseract confidence over OCRed pages, or null.")
    warnings: list[str] = _f(
        _JSON, "JSON array of strings: repairs, fields taken from the portal, disagreements...", factory=list
    )
    field_sources: dict[str, str] = _f(
        _JSON,
        "JSON object, field -> text | portal | both-agree | conflict: which witness gave the value "
        "(pipeline/merge.py).",
        factory=dict,
    )
    parser_version: str | None = _f(_TEXT, "parsers.PARSER_VERSION of the parser that made the record.")
    quality_warnings: list[str] = _f(
        _JSON, "JSON array: the failed warning-level quality expectations (quality/suite.py).", factory=list
    )

    def to_dict(self) -> dict:
        out = asdict(self)
        out["issued_date"] = self.issued_date.isoformat() if self.issued_date else None
        return out

    @classmethod
    def from_dict(cls, data: dict) -> DocumentRecord:
        """The record of a stored dict (a manifest, a record JSON); unknown keys are an error."""
        unknown = sorted(set(data) - set(RECORD_FIELDS))
        if unknown:
            raise ValueError(f"unknown record field(s): {', '.join(unknown)}")
        values = dict(data)
        if isinstance(values.get("issued_date"), str):
            values["issued_date"] = date.fromisoformat(values["issued_date"])
        return cls(**values)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(DocumentRecord))
LABELLED_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(DocumentRecord) if f.metadata["labelled"])
# The fields a portal's metadata can also witness (pipeline/merge.py).
FIELD_COLUMN_TYPES: dict[str, str] = {f.name: f.metadata["column"] for f in fields(DocumentRecord)}
FIELD_DOCS: dict[str, str] = {f.name: f.metadata["doc"] for f in fields(DocumentRecord)}
