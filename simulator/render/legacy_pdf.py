"""The document as an old Word->PDF file typed in a legacy font: the text layer carries TCVN3 or VNI codes.

The fonts (fonts.py) draw those codes as Vietnamese letters, so the page looks right while pdfplumber extracts
mojibake ('§¶ng Céng s¶n' / 'Ñaûng Coäng Saûn') under font names such as '.VnTime', '.VnTimeH',
'VNI-Times'."""

from __future__ import annotations

from simulator.corpus import SeedDocument

from .layout import render_pdf
from .scripts import Tcvn3Script, VniScript

# Legacy files came out of old toolchains; their metadata says so.
LEGACY_PRODUCERS = (
    ("PScript5.dll Version 5.2", "Acrobat Distiller 7.0 (Windows)"),
    ("Microsoft Word - vanban.doc", "Acrobat PDFMaker 7.0 for Word"),
    ("PScript5.dll Version 5.2.2", "GPL Ghostscript 8.15"),
)


def render_tcvn3_pdf(doc: SeedDocument, revision: int = 0) -> bytes:
    return render_pdf(doc, Tcvn3Script(), revision, LEGACY_PRODUCERS)


def render_vni_pdf(doc: SeedDocument, revision: int = 0) -> bytes:
    return render_pdf(doc, VniScript(), revision, LEGACY_PRODUCERS)
