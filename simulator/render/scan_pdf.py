"""The document as a scanned copy: the text PDF printed and scanned (an image-only PDF, no text layer).

Rasterised with pdfium at `dpi` in grayscale, each page tilted by a small angle, slightly blurred, given
sensor noise and saved as JPEG.  Randomness is seeded from the seed id and revision: same input, same
bytes."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from simulator.corpus import SeedDocument

from .layout import PdfMeta
from .text_pdf import render_text_pdf

SCANNER_PRODUCERS = (
    ("Canon DR-C225", "Canon CaptureOnTouch"),
    ("HP Scan", "HP Smart"),
    ("EPSON Scan", "EPSON Scan"),
)


@dataclass(frozen=True)
class ScanSettings:
    dpi: int = 200
    jpeg_quality: int = 60
    min_angle: float = 0.3  # degrees, either direction
    max_angle: float = 1.0
    blur_radius: float = 0.8
    noise_sigma: float = 4.0  # grey levels
    background: int = 240  # scanners flatten the paper to one grey: this is what keeps JPEGs small


def _rng(doc: SeedDocument, revision: int) -> np.random.Generator:
    digest = hashlib.sha256(f"scan:{doc.seed_id}:{revision}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def _degrade(img: Image.Image, rng: np.random.Generator, s: ScanSettings) -> Image.Image:
    angle = float(rng.uniform(s.min_angle, s.max_angle) * rng.choice([-1.0, 1.0]))
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(s.blur_radius))
    arr = np.asarray(img, dtype=np.float32)
    arr = arr * 0.93 + 8  # paper is never white, toner never black
    arr += rng.normal(0.0, s.noise_sigma, arr.shape)
    arr[arr > s.background - 12] = s.background
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")


def render_scan_pdf(doc: SeedDocument, revision: int = 0, settings: ScanSettings | None = None) -> bytes:
    s = settings or ScanSettings()
    rng = _rng(doc, revision)
    source = pdfium.PdfDocument(render_text_pdf(doc))
    meta = PdfMeta.for_revision(doc, revision, SCANNER_PRODUCERS)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setCreator(meta.creator)
    pdf.setProducer(meta.producer)
    stamp = meta.created.strftime("D:%Y%m%d%H%M%S+07'00'")
    pdf.setDateFormatter(lambda *_a: stamp)
    try:
        for i in range(len(source)):
            page = source[i]
            img = page.render(scale=s.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            jpeg = io.BytesIO()
            _degrade(img, rng, s).save(jpeg, format="JPEG", quality=s.jpeg_quality, optimize=True)
            jpeg.seek(0)
            pdf.drawImage(ImageReader(jpeg), 0, 0, width=A4[0], height=A4[1])
            pdf.showPage()
    finally:
        source.close()
    pdf.save()
    return out.getvalue()
