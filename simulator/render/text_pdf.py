"""The document as a born-digital PDF with a Unicode text layer (what most portals publish today)."""

from __future__ import annotations

from simulator.corpus import SeedDocument

from .layout import render_pdf
from .scripts import UnicodeScript


def render_text_pdf(doc: SeedDocument, revision: int = 0) -> bytes:
    return render_pdf(doc, UnicodeScript(), revision)
