"""Extracted text -> the fields of the document record (see docs/design.md and
/work/shared/reference/document-format-rules.md).

    from parsers.metadata import fields_from_text
    fields = fields_from_text(text)   # dict: family, doc_type, number, ..., body, text, warnings

The text may come in the extraction layer's block order (left header block, right header block, type line,
trích yếu, body, 'Nơi nhận:' and signature blocks), or in another order (OCR, HTML articles, Word files):
each field is found by what it looks like, not by its position alone.
"""

from __future__ import annotations

import re
from datetime import date

from parsers.fields import LABELLED_FIELDS
from parsers.metadata_closing import (
    _KINH_GUI,
    _NOI_NHAN,
    closing_line,
    find_label,
    find_signature,
    recipient_list,
    unlabelled_recipients,
)
from parsers.metadata_header import (
    attached_number_style,
    find_type_line,
    issuer_from_lines,
    nonstandard_opening,
    parse_number,
    place_date_month,
    repair_phrases,
    scan_header,
    subject_lines,
    type_of_line,
    vv_subject,
)
from parsers.metadata_repairs import repair_ve_viec, restore_accents
from parsers.metadata_tables import DOC_TYPES, OTHER_TYPE, STATE_ONLY_TYPES
from parsers.normalize import clean_line, fold, fold_key, is_caps, nfc, strip_markdown

FIELD_NAMES = LABELLED_FIELDS  # the labelled header fields (parsers/fields.py defines them)
# Types whose documents carry neither a 'Nơi nhận:' list nor, for some, a number.
_NO_RECIPIENTS = {"LUẬT", "BỘ LUẬT", "HIẾN PHÁP", "PHÁP LỆNH", "VĂN BẢN HỢP NHẤT"}
_NO_NUMBER = {"HIẾN PHÁP"}
# A 'Kính gửi:' this many non-blank lines after the trích yếu still belongs to the header (margin notes
# and OCR debris can sit between them).
KINH_GUI_WINDOW = 12
_PARTY_ISSUER_WORDS = (
    "dang bo",
    "tinh uy",
    "huyen uy",
    "thanh uy",
    "thi uy",
    "quan uy",
    "dang uy",
    "chi bo",
    "ban thuong vu",
    "ban chap hanh",
)


def issuer_family(issuer: str | None) -> str | None:
    """'party' when the issuer's name is a Party body (Đảng bộ, Tỉnh ủy, Ban Thường vụ...), else 'state'."""
    if not issuer:
        return None
    return "party" if fold_key(issuer).startswith(_PARTY_ISSUER_WORDS) else "state"


def document_lines(text: str) -> list[str]:
    """NFC lines without markdown markers; a Word table row '|a|b|' becomes one line per cell."""
    out: list[str] = []
    for raw in strip_markdown(nfc(text or "")).replace("\u00d0", "Đ").split("\n"):
        line = clean_line(raw)
        if line.startswith("|") and line.endswith("|") and line.count("|") >= 2:
            out.extend(clean_line(cell) for cell in line.strip("|").split("|") if clean_line(cell))
        else:
            out.append(line)
    return out


_FOOTNOTE_DEF = re.compile(r"^\[\^[^\]]{1,4}\]:")


