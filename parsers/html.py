"""HTML article pages and plain-text files -> text with blocks kept.

The main text of a news-portal page is the element (article, or a div whose class/id says content/detail/
article/news...) holding the most paragraph text once navigation, sidebars, scripts and forms are dropped.

The text must be the document's own content only: the load stage makes a new version of a record when its
text changes, so whatever changes when the portal publishes something else ("Các tin khác", "Tin liên quan",
"Văn bản cùng thể loại" lists, view counters, comments, share bars) is dropped, by class/id (English and
Vietnamese slugs) and by the printed title of such a section, whatever its markup."""

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
    r"social|comments?|related|advert|ads|widget|tags|pagination|toolbar|other|others|more|"
    r"counter|hits|views?|view-?count|rating|print|"
    # Vietnamese slugs: tin liên quan, tin khác, tin mới, cùng chuyên mục, bình luận, lượt xem, đọc nhiều
    r"tin-?lien-?quan|lien-?quan|tin-?khac|tin-?moi|tin-?moi-?nhat|cung-?chuyen-?muc|binh-?luan|"
    r"y-?kien|luot-?xem|doc-?nhieu|xem-?nhieu|xem-?them)([-_ ]|$)",
    re.I,
)
# Printed titles of sections that list other items of the portal (folded: no accents, lower case). The
# title and the link lists after it go; so does the box it heads when the box holds nothing else.
_RELATED_TITLE = re.compile(
    r"^(cac |nhung )?(tin|bai|bai viet|van ban|tin bai)( khac| lien quan| moi| moi nhat| cung chuyen muc"
    r"| cung loai| cung the loai| cung linh vuc| cung co quan ban hanh| cung nguoi ky| da dua| xem nhieu"
    r"| doc nhieu| noi bat)\b"
    r"|^(xem them|doc them|binh luan|y kien ban doc|gui y kien|chia se|tags?|tu khoa)\b"
)
RELATED_TITLE_MAX = 80  # characters: a section title, not a sentence of the document
# A view / download counter, alone or at the end of a meta line: "Lượt xem: 1.234", "Số lượt tải: 5".
_COUNTER = re.compile(
    r"(?:số\s+)?(?:lượt|lần)\s+(?:xem|tải|đọc|truy cập|in)\s*:?\s*[\d.,]*|"
    r"\b(?:views?|hits|downloads?)\s*:?\s*[\d.,]+",
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
    _drop_related_sections(soup)
    _drop_counters(soup)
    _drop_link_lists(soup, total)
    root = _main_node(soup)
    blocks: list[str] = []
    _walk(root, blocks, [])
    text = "\n\n".join(b for b in (normalize_text(b) for b in blocks) if b)
    if not text:
        raise ExtractionError("the HTML page has no text content")
    return _finish_text(text, "html", [])


def _fold(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


def _mostly_links(tag) -> bool:
    text = len(tag.get_text(" ", strip=True))
    link_text = sum(len(a.get_text(" ", strip=True)) for a in tag.find_all("a"))
    return bool(tag.find("a")) and link_text >= 0.5 * text


def _drop_related_sections(soup) -> None:
    """Remove "Các tin khác" / "Tin liên quan" / "Văn bản cùng thể loại"... sections: the element printing
    the title, the link lists that follow it, and the box it heads when nothing but links is left in it."""
    from bs4 import Tag

    for string in list(soup.find_all(string=True)):
        title = getattr(string, "parent", None)  # None once a removed section took the string with it
        if title is None or title.attrs is None or title.name in ("a", "body", "html", "[document]"):
            continue
        text = title.get_text(" ", strip=True)
        if len(text) > RELATED_TITLE_MAX or not _RELATED_TITLE.match(_fold(text)):
            continue
        # "Xem thêm bài viết liên quan trên cổng thông tin." is a sentence of the document, not a title
        if text.endswith((".", ";", "!", "?")) or (title.name == "p" and len(text.split()) > 6):
            continue
        box = title.parent
        for sibling in list(title.find_next_siblings()):
            if not isinstance(sibling, Tag) or not (sibling.name in ("ul", "ol") or _mostly_links(sibling)):
                break
            sibling.decompose()
        title.decompose()
        if box is not None and box.name not in ("body", "html") and box.attrs is not None:
            rest = box.get_text(" ", strip=True)
            if not rest or (_mostly_links(box) and len(rest) < RELATED_TITLE_MAX * 10):
                box.decompose()


def _drop_counters(soup) -> None:
    """Remove view/download counters: they change with every visit, the document does not."""
    from bs4 import NavigableString

    for string in list(soup.find_all(string=_COUNTER)):
        if not isinstance(string, NavigableString) or getattr(string, "parent", None) is None:
            continue
        cleaned = _COUNTER.sub("", str(string))
        cleaned = re.sub(r"(\s*(?:\||·|•|&nbsp;)\s*)+$", " ", cleaned)  # the separator before it
        # "Lượt xem: <span>1.234</span>": the number is the next element
        following = string.find_next_sibling()
        if following is not None and re.fullmatch(r"\s*[\d.,]+\s*", following.get_text()):
            following.decompose()
        string.replace_with(cleaned)


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
