"""HTML article pages and plain-text files -> text with blocks kept.

The main text of a news-portal page is the element (article, or a div whose class/id says content/detail/
article/news...) holding the most paragraph text once navigation, sidebars, scripts and forms are dropped."""

from __future__ import annotations

import re

from parsers.errors import ExtractionError
from parsers.legacy import decode_tcvn3, decode_vni, detect_legacy_encoding
from parsers.limits import Extraction, Limits, single_page
from parsers.pdf import normalize_text

_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "nav",
    "footer",
    "aside",
    "iframe",
    "svg",
    "button",
    "select",
    "template",
]
_BOILERPLATE = re.compile(
    r"(^|[-_ ])(menu|nav|navbar|sidebar|side-bar|footer|header|breadcrumbs?|banner|share|"
    r"social|comments?|related|advert|ads|widget|tags|pagination|toolbar)([-_ ]|$)",
    re.I,
)
_CONTENT_HINT = re.compile(r"content|detail|article|news|entry|post|body|main|noidung|chitiet", re.I)
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "center",
    "td",
    "th",
}


def extract_html(data: bytes, limits: Limits | None = None) -> Extraction:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    total = len(soup.get_text(" ", strip=True)) or 1
    for tag in soup.find_all(True):
        if tag.attrs is None or tag.name in ("html", "body"):  # attrs None: inside a removed subtree
            continue
        ident = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
        boilerplate = tag.name in ("header", "form") or _BOILERPLATE.search(ident)
        # ASP.NET pages wrap the whole page in a <form>, some themes the article in a "header" class: a
        # wrapper holding most of the page's text is never boilerplate
        if boilerplate and len(tag.get_text(" ", strip=True)) < 0.5 * total:
            tag.decompose()
    _drop_link_lists(soup, total)
    root = _main_node(soup)
    blocks: list[str] = []
    _walk(root, blocks, [])
    text = "\n\n".join(b for b in (normalize_text(b) for b in blocks) if b)
    if not text:
        raise ExtractionError("the HTML page has no text content")
    return _finish_text(text, "html", [])


LINK_LIST_MIN_LINKS = 5  # a block with at least this many links ...
LINK_LIST_SHARE = 0.7  # ... whose text is at least this much link text is navigation (facets, menus)


def _drop_link_lists(soup, total: int) -> None:
    """Remove navigation-like blocks that carry no class/id hint: facet lists, menus, 'other news' lists.

    A block goes if it holds LINK_LIST_MIN_LINKS or more links, its text is mostly link text and it is a
    small part of the page (a wrapper holding most of the page is never removed)."""
    for tag in soup.find_all(["ul", "ol", "div", "section", "table", "span", "td", "dl"]):
        if tag.attrs is None:  # inside a removed subtree
            continue
        links = tag.find_all("a")
        if len(links) < LINK_LIST_MIN_LINKS:
            continue
        text = len(tag.get_text(" ", strip=True))
        link_text = sum(len(a.get_text(" ", strip=True)) for a in links)
        if text and link_text >= LINK_LIST_SHARE * text and text < 0.5 * total:
            tag.decompose()


def _main_node(soup):
    body = soup.body or soup
    candidates = body.find_all(["article", "main"]) + [
        t
        for t in body.find_all(["div", "section", "td"])
        if _CONTENT_HINT.search(" ".join(t.get("class") or []) + " " + (t.get("id") or ""))
    ]
    best, best_score = body, 0
    total = _para_text_len(body)
    for node in candidates:
        score = _para_text_len(node)
        if score > best_score and score >= 0.3 * total:
            best, best_score = node, score
    return _descend_to_text(body) if best is body else best


_WRAPPER_TAGS = {"div", "section", "article", "main", "span", "form", "table", "tbody", "center"}


def _descend_to_text(node, share: float = 0.8):
    """Go down through wrappers while one child holds `share` of the node's text: on a page without a
    content hint, the largest text block rather than the whole body."""
    total = len(node.get_text(" ", strip=True))
    while total:
        sizes = [
            (c, len(c.get_text(" ", strip=True)))
            for c in node.find_all(True, recursive=False)
            if c.name in _WRAPPER_TAGS
        ]
        if not sizes:
            return node
        biggest, size = max(sizes, key=lambda cs: cs[1])
        if size < share * total:
            return node
        node, total = biggest, size
    return node


def _para_text_len(node) -> int:
    """Text in paragraphs, cells and headings; list items count little (menus and facet lists are lists)."""
    prose = sum(len(p.get_text(" ", strip=True)) for p in node.find_all(["p", "td", "h1", "h2", "h3"]))
    items = sum(len(li.get_text(" ", strip=True)) for li in node.find_all("li"))
    return int(prose + 0.2 * items) or len(node.get_text(" ", strip=True))


def _walk(node, blocks: list[str], current: list[str]) -> None:
    """Collect text; block-level elements start a new block, <br> a new line within the block."""
    from bs4 import NavigableString, Tag

    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child).__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                continue
            current.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "br":
                current.append("\n")
            elif child.name in ("td", "th") and not _multiline_cell(child):
                _walk(child, blocks, current)
                current.append(" ")
            elif child.name in _BLOCK_TAGS:
                _flush(blocks, current)
                _walk(child, blocks, current)
                _flush(blocks, current)
            else:
                _walk(child, blocks, current)


def _multiline_cell(cell) -> bool:
    """A table cell holding lines of its own (the header's issuer column beside the motto column, the
    recipients beside the signature) is a block; a one-line cell stays inline with its row."""
    return cell.find(["br", "p", "div"]) is not None


def _flush(blocks: list[str], current: list[str]) -> None:
    text = "".join(current)
    current.clear()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    if text:
        blocks.append(text)


def extract_plain_text(data: bytes, limits: Limits | None = None) -> Extraction:
    text = _decode_bytes(data)
    return _finish_text(text, "text", [])


def _decode_bytes(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # 8-bit text: legacy Vietnamese (TCVN3/VNI) is recovered by detection in _finish_text
        return data.decode("cp1252", errors="ignore") if _is_cp1252(data) else data.decode("latin-1")


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _finish_text(text: str, kind: str, warnings: list[str]) -> Extraction:
    encoding = detect_legacy_encoding(text)
    if encoding == "tcvn3":
        text = decode_tcvn3(text)
    elif encoding == "vni":
        text = decode_vni(text)
    if encoding:
        warnings.append(f"legacy {encoding.upper()} text converted to Unicode")
    text = normalize_text(text)
    if not text:
        raise ExtractionError(f"the {kind} file contains no text")
    return single_page(text, kind, bool(encoding), warnings)
