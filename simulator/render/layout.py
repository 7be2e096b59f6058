"""The shared A4 layout of a Party/State document (Hướng dẫn 36-HD/VPTW; NĐ 30/2020 for State documents).

Two-column header (issuing body + '*' + number | national/Party title with a rule + italic place-date),
centred type line and subject, justified body with first-line indents over several pages (page numbers at the
top of pages 2+), and a two-column closing area (Nơi nhận | signature with a red seal outline).
Deterministic: reportlab invariant mode, fixed metadata chosen from `revision`.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as RLParagraph

from simulator.corpus import SeedDocument

from .scripts import UnicodeScript, is_caps

PAGE_W, PAGE_H = A4
MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
FRAME_W = PAGE_W - MARGINS["left"] - MARGINS["right"]
BODY_SIZE = 14
SMALL_SIZE = 10

# (creator, producer) pairs seen on real portals; a revision picks the next one, as a later re-export.
PRODUCERS = (
    ("Microsoft® Word 2016", "Microsoft® Word 2016"),
    ("Microsoft® Word 2019", "Microsoft® Word 2019"),
    ("PScript5.dll Version 5.2.2", "Acrobat Distiller 11.0 (Windows)"),
    ("Microsoft® Word for Microsoft 365", "Microsoft® Word for Microsoft 365"),
)


@dataclass(frozen=True)
class PdfMeta:
    creator: str
    producer: str
    author: str
    created: datetime

    @classmethod
    def for_revision(cls, doc: SeedDocument, revision: int, producers=PRODUCERS) -> PdfMeta:
        creator, producer = producers[revision % len(producers)]
        issued = date.fromisoformat(doc.record["issued_date"])
        created = datetime(issued.year, issued.month, issued.day, 8, 30) + timedelta(
            days=revision, minutes=7 * revision
        )
        # Word writes the account name as Author; a re-export is often made on another machine.
        author = ("VPTU", "Admin", "HP", "Van thu")[revision % 4]
        return cls(creator=creator, producer=producer, author=author, created=created)


def _style(name: str, size: float, align=TA_CENTER, leading: float | None = None, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontSize=size, leading=leading or size * 1.25, alignment=align, **kw)


class Seal(Flowable):
    """A simple red round seal outline (two rings and a star), as stamped over a signature."""

    def __init__(self, diameter: float = 34 * mm, height: float = 30 * mm):
        super().__init__()
        self.diameter, self.height = diameter, height

    def wrap(self, avail_w, avail_h):
        self.width = avail_w
        return avail_w, self.height

    def draw(self):
        c = self.canv
        r = self.diameter / 2
        cx, cy = self.width / 2 - 12 * mm, self.height / 2
        c.saveState()
        c.setStrokeColor(colors.Color(0.8, 0.1, 0.1))
        c.setFillColor(colors.Color(0.8, 0.1, 0.1))
        c.setLineWidth(1.6)
        c.circle(cx, cy, r, stroke=1, fill=0)
        c.setLineWidth(0.8)
        c.circle(cx, cy, r * 0.72, stroke=1, fill=0)
        p = c.beginPath()

        for k in range(10):
            rr = r * (0.3 if k % 2 == 0 else 0.12)
            a = math.pi / 2 + k * math.pi / 5
            (p.moveTo if k == 0 else p.lineTo)(cx + rr * math.cos(a), cy + rr * math.sin(a))
        p.close()
        c.drawPath(p, stroke=0, fill=1)
        c.restoreState()


class DocumentLayout:
    """Builds the flowables of a document for one script (Unicode or a legacy encoding)."""

    def __init__(self, script=None):
        self.script = script or UnicodeScript()

    def para(self, text: str, style: ParagraphStyle, bold=False, italic=False) -> RLParagraph:
        return RLParagraph(self.script.markup(text, bold, italic), style)

    def header(self, doc: SeedDocument) -> Table:
        s = _style("hdr", 13)
        left = []
        for i, line in enumerate(doc.issuer_lines):
            left.append(self.para(line, s, bold=(i == len(doc.issuer_lines) - 1)))
        if doc.family == "party":
            left.append(self.para("*", s))
        else:
            left.append(
                HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=3)
            )
        left.append(self.para(doc.number_line, _style("num", 13)))
        right = [
            self.para(line, _style("title", 14 if doc.family == "party" else 13), bold=True)
            for line in doc.title_lines
        ]
        right.append(
            HRFlowable(
                width="70%" if doc.family == "party" else "45%",
                thickness=0.6,
                color=colors.black,
                spaceBefore=1,
                spaceAfter=6,
            )
        )
        right.append(self.para(doc.place_date_line, _style("date", 13), italic=True))
        return _grid([[left, right]], [FRAME_W * 0.42, FRAME_W * 0.58])

    def title_block(self, doc: SeedDocument) -> list:
        out = [Spacer(1, 8 * mm), self.para(doc.type_line, _style("type", 16, spaceAfter=2), bold=True)]
        subject = _style("subj", 14, leading=18)
        out += [self.para(line, subject, bold=True) for line in doc.subject_lines]
        out.append(Spacer(1, 6 * mm))
        return out

    def body(self, doc: SeedDocument) -> list:
        style = _style("body", BODY_SIZE, TA_JUSTIFY, leading=19, firstLineIndent=10 * mm, spaceAfter=5)
        return [
            RLParagraph("".join(self.script.markup(s.text, s.bold, s.italic) for s in p.spans), style)
            for p in doc.paragraphs
        ]

    def closing(self, doc: SeedDocument) -> list:
        if not doc.recipient_lines and doc.signature is None:
            return []
        left = []
        if doc.recipient_lines:
            left.append(self.para("Nơi nhận:", _style("nn", 12, TA_LEFT), bold=True, italic=True))
            item = _style("rcp", SMALL_SIZE, TA_LEFT, leading=12.5)
            left += [self.para(line, item) for line in doc.recipient_lines]
        right = []
        if doc.signature is not None:
            sig = _style("sig", 13, leading=16)
            lines = ([doc.signature.authority_line] if doc.signature.authority_line else []) + [
                doc.signature.title
            ]
            right += [self.para(line, sig, bold=is_caps(line)) for line in lines]
            right.append(Seal())
            right.append(self.para(doc.signature.name, _style("name", 14), bold=True))
        return [
            Spacer(1, 6 * mm),
            _grid([[left or [Spacer(1, 1)], right or [Spacer(1, 1)]]], [FRAME_W * 0.54, FRAME_W * 0.46]),
        ]

    def story(self, doc: SeedDocument) -> list:
        return [self.header(doc), *self.title_block(doc), *self.body(doc), *self.closing(doc)]

    def render(self, doc: SeedDocument, meta: PdfMeta) -> bytes:
        buf = io.BytesIO()
        pdf = SimpleDocTemplate(
            buf,
            pagesize=A4,
            invariant=1,
            title=" ".join([doc.type_line, *doc.subject_lines])[:120],
            leftMargin=MARGINS["left"],
            rightMargin=MARGINS["right"],
            topMargin=MARGINS["top"],
            bottomMargin=MARGINS["bottom"],
        )
        page_font = self.script.font()

        def first_page(canvas, _doc):
            canvas.setCreator(meta.creator)
            canvas.setProducer(meta.producer)
            canvas.setAuthor(meta.author)
            stamp = meta.created.strftime("D:%Y%m%d%H%M%S+07'00'")
            canvas.setDateFormatter(lambda *_a: stamp)

        def later_page(canvas, _doc):
            canvas.saveState()
            canvas.setFont(page_font, 13)
            canvas.drawCentredString(
                PAGE_W / 2 + (MARGINS["left"] - MARGINS["right"]) / 2,
                PAGE_H - 12 * mm,
                str(canvas.getPageNumber()),
            )
            canvas.restoreState()

        pdf.build(self.story(doc), onFirstPage=first_page, onLaterPages=later_page)
        return buf.getvalue()


def _grid(rows, widths) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def render_pdf(doc: SeedDocument, script=None, revision: int = 0, producers=PRODUCERS) -> bytes:
    """The document as a PDF in `script` (default Unicode); `revision` changes only metadata bytes."""
    if revision < 0:
        raise ValueError(f"revision must be >= 0, not {revision}")
    return DocumentLayout(script).render(doc, PdfMeta.for_revision(doc, revision, producers))
