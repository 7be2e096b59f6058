"""The one entry point: bytes of any published file -> Extraction (faithful NFC text + provenance).

    from parsers.extract import extract, Extraction, Limits
    result = extract(data, filename="kl-125.pdf", content_type="application/pdf")

The kind is sniffed from the bytes (never trusted from the name/content type; a mismatch such as an HTML page
served as .pdf raises WrongContentType).  All of it — sniffing, PDF, Word, HTML and plain-text parsing —
runs in a limited process (parsers.sandbox) unless limits.use_sandbox is False; only the size check runs in
the caller.  Every failure is a parsers.errors.ExtractionError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parsers.errors import FileTooLarge
from parsers.limits import Extraction, Limits
from parsers.sniff import check_claim, sniff_kind

__all__ = ["Extraction", "Limits", "extract", "run_limited"]


def extract(
    data: bytes, filename: str | None = None, content_type: str | None = None, limits: Limits | None = None
) -> Extraction:
    limits = limits or Limits()
    check_size(data, limits)
    return run_limited(extract_here, data, limits, filename, content_type)


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise FileTooLarge(f"file has {len(data)} bytes, more than max_bytes={limits.max_bytes}")


def run_limited(func: Callable[..., Any], data: bytes, limits: Limits, *args: Any) -> Any:
    """func(data, limits, *args) under the limits: in the sandbox, unless limits.use_sandbox is False."""
    if not limits.use_sandbox:
        return func(data, limits, *args)
    from parsers.sandbox import run_sandboxed

    return run_sandboxed(func, data, limits, *args)


def extract_here(
    data: bytes, limits: Limits, filename: str | None = None, content_type: str | None = None
) -> Extraction:
    """Extract in this process, without the sandbox (the sandbox's job calls this)."""
    kind = sniff_kind(data)
    check_claim(kind, filename, content_type)
    if kind == "text":
        from parsers.html import extract_plain_text

        return extract_plain_text(data, limits)
    return _extractor(kind)(data, limits)


def _extractor(kind: str):
    if kind == "pdf":
        from parsers.pdf import extract_pdf

        return extract_pdf
    if kind == "docx":
        from parsers.office import extract_docx

        return extract_docx
    if kind == "doc":
        from parsers.office import extract_doc

        return extract_doc
    from parsers.html import extract_html

    return extract_html
