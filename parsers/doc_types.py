"""The record's type vocabulary: a printed type name or a portal's type label -> the official code.

Lookups fold case and diacritics (portals print "Kế hoạch", documents "KẾ HOẠCH", OCR "KE HOACH") and take
the longest known name the label starts with ("Thông tư liên tịch" is not "Thông tư"; "Quyết định (QPPL)"
is a quyết định). Codes come from parsers/metadata_tables.py: DOC_TYPES (the codes numbers carry) and
RECORD_ONLY_TYPE_CODES (types whose numbers carry none). A label outside both is `other`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from parsers.metadata_tables import (
    DOC_TYPES,
    OTHER_TYPE,
    RECORD_ONLY_TYPE_CODES,
    STATE_ONLY_RECORD_TYPES,
    STATE_ONLY_TYPES,
    TYPE_LABEL_ALIASES,
)
from parsers.normalize import collapse_ws, fold_key, nfc

PARTY_NUMBER_RE = re.compile(r"^\d{1,5}-(?P<code>[A-ZĐa-zđ]{1,4})/[A-ZĐa-zđ0-9\-]+$")
STATE_NUMBER_RE = re.compile(r"^\d{1,5}/(?:\d{4}/)?(?P<head>[A-ZĐa-zđ][A-ZĐa-zđ0-9]*)(?:-[A-ZĐa-zđ0-9\-]+)?$")


@dataclass(frozen=True)
class TypeMatch:
    code: str  # official code, a record-only code or OTHER_TYPE
    name: str  # the canonical printed name (KẾ HOẠCH), or the label as printed for `other`


@cache
def _names_by_key() -> dict[str, str]:
    names = {fold_key(name): name for name in (*DOC_TYPES, *RECORD_ONLY_TYPE_CODES)}
    return dict(sorted(names.items(), key=lambda kv: -len(kv[0])))  # longest first


def canonical_type_name(label: str | None) -> str | None:
    """The vocabulary's printed name for a label (None for a label that names no type, or an unknown one)."""
    key = fold_key(collapse_ws(nfc(label or "")))
    if not key:
        return None
    if key in TYPE_LABEL_ALIASES:  # exact only: "Văn bản hợp nhất" is a type, "Văn bản" is not
        return TYPE_LABEL_ALIASES[key]
    for name_key, name in _names_by_key().items():
        if key == name_key or key.startswith(name_key + " ") or key.startswith(name_key + "("):
            return name
    return None


def code_for_name(name: str, family: str | None) -> str | None:
    """The code of a vocabulary name for a family (QUY ĐỊNH is QĐ for the Party, QyĐ for the State)."""
    if name in DOC_TYPES:
        party, state = DOC_TYPES[name]
        code = party if family == "party" else state if family == "state" else (party or state)
        if code:
            return code
        if party or state:  # a type the other family has a code for (KẾT LUẬN in a State portal)
            return party or state
    return RECORD_ONLY_TYPE_CODES.get(name)


def type_of_label(label: str | None, family: str | None) -> TypeMatch | None:
    """A portal's type label as the record's (code, name); `other` keeps an unknown label's printed name;
    None when the label is empty or says nothing ("Văn bản khác")."""
    printed = collapse_ws(nfc(label or "")).strip()
    if not printed:
        return None
    name = canonical_type_name(printed)
    if name is None:
        if fold_key(printed) in TYPE_LABEL_ALIASES:
            return None
        return TypeMatch(OTHER_TYPE, printed.upper())
    code = code_for_name(name, family)
    return TypeMatch(code or OTHER_TYPE, name)


def number_family(number: str | None) -> str | None:
    """party for 168-TB/HU, state for 12/CT-UBND or 15/2012/QH13, None for anything else."""
    if not number:
        return None
    if PARTY_NUMBER_RE.match(number):
        return "party"
    if STATE_NUMBER_RE.match(number):
        return "state"
    return None


def number_type_code(number: str | None, known: frozenset[str] | set[str]) -> str | None:
    """The type code a number carries (KL in 125-KL/TU, CT in 12/CT-UBND), when it is a known code."""
    if not number:
        return None
    m = PARTY_NUMBER_RE.match(number)
    code = m.group("code") if m else None
    if code is None:
        m = STATE_NUMBER_RE.match(number)
        code = m.group("head") if m and "-" in number.split("/")[-1] else None
    return code if code in known else None


def is_state_only(code: str | None, name: str | None) -> bool:
    return code in STATE_ONLY_RECORD_TYPES or (name or "") in STATE_ONLY_TYPES
