"""Named errors of the extraction layer: every bad input ends in one of these, with a readable message."""

from __future__ import annotations


class ExtractionError(Exception):
    """Base class: the file could not be turned into text."""


class EmptyFile(ExtractionError):
    """Zero bytes (or only whitespace)."""


class WrongContentType(ExtractionError):
    """The bytes are not what the name/content-type claims (e.g. an HTML error page served as .pdf)."""


class UnsupportedFormat(ExtractionError):
    """A format this layer does not read (images, archives, spreadsheets...)."""


class TruncatedFile(ExtractionError):
    """The file ends early (download cut off) and nothing usable could be recovered."""


class CorruptFile(ExtractionError):
    """The file is damaged beyond what the parsers repair."""


class EncryptedFile(ExtractionError):
    """The PDF needs a password to open."""


class TooManyPages(ExtractionError):
    """More pages than Limits.max_pages."""


class ResourceLimit(ExtractionError):
    """The child process hit a memory/CPU/size limit."""


class DecompressionBomb(ResourceLimit):
    """An image or stream that expands far beyond Limits (huge pixel count, huge inflated stream)."""


class FileTooLarge(ResourceLimit):
    """More bytes than Limits.max_bytes."""


class ExtractionTimeout(ExtractionError):
    """The per-file wall-clock limit ran out; the child process was killed."""


class OcrUnavailable(ExtractionError):
    """A page needs OCR but the tesseract binary or its 'vie' language data is missing."""