def fields_from_text(text: str, ocr: bool = False) -> dict:
    """All record fields that come from the text (not pages/page_sources/ocr_confidence).  `ocr`: the text
    of page 1 was read by OCR (a number filled in by hand is then left out, parse_number)."""
    warnings: list[str] = []
    lines = document_lines(text)
    # the extraction puts page footnotes last ('[^1]: …'): they are neither body nor closing
    notes_at = next((i for i, line in enumerate(lines) if _FOOTNOTE_DEF.match(line)), len(lines))
    lines = _split_merged_header_rows(_without_signing_stamps(lines[:notes_at]))
    head = scan_header(lines)
    lines = lines[: head.end + 1] + [_label_out_of_debris(line) for line in lines[head.end + 1 :]]
    issuer, issuer_parent = issuer_from_lines(head.issuer_lines, warnings)
    number = None
    if head.number_line is not None:
        number = parse_number(lines[head.number_line], warnings, issuer, ocr=ocr)
    place, issued, issued_month = _place_and_date(lines, head, warnings)

    type_name = printed_type = None
    type_at = find_type_line(lines, head.end + 1)
    if type_at is not None:
        type_name, printed_type, rest = type_of_line(lines[type_at])
        subject_parts, body_start = subject_lines(lines, type_at + 1, rest)
        # a capitals line of the trích yếu ('KẾT LUẬN CỦA THƯỜNG TRỰC TỈNH ỦY') holds header phrases too
        subject = " ".join(repair_phrases(part, warnings) for part in subject_parts) or None
        subject = repair_ve_viec(subject, warnings)
    elif head.vv_line is not None:
        subject, body_start = vv_subject(lines, head.vv_line)
        type_name = printed_type = "CÔNG VĂN"
    elif head.end < 0 and (opening := nonstandard_opening(lines)) is not None:
        # a Tham luận, a speech…: no header, its genre's name, its title and the presenting body
        printed_type, body_start = opening.printed_type, opening.body_start
        subject = " ".join(opening.subject_lines) or None
        if issuer is None and opening.presenter:
            issuer = opening.presenter
    else:
        subject, body_start = None, head.end + 1

    family = _family(head.motto_family, number, type_name, issuer, warnings, lines)
    lines = lines[: _appendix_start(lines, body_start)]
    lines = lines[:body_start] + [closing_line(line, family, warnings) for line in lines[body_start:]]
    kinh_gui = find_label(lines, _KINH_GUI, max(head.end, 0))
    recipients: list[str] = []
    if kinh_gui is not None and _nonblank_between(lines, body_start, kinh_gui) <= KINH_GUI_WINDOW:
        recipients, body_start = recipient_list(lines, kinh_gui, _KINH_GUI)
    noi_nhan = find_label(lines, _NOI_NHAN, body_start, last=True)
    recipients_end = None
    if noi_nhan is not None:
        listed, recipients_end = recipient_list(lines, noi_nhan, _NOI_NHAN)
        recipients += [r for r in listed if r not in recipients]
    closing = find_signature(lines, body_start, noi_nhan, recipients_end, warnings, ocr=ocr)
    if noi_nhan is None and closing.signature_start is not None:
        unlabelled = unlabelled_recipients(lines, body_start, closing.signature_start)
        if unlabelled is not None:
            noi_nhan, listed = unlabelled
            recipients += [r for r in listed if r not in recipients]
            warnings.append("recipients read from a list with no 'Nơi nhận:' label (OCR lost it?)")

    doc_type = _doc_type(family, number, type_name, warnings)
    if doc_type is None and printed_type and type_name is None:
        doc_type = OTHER_TYPE  # a genre outside the type tables keeps its printed name
    body_end = min(x for x in (noi_nhan, closing.signature_start, len(lines)) if x is not None)
    fields = {
        "family": family,
        "doc_type": doc_type,
        "doc_type_name": printed_type,
        "number": number.value if number else None,
        "issuer": issuer,
        "issuer_parent": issuer_parent,
        "place": place,
        "issued_date": issued,
        "issued_month": issued_month,
        "subject": subject,
        "signing_authority": closing.signing_authority,
        "on_behalf_of": closing.on_behalf_of,
        "signing_chain": closing.signing_chain,
        "signer_title": closing.signer_title,
        "signer_name": closing.signer_name,
        "recipients": recipients,
        "body": _join_body(lines[body_start:body_end]),
        "text": nfc(text or ""),
    }
    for name in (
        "doc_type_name",
        "issuer",
        "issuer_parent",
        "place",
        "on_behalf_of",
        "signer_title",
    ):
        fields[name] = restore_accents(fields[name], warnings)
    fields["subject"] = restore_accents(fields["subject"], warnings, running_text=True)
    fields["signing_chain"] = [restore_accents(a, warnings) for a in fields["signing_chain"]]
    fields["recipients"] = [restore_accents(r, warnings) for r in fields["recipients"]]
    if doc_type == "CV" and not fields["doc_type_name"]:
        fields["doc_type_name"] = "CÔNG VĂN"
    _warn_missing(fields, type_name, warnings)
    fields["warnings"] = warnings
    return fields


# The visible stamp of a digital signature, read by OCR: the signer's name over the signing time
# ('Ủy ban Mặt trận tổ quốc Việt Nam tỉnh' / '25/09/2025 16:59:22').  Text-layer stamps are removed by the
# extraction (parsers/layout.py remove_stamps); these come from the page image.
_SIGNING_TIME = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}(:\d{2})?(\s*[+-]\d{2}:?\d{2})?$")
STAMP_NAME_CHARS = 60


def _without_signing_stamps(lines: list[str]) -> list[str]:
    out = list(lines)
    for i, line in enumerate(lines):
        if not _SIGNING_TIME.match(line):
            continue
        out[i] = ""
        above = i - 1
        if above >= 0 and lines[above] and len(lines[above]) <= STAMP_NAME_CHARS and "," not in lines[above]:
            out[above] = ""
    return out


# OCR reads the two header columns as one row: '… ngày 26 tháng 8 năm 2025 V/v cử nhân sự …'
_VV_AFTER_DATE = re.compile(r"(?<=\bn[a-z]m\s\d{4})\s+(?=[Vƒ]\s*/\s*[vV]\b)", re.IGNORECASE)
MERGED_ROW_LINES = 40


def _split_merged_header_rows(lines: list[str]) -> list[str]:
    """A V/v trích yếu after the place-and-date on the same line starts a line of its own."""
    out: list[str] = []
    for i, line in enumerate(lines):
        m = _VV_AFTER_DATE.search(fold(line)) if i < MERGED_ROW_LINES and line else None
        if m:
            out += [line[: m.start()], line[m.end() :]]
        else:
            out.append(line)
    return out


