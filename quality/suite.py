"""The Great Expectations suite over a batch of document records, defined in one place.

Each check pairs one GX expectation with the sentence an archivist reads when a record fails it. The batch
is a pandas frame with one row per record: the record's own fields plus a few derived columns (the date
parsed, the text length, whether text is NFC) because GX expectations test one column at a time.
GX itself is imported only inside build_suite(): the import takes seconds and most callers never need it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from parsers.metadata_tables import NUMBERLESS_TYPES
from quality.codes import FAMILIES, KNOWN_DOC_TYPES, NUMBER_PATTERNS
from warehouse.db import WarehouseError, as_date

SUITE_NAME = "document_records"
ID_COLUMN = "record_id"
# Two severities. CRITICAL: the document cannot be archived as a record (no original bytes, no readable
# text, no identity) -> quarantine. WARNING: the record is archived with what is known, and the failed
# expectations are listed on its row (quality_warnings) and counted in the run.
CRITICAL, WARNING = "critical", "warning"
IDENTITY_FIELDS = ("portal_id", "doc_key", "original_sha256")
CRITICAL_FIELDS = ("text",)
WARNING_FIELDS = ("doc_type", "issued_date", "issuer", "signer_name", "family")
REQUIRED_FIELDS = (*CRITICAL_FIELDS, *WARNING_FIELDS, "number")
# An unparseable date is replaced by this in the derived column so the date-range check reports it.
_INVALID_DATE = date(1, 1, 1)


@dataclass(frozen=True)
class SuiteLimits:
    earliest_issued: date = date(1930, 1, 1)
    days_ahead_allowed: int = 1  # portals in UTC+7 publish "tomorrow" in UTC terms
    min_text_chars: int = 100

    def latest_issued(self, today: date) -> date:
        return today + timedelta(days=self.days_ahead_allowed)


@dataclass(frozen=True)
class Check:
    name: str
    column: str
    build: Callable[[SuiteLimits, date], Any]  # -> a gx expectation
    explain: Callable[[dict, SuiteLimits, date], str]  # record -> readable reason
    severity: str = WARNING


def _parse_date(value: Any) -> date | None:
    """The warehouse's reading of a date; a value it would refuse becomes a sentinel the range check fails."""
    try:
        return as_date(value)
    except WarehouseError:
        return _INVALID_DATE


def _blank_to_none(value: Any) -> Any:
    """An empty or whitespace-only field is as missing as a null one."""
    return None if isinstance(value, str) and not value.strip() else value


def _text_length(text: Any) -> int | None:
    return len(text) if isinstance(text, str) else None


def _is_nfc(record: dict) -> bool:
    fields = ("text", "subject", "issuer", "number", "signer_name")
    return all(unicodedata.is_normalized("NFC", record[f]) for f in fields if isinstance(record.get(f), str))


def batch_rows(records: Iterable[dict]) -> list[dict[str, Any]]:
    """The columns the suite looks at, one dict per record (lists and bodies stay out of the frame)."""
    rows = []
    for record in records:
        row = {ID_COLUMN: record.get(ID_COLUMN)}
        row.update({name: _blank_to_none(record.get(name)) for name in (*IDENTITY_FIELDS, *REQUIRED_FIELDS)})
        # A constitution or a Công báo issue has no number-symbol: its absence is then no finding.
        exempt = row["number"] is None and record.get("doc_type") in NUMBERLESS_TYPES
        row["number_or_exempt"] = f"(none: {record.get('doc_type')})" if exempt else row["number"]
        row["issued_date"] = None if row["issued_date"] is None else str(row["issued_date"])
        row["issued_on"] = _parse_date(record.get("issued_date"))
        row["text_length"] = _text_length(record.get("text"))
        row["is_nfc"] = _is_nfc(record)
        row["text"] = None if row["text"] is None else "present"  # the frame does not need the body itself
        rows.append(row)
    return rows


