"""The record from its two witnesses: the portal's metadata and the file's own text, merged field by field.

THE RULE (docs/design.md, "Two witnesses"), for each field both can give (number, issued_date, subject,
doc_type, issuer, signer_name):

1. only one witness has a value            -> that value; source `text` or `portal`
2. both have it and they agree (compared    -> the text's value, as the document prints it; `both-agree`
   folded: case, diacritics, spacing; a
   subject or issuer may contain the other)
3. they disagree, the text value is         -> the text's value (the signed document is the authority);
   trustworthy                                 `conflict`, and a warning naming both values
4. they disagree and the text value is not  -> the portal's value; `portal`, and a warning saying why the
   trustworthy: OCR below OCR_TRUST mean       text value was set aside
   confidence, or the value is implausible
   (not Vietnamese letters / wrong script /
   mojibake, a garbled subject, a number or
   date of no valid shape)

Fields only the text gives (place, signer_title, recipients...) are `text`. `family` is derived after the
merge: the header's motto when the text shows one, else the merged number's style, a State-only type, or
the issuer's words. The document's `text` (and `body`) are never changed by the merge.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rapidfuzz import fuzz

from parsers.doc_types import (
    code_for_name,
    is_state_only,
    number_family,
    number_type_code,
    type_of_label,
)
from parsers.fields import LABELLED_FIELDS
from parsers.legacy import is_vietnamese_syllable
from parsers.metadata import issuer_family
from parsers.normalize import collapse_ws, fold_key, nfc
from quality.codes import KNOWN_DOC_TYPES

TEXT, PORTAL, BOTH, CONFLICT = "text", "portal", "both-agree", "conflict"
# Below this mean Tesseract confidence an OCRed header is not trusted against the portal's table.
OCR_TRUST = 70.0
# Similarity (rapidfuzz ratio, 0-100) from which two printed values are the same value.
SAME_TEXT_RATIO = 90
EARLIEST_DATE = date(1930, 1, 1)
# field of the record -> key of DocumentRef.listed (scrapers/adapters/nukeviet_laws.py).
PORTAL_KEYS = {
    "number": "number",
    "issued_date": "issued_date",
    "subject": "subject",
    "issuer": "issuer",
    "signer_name": "signer",
}
_VIET_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Trust:
    """Whether the text's values can stand against the portal's, and why not."""

    ocr_weak: bool
    reason: str | None = None


def text_trust(record: dict[str, Any]) -> Trust:
    sources = record.get("page_sources") or []
    confidence = record.get("ocr_confidence")
    if "ocr" in sources and confidence is not None and confidence < OCR_TRUST:
        return Trust(True, f"the text is OCR with mean confidence {confidence:.0f} < {OCR_TRUST:.0f}")
    return Trust(False)


def _foreign_share(value: str) -> float:
    """Share of a value's letters that are not Vietnamese-Latin (other scripts, legacy-font mojibake,
    U+FFFD)."""
    letters = [c for c in value if c.isalpha() or c == "\ufffd" or unicodedata.category(c) in ("So", "Co")]
    if not letters:
        return 0.0
    foreign = 0
    for ch in letters:
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0].lower(), set(decomposed[1:])
        if not (("a" <= base <= "z" or base == "đ") and marks <= _VIET_MARKS):
            foreign += 1
    return foreign / len(letters)


def implausible(field: str, value: Any) -> str | None:
    """Why a text value cannot be what the document says (None: plausible)."""
    if value in (None, "", []):
        return None
    if field == "issued_date":
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return f"{value!r} is not a date"
        if not EARLIEST_DATE <= day <= date.today() + timedelta(days=1):
            return f"{value} is outside {EARLIEST_DATE.year}..today"
        return None
    text = str(value)
    if _foreign_share(text) > 0.05:
        return f"{text[:40]!r} is not Vietnamese text (wrong script or mojibake)"
    if field == "number":
        return None if number_family(text) else f"{text!r} has no number-symbol shape"
    if field == "subject":
        words = [w for w in _WORD_RE.findall(text) if len(w) > 1]
        if len(words) >= 4 and sum(map(is_vietnamese_syllable, words)) / len(words) < 0.6:
            return f"{text[:40]!r} is garbled (few Vietnamese syllables)"
    return None


def _portal_value(field: str, raw: Any, warnings: list[str]) -> Any:
    if raw in (None, ""):
        return None
    value = collapse_ws(nfc(str(raw))).strip()
    if field == "number":  # canonical: no "Số", no spaces around - and / ("1093 + 1094" keeps its own)
        value = re.sub(r"^(?:số|so)\s*[:.]?\s*", "", value, flags=re.IGNORECASE)
        value = re.sub(r"\s*([/-])\s*", r"\1", value)
    if field == "issued_date":
        try:
            value = date.fromisoformat(value).isoformat()
        except ValueError:
            warnings.append(f"portal's issued_date {raw!r} is not an ISO date; ignored")
            return None
    return value or None


def _folded(value: Any) -> str:
    return re.sub(r"[\s.,;:\"'“”()]+", " ", fold_key(str(value))).strip()


def agree(field: str, text_value: Any, portal_value: Any) -> bool:
    a, b = _folded(text_value), _folded(portal_value)
    if field in ("number", "issued_date", "signer_name"):
        return a.replace(" ", "") == b.replace(" ", "")
    if a == b or (min(len(a), len(b)) >= 8 and (a in b or b in a)):
        return True
    return fuzz.ratio(a, b) >= SAME_TEXT_RATIO


@dataclass
class _Merge:
    record: dict[str, Any]
    sources: dict[str, str]
    warnings: list[str]
    trust: Trust

    def take(self, field: str, text_value: Any, portal_value: Any) -> str | None:
        """Apply the rule to one field; returns the source and sets the value."""
        if text_value in (None, "", []) and portal_value in (None, ""):
            return None
        if portal_value in (None, ""):
            self.sources[field] = TEXT
            return TEXT
        if text_value in (None, "", []):
            printed = _printed_line(self.record.get("text"), portal_value) if field in _LINE_FIELDS else None
            if printed:  # the parser missed it, the portal's value shows where it is printed
                self.record[field] = printed
                self.sources[field] = BOTH
                self.warnings.append(
                    f"{field} {printed!r} found in the text by the portal's {portal_value!r}"
                )
                return BOTH
            self.record[field] = portal_value
            self.sources[field] = PORTAL
            self.warnings.append(
                f"{field} taken from the portal ({portal_value!r}); the document does not show it"
            )
            return PORTAL
        if agree(field, text_value, portal_value):
            self.sources[field] = BOTH
            restored = _with_portal_marks(text_value, portal_value)
            if restored != text_value:
                self.record[field] = restored
                self.warnings.append(
                    f"{field}: tone marks restored from the portal ({text_value!r} -> {restored!r})"
                )
            return BOTH
        why = self.trust.reason if self.trust.ocr_weak else implausible(field, text_value)
        if why:
            self.record[field] = portal_value
            self.sources[field] = PORTAL
            self.warnings.append(
                f"{field}: the portal's {portal_value!r} kept over the document's {text_value!r} ({why})"
            )
            return PORTAL
        self.sources[field] = CONFLICT
        self.warnings.append(
            f"{field}: the portal lists {portal_value!r}, the document shows {text_value!r}; "
            "kept the document's"
        )
        return CONFLICT


# Fields printed on a line of their own (a header line, the signer's name): the text's form of the
# portal's value can be found there when the parser missed it.
_LINE_FIELDS = ("issuer", "signer_name")


def _printed_line(text: str | None, portal_value: str) -> str | None:
    """The document's own line that is the portal's value (folded), as printed; None when absent."""
    wanted = _folded(portal_value)
    if not text or len(wanted) < 6:
        return None
    for line in text.splitlines():
        line = collapse_ws(line.strip(" *_#|\t"))
        if line and _folded(line) == wanted:
            return line
    return None


def _marks(value: str) -> int:
    return sum(1 for ch in unicodedata.normalize("NFD", value) if unicodedata.combining(ch) or ch in "đĐ")


def _with_portal_marks(text_value: Any, portal_value: Any) -> Any:
    """The text's value with the portal's diacritics when both are the same letters and the text has lost
    some (OCR drops tone marks: 'HUYỆN ỦY CAM THUY' vs 'Huyện ủy Cẩm Thủy'); the text's casing is kept."""
    if not isinstance(text_value, str) or not isinstance(portal_value, str):
        return text_value
    if len(text_value) != len(portal_value) or fold_key(text_value) != fold_key(portal_value):
        return text_value
    if _marks(portal_value) <= _marks(text_value):
        return text_value
    out = []
    for t, p in zip(text_value, portal_value, strict=True):
        out.append(p.upper() if t.isupper() else p.lower() if t.islower() else p)
    return "".join(out)