# OCR glues a margin stamp's text ('ĐẾN Số: … Chuyển: …', the received stamp) before a label it overlaps
_DEBRIS_BEFORE_LABEL = re.compile(r"^(.{1,30}?)\s(kinh\s*gui\s*:)", re.IGNORECASE)


def _label_out_of_debris(line: str) -> str:
    """'2M trì sự» Đủ, Ki Kính gửi: Lãnh đạo …' -> 'Kính gửi: Lãnh đạo …' (the start is a stamp's debris)."""
    if not line or _KINH_GUI.match(fold(line)):
        return line
    m = _DEBRIS_BEFORE_LABEL.match(fold(line))
    if not m or re.search(r"\bnhu\s*$", m.group(1), re.IGNORECASE):
        return line  # '- Như kính gửi;' is a Nơi nhận entry
    return line[m.start(2) :]


_APPENDIX = re.compile(r"^PHU LUC(\s+([IVXLC]+|\d+|[A-Z]))?\s*$")


def _appendix_start(lines: list[str], body_start: int) -> int:
    """Index of an appendix heading ('PHỤ LỤC', 'PHỤ LỤC II') or of a second document's header printed
    after the closing (a 'Nơi nhận:' before it): neither is body or closing of the first document, whose
    signature is looked for before it."""
    seen_closing = False
    for i in range(max(body_start, 0), len(lines)):
        line = lines[i]
        if not line:
            continue
        if _NOI_NHAN.match(fold(line)):
            seen_closing = True
        elif seen_closing and (_APPENDIX.match(fold(line)) or _prints_motto(line)):
            return i  # an appendix, or a second document (a draft filed after the signed one)
    return len(lines)


_MOTTOS = re.compile(r"CONG HOA XA HOI CHU NGHIA VIET NAM|DANG CONG SAN VIET NAM")


def _prints_motto(line: str) -> bool:
    """The line holds a national or Party motto in capitals: only a document's header prints one."""
    m = _MOTTOS.search(fold(line))
    return bool(m) and is_caps(line[m.start() : m.end()])


def _nonblank_between(lines: list[str], lo: int, hi: int) -> int:
    return sum(1 for line in lines[lo:hi] if line)


def _place_and_date(
    lines: list[str], head, warnings: list[str]
) -> tuple[str | None, date | None, str | None]:
    if head.date_line is None:
        return None, None, None
    line = lines[head.date_line]
    after = 0
    if head.date_line == head.number_line:  # OCR merged 'Số: …' with the place-and-date: skip the number
        m = re.search(r"[/\-][A-Za-zĐđ0-9&\-]+\s+", line)
        after = m.end() if m else 0
    return place_date_month(line, warnings, after)


def _family(
    motto: str | None,
    number,
    type_name: str | None,
    issuer: str | None,
    warnings: list[str],
    lines: list[str] = (),
) -> str | None:
    by_number = number.style if number else None
    if motto in ("party", "state"):
        if by_number and by_number != motto:
            warnings.append(f"header says {motto} but the number is {by_number}-style; kept {motto}")
        return motto
    if by_number:
        return by_number
    if type_name in STATE_ONLY_TYPES:
        return "state"
    if issuer:
        return issuer_family(issuer)
    attached = attached_number_style(lines)  # a bare appendix: the family of the document it belongs to
    if attached:
        return attached
    warnings.append("family undetermined: no motto, number, issuer or State-only type")
    return None


def _doc_type(family: str | None, number, type_name: str | None, warnings: list[str]) -> str | None:
    by_name = None
    if type_name in DOC_TYPES:
        party_code, state_code = DOC_TYPES[type_name]
        by_name = party_code if family == "party" else state_code
    by_number = number.type_code if number else None
    if by_number and by_name and by_number != by_name:
        warnings.append(f"type line says {by_name} but the number says {by_number}; kept {by_number}")
    return by_number or by_name


_RUNNING_HEADER = re.compile(r"^(\d+\s+)?CÔNG BÁO/Số [\d +]+/Ngày [\d-]+(\s+\d+)?$")


def _join_body(lines: list[str]) -> str | None:
    """The body's lines; the Official Gazette's running headers ('CÔNG BÁO/Số …/Ngày …') are not content."""
    text = "\n".join(line for line in lines if not _RUNNING_HEADER.match(line))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text or None


def _warn_missing(fields: dict, type_name: str | None, warnings: list[str]) -> None:
    expected = ["issuer", "issued_date", "subject", "signer_name"]
    if type_name is None or any(DOC_TYPES.get(type_name, (None, None))):
        expected.append("doc_type")
    if type_name not in _NO_NUMBER:
        expected.append("number")
    if type_name not in _NO_RECIPIENTS:
        expected.append("recipients")
    for name in expected:
        if not fields.get(name) and not any(w.startswith(name.replace("_", " ")) for w in warnings):
            warnings.append(f"{name} not found")
