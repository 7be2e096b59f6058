"""The bytes a simulated portal serves for a published document: rendered lazily, cached per revision.

Files come from the corpus renderers (simulator.render; each `(doc, revision=0) -> bytes`, deterministic, and
every revision has different bytes). An HTML-only publication embeds the rendered article's content block
in the portal's own page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from simulator import render
from simulator.corpus import SeedDocument, load_seed

CONTENT_TYPES = {
    "text-pdf": "application/pdf",
    "scan-pdf": "application/pdf",
    "corrupt-pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {"text-pdf": ".pdf", "scan-pdf": ".pdf", "corrupt-pdf": ".pdf", "docx": ".docx"}
SAMPLE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": CONTENT_TYPES["docx"],
}
RENDERERS: dict[str, Callable[..., bytes]] = {
    "text-pdf": render.render_text_pdf,
    "scan-pdf": render.render_scan_pdf,
    "corrupt-pdf": render.render_corrupt_pdf,
    "docx": render.render_docx,
    "html": render.render_html_article,
}


@dataclass(frozen=True)
class ServedFile:
    content: bytes
    content_type: str


class DocumentFiles:
    """Renders each (seed, kind, revision) once per process; thread-safe, renders outside the lock."""

    def __init__(self, seeds_dir: Path, samples_dir: Path | None = None):
        self.seeds_dir = seeds_dir
        self.samples_dir = samples_dir
        self._cache: dict[tuple[str, str, int], bytes] = {}
        self._seeds: dict[str, SeedDocument] = {}
        self._lock = threading.Lock()

    def seed(self, seed_id: str) -> SeedDocument:
        with self._lock:
            cached = self._seeds.get(seed_id)
        if cached is None:
            cached = load_seed(seed_id, self.seeds_dir)
            with self._lock:
                self._seeds[seed_id] = cached
        return cached

    def file(self, seed_id: str, kind: str, revision: int) -> ServedFile:
        if kind not in CONTENT_TYPES:
            raise ValueError(f"publication kind {kind!r} has no file")
        return ServedFile(self._bytes(seed_id, kind, revision), CONTENT_TYPES[kind])

    def sample(self, path: str, revision: int) -> ServedFile:
        """A real file as is; a re-issued PDF gets a trailing comment after %%EOF (readers ignore it)."""
        if self.samples_dir is None:
            raise ValueError("no samples folder configured")
        suffix = Path(path).suffix.lower()
        content = (self.samples_dir / path).read_bytes()
        if revision:
            if suffix != ".pdf":
                raise ValueError(f"{path}: only a PDF sample can be re-issued")
            content += f"\n%% re-issued, revision {revision}\n".encode()
        return ServedFile(content, SAMPLE_CONTENT_TYPES.get(suffix, "application/octet-stream"))

    def article_html(self, seed_id: str, revision: int) -> str:
        """The document's text as an article body (HTML fragment)."""
        return self._bytes(seed_id, "html", revision).decode("utf-8")

    def _bytes(self, seed_id: str, kind: str, revision: int) -> bytes:
        key = (seed_id, kind, revision)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        content = self._render(seed_id, kind, revision)
        with self._lock:
            self._cache.setdefault(key, content)
            return self._cache[key]

    def _render(self, seed_id: str, kind: str, revision: int) -> bytes:
        content = RENDERERS[kind](self.seed(seed_id), revision=revision)
        if kind == "html":
            return (article_content(content.decode("utf-8")) + _revision_note(revision)).encode("utf-8")
        return content


def _revision_note(revision: int) -> str:
    """A revised HTML-only entry is an edit of the page's own text (portals note their corrections), so
    its text, not only its bytes, changes: the archive keeps it as a new version."""
    if revision <= 0:
        return ""
    return f'\n<p class="edit-note"><em>(Bài đã được biên tập lại, lần {revision}.)</em></p>'


def article_content(markup: str) -> str:
    """The rendered article is a whole page of its own; the portal page embeds only its text block."""
    soup = BeautifulSoup(markup, "lxml")
    block = soup.find("div", class_="content") or soup.body
    if block is None:
        raise ValueError("rendered HTML article has neither a div.content nor a body")
    return block.decode_contents()
