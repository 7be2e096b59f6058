"""A damaged PDF, as a half-finished upload or a cut download leaves it: the first part of a real text PDF."""

from __future__ import annotations

from simulator.corpus import SeedDocument

from .text_pdf import render_text_pdf

DEFAULT_KEEP_FRACTION = 0.4


def render_corrupt_pdf(
    doc: SeedDocument, revision: int = 0, keep_fraction: float = DEFAULT_KEEP_FRACTION
) -> bytes:
    """The first `keep_fraction` of the text PDF's bytes: starts with %PDF-, has no xref table nor %%EOF."""
    if not 0 < keep_fraction < 1:
        raise ValueError(f"keep_fraction must be in (0, 1), not {keep_fraction}")
    data = render_text_pdf(doc, revision)
    kept = data[: int(len(data) * keep_fraction)]
    # a revision's changes may all lie in the part cut off; the marker keeps 'new bytes, same URL' true
    return kept + f"\n% revision {revision}\n".encode() if revision else kept
