"""Which of a document's files is "the document": the signed original beats its HTML rendering."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

from scrapers.models import Attachment

# Most faithful first: a PDF is what was signed and stamped; Word files are drafts of it.
_PREFERENCE = (".pdf", ".docx", ".doc")


def expects_file(att: Attachment) -> bool:
    """True for a link to a PDF or Word file: an HTML answer to it is not the file."""
    return _extension(att) in _PREFERENCE


def ranked_files(attachments: Sequence[Attachment]) -> list[Attachment]:
    """The attachments that are document files, most faithful first."""
    return sorted(
        (att for att in attachments if _extension(att) in _PREFERENCE),
        key=lambda att: _PREFERENCE.index(_extension(att)),
    )


def _extension(att: Attachment) -> str:
    name = att.filename or ""
    if not PurePosixPath(name).suffix:
        parts = urlsplit(att.url)
        query_names = [v for vals in parse_qs(parts.query).values() for v in vals]
        name = next((n for n in query_names if PurePosixPath(n).suffix), parts.path)
    return PurePosixPath(name.lower()).suffix


def choose_primary(attachments: Sequence[Attachment]) -> Attachment | None:
    """The attachment to parse as the document; None when the detail page itself is the document."""
    ranked = ranked_files(attachments)
    if ranked:
        return ranked[0]
    return attachments[0] if attachments else None