def merge_witnesses(record: dict[str, Any], listed: dict[str, Any]) -> dict[str, Any]:
    """The record merged with the portal's metadata by THE RULE above, with `field_sources` filled in."""
    merged = dict(record)
    m = _Merge(merged, {}, list(merged.get("warnings") or []), text_trust(merged))
    for field, key in PORTAL_KEYS.items():
        m.take(field, merged.get(field), _portal_value(field, listed.get(key), m.warnings))
    _merge_family(m)
    _merge_type(m, listed.get("doc_type_label"))
    if not merged.get("family"):  # a type found only now may still tell it (a law, a court precedent)
        _merge_family(m)
    for field in LABELLED_FIELDS:
        if field not in m.sources and merged.get(field) not in (None, "", []):
            m.sources[field] = TEXT
    merged["field_sources"] = dict(sorted(m.sources.items()))
    merged["warnings"] = m.warnings
    return merged


def _merge_family(m: _Merge) -> None:
    record = m.record
    if record.get("family"):
        m.sources.setdefault("family", TEXT)
        return
    candidates = (
        ("number", number_family(record.get("number"))),
        ("doc_type", "state" if is_state_only(record.get("doc_type"), record.get("doc_type_name")) else None),
        ("issuer", issuer_family(record.get("issuer"))),
    )
    for field, family in candidates:
        if family:
            record["family"] = family
            m.sources["family"] = m.sources.get(field, TEXT) if m.sources.get(field) != BOTH else BOTH
            m.warnings.append(f"family {family} derived from the {field} after the merge")
            return


def _merge_type(m: _Merge, label: str | None) -> None:
    record = m.record
    family = record.get("family")
    if not record.get("doc_type") and record.get("doc_type_name"):
        code = code_for_name(record["doc_type_name"], family)  # a law's type has a record code only
        if code:
            record["doc_type"] = code
    portal = type_of_label(label, family)
    source = m.take("doc_type", record.get("doc_type"), portal.code if portal else None)
    if source == PORTAL and portal:
        record["doc_type_name"] = portal.name
        m.sources["doc_type_name"] = PORTAL
    elif source == BOTH:
        m.sources["doc_type_name"] = BOTH if record.get("doc_type_name") else TEXT
    if not record.get("doc_type"):
        code = number_type_code(record.get("number"), KNOWN_DOC_TYPES)
        if code:
            record["doc_type"] = code
            m.sources["doc_type"] = m.sources.get("number", TEXT)
            m.warnings.append(f"doc_type {code} read from the number {record['number']}")
