"""The code sets the suite checks against, taken from the parsers' tables so there is one source of truth.

Sources: Quy định 66-QĐ/TW + Hướng dẫn 36-HD/VPTW (Party), NĐ 30/2020 Phụ lục III (State); see
/work/shared/reference/document-format-rules.md and parsers/metadata_tables.py.
"""

from __future__ import annotations

from parsers.metadata_tables import OTHER_TYPE, PARTY_TYPE_CODES, RECORD_ONLY_TYPE_CODES, STATE_TYPE_CODES

FAMILIES = frozenset({"party", "state"})
PARTY_DOC_TYPES = frozenset(PARTY_TYPE_CODES)
STATE_DOC_TYPES = frozenset(STATE_TYPE_CODES)
# Codes of types whose numbers carry none (Luật, Hiến pháp, Án lệ, Công báo...) and `other`.
RECORD_DOC_TYPES = frozenset(RECORD_ONLY_TYPE_CODES.values()) | {OTHER_TYPE}
KNOWN_DOC_TYPES = PARTY_DOC_TYPES | STATE_DOC_TYPES | RECORD_DOC_TYPES

# Number-symbol shapes (document-format-rules.md §7), anchored, on the canonical form (no `Số:`, no spaces).
# Party: <number>-<type code>/<issuer symbol>, e.g. 168-TB/HU, 08-CT/TU, 12-CV/BTGTU.
PARTY_NUMBER = r"^\d{1,5}-[A-ZĐa-zđ]{1,4}/[A-ZĐa-zđ\-]+$"
# State: <number>/[<year>/]<type code or issuer>[-<issuer and unit>], e.g. 12/CT-UBND, 12/2020/NĐ-CP (QPPL),
# 1906/SGDĐT-CTrTT (a công văn has no type code). Digits may follow the letters (45/2019/QH14).
STATE_NUMBER = r"^\d{1,5}/(?:\d{4}/)?[A-ZĐa-zđ][A-ZĐa-zđ0-9]*(?:-[A-ZĐa-zđ0-9\-]+)?$"
NUMBER_PATTERNS = (PARTY_NUMBER, STATE_NUMBER)
