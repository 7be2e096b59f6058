"""Build small PDFs laid out like a real Party document (two-column header, body, two-column closing).

Used by the tests and by benchmarks/pdf_speed.py until simulator/render/ exists.  Text: the seeds."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
_REGISTERED = False


def register_fonts() -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    for name, file in (
        ("Serif", "DejaVuSerif.ttf"),
        ("Serif-Bold", "DejaVuSerif-Bold.ttf"),
        ("Serif-Italic", "DejaVuSerif-Italic.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    _REGISTERED = True


@dataclass
class OfficialDoc:
    issuer_parent: str
    issuer: str
    number: str
    place_date: str
    type_line: str
    subject_lines: list[str]
    paragraphs: list[str]
    recipients: list[str]
    signature: list[str]  # e.g. ['T/M BAN THƯỜNG VỤ', 'BÍ THƯ', '', '', 'Bùi Thị Quỳnh Vân']
    vv_lines: list[str] = field(default_factory=list)  # công văn: 'V/v ...' under the number


def seed_doc(seed_prefix: str) -> OfficialDoc:
    """An OfficialDoc from tests/fixtures/seeds/<seed>.txt + .meta.yaml."""
    txt = next(SEEDS.glob(seed_prefix + "*.txt")).read_text(encoding="utf-8")
    meta = yaml.safe_load(next(SEEDS.glob(seed_prefix + "*.meta.yaml")).read_text(encoding="utf-8"))["record"]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", txt.strip()) if b.strip()]
    blocks = [b.replace("**", "\n").strip() for b in blocks if not re.match(r"^(Số |.*, ngày \d+ tháng)", b)]
    first = [x.strip() for x in blocks[0].split("\n") if x.strip()]
    type_line, subject_lines = first[0], first[1:]
    i = 1  # further short title blocks (seed 001 puts each title line in its own block)
    while i < len(blocks) and len(blocks[i]) < 120 and not blocks[i][0].isdigit():
        subject_lines.extend(blocks[i].split("\n"))
        i += 1
    body: list[str] = []
    recipients: list[str] = []
    while i < len(blocks):
        if blocks[i].startswith("Nơi nhận"):
            i += 1
            while i < len(blocks) and blocks[i].lstrip().startswith("-"):
                recipients.extend(line.strip() for line in blocks[i].split("\n"))
                i += 1
            break
        body.append(blocks[i].replace("\n", " "))
        i += 1
    date = meta["issued_date"]
    y, m, d = date.split("-")
    place_date = f"{meta['place']}, ngày {int(d)} tháng {int(m)} năm {y}"
    auth = meta.get("signing_authority") or ""
    sig = [
        f"{auth} {meta.get('on_behalf_of') or ''}".strip(),
        meta.get("signer_title") or "",
        "",
        "",
        meta.get("signer_name") or "",
    ]
    return OfficialDoc(
        meta["issuer_parent"],
        meta["issuer"],
        "Số " + meta["number"],
        place_date,
        type_line,
        subject_lines,
        body,
        recipients,
        sig,
    )


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    words = text.split()
    lines, cur = [], ""
    for w in words:
        cand = (cur + " " + w).strip()
        if pdfmetrics.stringWidth(cand, font, size) <= width:
            cur = cand
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines


class _Writer:
    LEFT, RIGHT, TOP, BOTTOM = 85.0, 595.0 - 57.0, 842.0 - 57.0, 60.0

    def __init__(self, c: canvas.Canvas, page_numbers: bool) -> None:
        self.c = c
        self.y = self.TOP
        self.page = 1
        self.page_numbers = page_numbers

    def need(self, h: float) -> None:
        if self.y - h < self.BOTTOM:
            self.c.showPage()
            self.page += 1
            self.y = self.TOP
            if self.page_numbers:
                self.c.setFont("Serif", 12)
                self.c.drawCentredString((self.LEFT + self.RIGHT) / 2, 842 - 35, str(self.page))

    def justified(self, line: str, font: str, size: float, x0: float, x1: float) -> None:
        words = line.split()
        if len(words) < 2:
            self.c.drawString(x0, self.y, line)
            return
        total = sum(pdfmetrics.stringWidth(w, font, size) for w in words)
        gap = (x1 - x0 - total) / (len(words) - 1)
        x = x0
        for w in words:
            self.c.drawString(x, self.y, w)
            x += pdfmetrics.stringWidth(w, font, size) + gap


def render_official_pdf(
    doc: OfficialDoc, *, repeat_body: int = 1, page_numbers: bool = True, size: float = 13.0
) -> bytes:
    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w = _Writer(c, page_numbers)
    lead = size * 1.35
    left_c, right_c = 165, 412  # centres of the header columns
    hs = size - 1  # header size
    # header: left column
    c.setFont("Serif", hs)
    y0 = w.y
    c.drawCentredString(left_c, y0, doc.issuer_parent)
    c.setFont("Serif-Bold", hs)
    c.drawCentredString(left_c, y0 - lead, doc.issuer)
    c.setFont("Serif", hs)
    c.drawCentredString(left_c, y0 - 2 * lead, "*")
    c.drawCentredString(left_c, y0 - 3 * lead, doc.number)
    for k, vv in enumerate(doc.vv_lines):
        c.setFont("Serif-Italic", hs - 1)
        c.drawCentredString(left_c, y0 - (4 + k) * lead, vv)
    # right column
    c.setFont("Serif-Bold", hs)
    c.drawCentredString(right_c, y0, "ĐẢNG CỘNG SẢN VIỆT NAM")
    c.setFont("Serif-Italic", hs)
    c.drawCentredString(right_c, y0 - 3 * lead, doc.place_date)
    w.y = y0 - (5 + len(doc.vv_lines)) * lead - 10
    mid = (w.LEFT + w.RIGHT) / 2
    c.setFont("Serif-Bold", size + 2)
    c.drawCentredString(mid, w.y, doc.type_line)
    w.y -= lead
    for s in doc.subject_lines:
        c.setFont("Serif-Bold" if s.isupper() else "Serif-Italic", size)
        c.drawCentredString(mid, w.y, s)
        w.y -= lead
    w.y -= lead * 0.6
    c.setFont("Serif", size)
    for _ in range(repeat_body):
        for para in doc.paragraphs:
            lines = _wrap(para, "Serif", size, w.RIGHT - w.LEFT - 28)
            for n, line in enumerate(lines):
                w.need(lead)
                c.setFont("Serif", size)
                x0 = w.LEFT + (28 if n == 0 else 0)
                if n == len(lines) - 1:
                    c.drawString(x0, w.y, line)
                else:
                    w.justified(line, "Serif", size, x0, w.RIGHT)
                w.y -= lead
            w.y -= 4
    # closing: Nơi nhận (left) | signature (right)
    rows = max(len(doc.recipients) * 1.3 + 1, len(doc.signature))
    w.need(rows * lead * 0.75 + 20)
    w.y -= 10
    top = w.y
    c.setFont("Serif-Bold", size - 1)
    c.drawString(w.LEFT, top, "Nơi nhận:")
    c.setFont("Serif", size - 3)
    row = 1
    for r in doc.recipients:
        for n, part in enumerate(_wrap(r, "Serif", size - 3, 200)):
            c.drawString(w.LEFT + (6 if n else 0), top - row * lead * 0.75, part)
            row += 1
    sig_c = 420
    for k, s in enumerate(doc.signature):
        if s:
            c.setFont("Serif-Bold", size)
            c.drawCentredString(sig_c, top - k * lead, s)
    c.showPage()
    c.save()
    return buf.getvalue()


def render_text_pages(lines_per_page: list[list[str]], size: float = 12.0) -> bytes:
    """A plain PDF with the given lines (for legacy-font layers, bad-input cases...)."""
    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for lines in lines_per_page:
        c.setFont("Serif", size)
        y = 842 - 72
        for line in lines:
            c.drawString(72, y, line)
            y -= size * 1.4
        c.showPage()
    c.save()
    return buf.getvalue()
