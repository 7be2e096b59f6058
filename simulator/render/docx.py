"""The document as a Word .docx, laid out as real ones are: the header and the closing area are borderless
two-column tables, type line and subject centred, body justified with a first-line indent."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from simulator.corpus import SeedDocument

FONT = "Times New Roman"  # what 36-HD/VPTW prescribes; Word substitutes if it is missing
AUTHORS = ("VPTU", "Admin", "HP", "Van thu")


def _run(par, text: str, size: float = 14, bold=False, italic=False):
    run = par.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    run.font.name = FONT
    run.font.color.rgb = RGBColor(0, 0, 0)
    return run


def _line(
    cell_or_doc, text: str, size=14, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, first=False
):
    par = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    par.alignment = align
    par.paragraph_format.space_after = Pt(0)
    _run(par, text, size, bold, italic)
    return par


def _borderless_table(document, widths_cm: tuple[float, float]):
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:  # the default style has none; drop any to be sure the table is invisible
        table._tbl.tblPr.remove(borders)
    for cell, w in zip(table.rows[0].cells, widths_cm, strict=True):
        cell.width = Cm(w)
    return table.rows[0].cells


def render_docx(doc: SeedDocument, revision: int = 0) -> bytes:
    if revision < 0:
        raise ValueError(f"revision must be >= 0, not {revision}")
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.font.size = Pt(14)

    left, right = _borderless_table(document, (7.0, 9.5))
    for i, line in enumerate(doc.issuer_lines):
        _line(left, line, 13, bold=(i == len(doc.issuer_lines) - 1), first=(i == 0))
    _line(left, "*" if doc.family == "party" else "", 13)
    _line(left, doc.number_line, 13)
    for i, line in enumerate(doc.title_lines):
        par = _line(right, line, 14 if doc.family == "party" else 13, bold=True, first=(i == 0))
    par.runs[-1].underline = True  # Word users draw the rule under the title as an underline or a line shape
    _line(right, doc.place_date_line, 14, italic=True)

    _line(document, "", 12)
    _line(document, doc.type_line, 16, bold=True)
    for line in doc.subject_lines:
        _line(document, line, 14, bold=True)
    _line(document, "", 12)
    for p in doc.paragraphs:
        par = document.add_paragraph()
        par.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        par.paragraph_format.first_line_indent = Cm(1)
        par.paragraph_format.space_after = Pt(6)
        for span in p.spans:
            _run(par, span.text, 14, span.bold, span.italic)

    if doc.recipient_lines or doc.signature is not None:
        left, right = _borderless_table(document, (8.5, 8.0))
        if doc.recipient_lines:
            _line(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
            for line in doc.recipient_lines:
                _line(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
        if doc.signature is not None:
            lines = doc.signature_lines()
            for i, line in enumerate(lines[:-1]):
                _line(right, line, 14, bold=True, first=(i == 0))
            for _ in range(3):  # the space where the signature and the seal go
                _line(right, "", 14)
            _line(right, lines[-1], 14, bold=True)

    props = document.core_properties
    issued = date.fromisoformat(doc.record["issued_date"])
    created = datetime(issued.year, issued.month, issued.day, 8, 30) + timedelta(
        days=revision, minutes=7 * revision
    )
    props.author = props.last_modified_by = AUTHORS[revision % len(AUTHORS)]
    props.created = props.modified = created
    props.revision = revision + 1
    props.title = " ".join([doc.type_line, *doc.subject_lines])[:120]
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the zip with a fixed timestamp on every member: python-docx stamps the current time."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
