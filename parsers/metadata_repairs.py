"""Repairs of OCR damage that need context: the province in an issuer's name, the issuer code in a number.

Both follow the rule of the header module: a repair is made only when its result is one known value reached
by a small edit, and it is reported in `warnings`; anything else is left as printed (or dropped upstream).
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from parsers.metadata_tables import PARTY_ISSUER_CODE_BY_NAME, PARTY_TYPE_CODES, PROVINCES
from parsers.normalize import fold, fold_key

MAX_PROVINCE_EDITS = 2  # accent-free edits; the closest two provinces ('HA NAM'/'HA NOI') are 2 apart...
# ...so a damaged name is repaired only when it is strictly closer to one province than to any other.
_PROVINCE_AFTER = re.compile(r"^(.*?\bTỈNH(?: ỦY)?\s+)(.+)$")
_DAMAGED_PARTY_NUMBER = re.compile(r"^(\d{1,5})[.,_–—~-]([A-Za-zĐđ]{1,5})/([A-Za-z0-9|]{1,4})$")
_FOLDED_PROVINCES = {fold(p): p for p in PROVINCES}


def repair_province(line: str, warnings: list[str]) -> str:
    """'TỈNH ỦY GIÁ KAI' -> 'TỈNH ỦY GIA LAI': the name after 'TỈNH' is fuzzy-matched to the province list."""
    m = _PROVINCE_AFTER.match(line)
    if not m or len(m.group(2)) < 4:
        return line
    printed = m.group(2)
    folded = fold(printed)
    if folded in _FOLDED_PROVINCES:
        return line
    ranked = sorted((Levenshtein.distance(folded, f), p) for f, p in _FOLDED_PROVINCES.items())
    (best, province), (second, _) = ranked[0], ranked[1]
    if best > MAX_PROVINCE_EDITS or second <= best:
        return line
    warnings.append(f"repaired OCR damage: '{printed}' -> '{province}'")
    return m.group(1) + province


def repair_party_number(compact: str, issuer: str | None) -> str | None:
    """'08.CT/ru' with issuer 'TỈNH ỦY …' -> '08-CT/TU': the separator becomes '-', the type code must be a
    known one, and the issuer code may only become the code the issuer's name implies, one edit away."""
    m = _DAMAGED_PARTY_NUMBER.match(compact)
    if not m or not issuer:
        return None
    digits, type_code, issuer_code = m.groups()
    known_type = next((t for t in PARTY_TYPE_CODES if t.upper() == type_code.upper()), None)
    key = fold_key(issuer)
    implied = next((code for start, code in PARTY_ISSUER_CODE_BY_NAME.items() if key.startswith(start)), None)
    if not known_type or not implied or Levenshtein.distance(issuer_code.upper(), implied) > 1:
        return None
    return f"{digits}-{known_type}/{implied}"