def _required(field: str, severity: str = WARNING, column: str | None = None) -> Check:
    column = column or field

    def build(limits, today):
        import great_expectations.expectations as gxe

        return gxe.ExpectColumnValuesToNotBeNull(column=column, meta={"check": f"{field}_present"})

    return Check(
        f"{field}_present", column, build, lambda record, limits, today: f"{field} is missing", severity
    )


def _number_shape() -> Check:
    def build(limits, today):
        import great_expectations.expectations as gxe

        return gxe.ExpectColumnValuesToMatchRegexList(
            column="number", regex_list=list(NUMBER_PATTERNS), match_on="any", meta={"check": "number_shape"}
        )

    def explain(record, limits, today):
        return (
            f"number {record.get('number')!r} does not match the Party form (e.g. 168-TB/HU) "
            f"nor the State form (e.g. 12/CT-UBND, 12/2020/NĐ-CP)"
        )

    return Check("number_shape", "number", build, explain)


def _date_range() -> Check:
    def build(limits, today):
        import great_expectations.expectations as gxe

        return gxe.ExpectColumnValuesToBeBetween(
            column="issued_on",
            min_value=limits.earliest_issued,
            max_value=limits.latest_issued(today),
            meta={"check": "issued_date_range"},
        )

    def explain(record, limits, today):
        value = record.get("issued_date")
        span = f"{limits.earliest_issued.isoformat()} and {limits.latest_issued(today).isoformat()}"
        if _parse_date(value) == _INVALID_DATE:
            return f"issued_date {str(value)!r} is not a valid ISO date (YYYY-MM-DD) between {span}"
        return f"issued_date {str(value)!r} is not between {span}"

    return Check("issued_date_range", "issued_on", build, explain)


def _in_set(name: str, column: str, values: frozenset[str], what: str) -> Check:
    def build(limits, today):
        import great_expectations.expectations as gxe

        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(values), meta={"check": name})

    return Check(name, column, build, lambda record, limits, today: f"{column} {record.get(column)!r} {what}")


def _text_length_check() -> Check:
    def build(limits, today):
        import great_expectations.expectations as gxe

        return gxe.ExpectColumnValuesToBeBetween(
            column="text_length", min_value=limits.min_text_chars, meta={"check": "text_length"}
        )

    def explain(record, limits, today):
        return (
            f"text has {_text_length(record.get('text'))} characters, fewer than the "
            f"{limits.min_text_chars} a document needs"
        )

    return Check("text_length", "text_length", build, explain, CRITICAL)


def _nfc_check() -> Check:
    def build(limits, today):
        import great_expectations.expectations as gxe

        return gxe.ExpectColumnValuesToBeInSet(
            column="is_nfc", value_set=[True], meta={"check": "unicode_nfc"}
        )

    return Check(
        "unicode_nfc",
        "is_nfc",
        build,
        lambda record, limits, today: "text fields are not in Unicode NFC (decomposed Vietnamese diacritics)",
    )


CHECKS: tuple[Check, ...] = (
    *(_required(field, CRITICAL) for field in (*IDENTITY_FIELDS, *CRITICAL_FIELDS)),
    *(_required(field) for field in WARNING_FIELDS),
    _required("number", column="number_or_exempt"),
    _number_shape(),
    _date_range(),
    _in_set("doc_type_known", "doc_type", KNOWN_DOC_TYPES, "is not a known Party or State type code"),
    _in_set("family_known", "family", FAMILIES, "is neither 'party' nor 'state'"),
    _text_length_check(),
    _nfc_check(),
)
CHECKS_BY_NAME = {check.name: check for check in CHECKS}
CRITICAL_CHECKS = frozenset(check.name for check in CHECKS if check.severity == CRITICAL)


def build_suite(limits: SuiteLimits, today: date, name: str = SUITE_NAME):
    import great_expectations as gx

    return gx.ExpectationSuite(name=name, expectations=[check.build(limits, today) for check in CHECKS])
