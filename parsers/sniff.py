"""Decide what a file is from its bytes (magic numbers), never from its name or the served content type."""

from __future__ import annotations

from parsers.errors import EmptyFile, UnsupportedFormat, WrongContentType

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")


def sniff_kind(data: bytes) -> str:
    """'pdf' | 'docx' | 'doc' | 'html' | 'text' from the bytes; raises for empty or unsupported content."""
    if not data.strip():
        raise EmptyFile("file is empty (0 bytes or only whitespace)")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_IMAGE_MAGICS):
        raise UnsupportedFormat("file is a bare image; only PDF, Word, HTML and text are extracted")
    text_head = _decode_head(head)
    if text_head is None:
        raise UnsupportedFormat("binary content of an unknown format")
    low = text_head.lstrip("\ufeff \t\r\n").lower()
    markup = ("<!doctype html", "<html", "<head", "<body", "<meta", "<div", "<?xml")
    if low.startswith(markup) or "<html" in low:
        return "html"
    return "text"


def _zip_kind(data: bytes) -> str:
    import zipfile  # only for ZIP containers: a PDF's parse does not load it
    from io import BytesIO

    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except zipfile.BadZipFile as exc:
        raise UnsupportedFormat(f"broken ZIP container: {exc}") from exc
    if "word/document.xml" in names:
        return "docx"
    raise UnsupportedFormat("ZIP archive that is not a Word .docx document")


def _decode_head(head: bytes) -> str | None:
    if head.count(b"\x00") > len(head) // 10:
        try:
            return head.decode("utf-16")
        except UnicodeDecodeError:
            return None
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if control > len(head) // 20:
        return None
    return head.decode("utf-8", errors="replace")


def claimed_kinds(filename: str | None, content_type: str | None) -> set[str]:
    """The formats a file's name and content type claim ('pdf', 'docx', 'doc'); empty when they claim none."""
    claims = set()
    name = (filename or "").lower()
    ctype = (content_type or "").lower()
    if name.endswith(".pdf") or "application/pdf" in ctype:
        claims.add("pdf")
    if name.endswith(".docx") or "wordprocessingml" in ctype:
        claims.add("docx")
    if name.endswith(".doc") or "application/msword" in ctype:
        claims.add("doc")
    return claims


def check_claim(kind: str, filename: str | None, content_type: str | None) -> None:
    """Raise WrongContentType when the name or content type claims PDF/Word but the bytes are something else.

    The typical case is an HTML error or login page served with a .pdf link."""
    claims = claimed_kinds(filename, content_type)
    if claims and kind not in claims and not {kind, *claims} <= {"doc", "docx"}:
        claimed = "/".join(sorted(claims))
        raise WrongContentType(f"expected {claimed} (from name/content type) but the bytes are {kind}")
