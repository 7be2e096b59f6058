"""The document as a news-style portal publishes it: an article page whose body is the converted Word file.

Site chrome (navigation, sidebar of other news, footer) around an article container holding the title, a
publication line and the document: the header as a borderless two-column table (as Word->HTML conversion
leaves it), paragraphs as <p>, then `Nơi nhận` and the signature.  Entities and &nbsp; as real pages have."""

from __future__ import annotations

import hashlib
import html
from datetime import date, datetime, timedelta

from simulator.corpus import SeedDocument

SIDEBAR_NEWS = (
    "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ năm",
    "Triển khai học tập, quán triệt Nghị quyết Đại hội XIII của Đảng",
    "Kiểm tra công tác xây dựng Đảng tại các huyện",
    "Tăng cường công tác dân vận trong tình hình mới",
    "Sơ kết 6 tháng thực hiện Chỉ thị 05-CT/TW",
)
_ENTITIES = {"“": "&ldquo;", "”": "&rdquo;", "–": "&ndash;", "…": "&hellip;", "‘": "&lsquo;", "’": "&rsquo;"}


def _h(text: str) -> str:
    out = html.escape(text, quote=False)
    for ch, ent in _ENTITIES.items():
        out = out.replace(ch, ent)
    return out


def _spans(p) -> str:
    parts = []
    for s in p.spans:
        t = _h(s.text)
        if s.bold:
            t = f"<strong>{t}</strong>"
        if s.italic:
            t = f"<em>{t}</em>"
        parts.append(t)
    return "".join(parts)


def article_title(doc: SeedDocument) -> str:
    words = " ".join([doc.type_line, *doc.subject_lines])
    return (
        words[:1].upper() + words[1:].lower()
        if words.isupper()
        else doc.type_line.capitalize()
        + " "
        + " ".join(line if not line.isupper() else line.lower() for line in doc.subject_lines)
    )


def _header_table(doc: SeedDocument) -> str:
    left = "<br>\n".join(
        [
            *(
                f"<strong>{_h(x)}</strong>" if i == len(doc.issuer_lines) - 1 else _h(x)
                for i, x in enumerate(doc.issuer_lines)
            )
        ]
        + ["*", _h(doc.number_line).replace("Số ", "Số&nbsp;", 1)]
    )
    right = "<br>\n".join(
        [
            *(f"<strong><u>{_h(x)}</u></strong>" for x in doc.title_lines),
            f"<em>{_h(doc.place_date_line)}</em>",
        ]
    )
    return (
        '<table border="0" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse">\n'
        f'<tr><td width="42%" valign="top" style="text-align:center">{left}</td>\n'
        f'<td width="58%" valign="top" style="text-align:center">{right}</td></tr>\n</table>'
    )


def _closing_table(doc: SeedDocument) -> str:
    if not doc.recipient_lines and doc.signature is None:
        return ""
    left = ""
    if doc.recipient_lines:
        left = "<strong><em>Nơi nhận:</em></strong><br>\n" + "<br>\n".join(_h(r) for r in doc.recipient_lines)
    right = ""
    if doc.signature is not None:
        lines = doc.signature_lines()
        right = "<br>\n".join(f"<strong>{_h(x)}</strong>" for x in lines[:-1])
        right += "<br>\n<br>\n&nbsp;<br>\n&nbsp;<br>\n" + f"<strong>{_h(lines[-1])}</strong>"
    return (
        '<table border="0" cellspacing="0" cellpadding="0" width="100%">\n'
        f'<tr><td width="55%" valign="top" style="font-size:11pt">{left}</td>\n'
        f'<td width="45%" valign="top" style="text-align:center">{right}</td></tr>\n</table>'
    )


def render_html_article(doc: SeedDocument, revision: int = 0) -> bytes:
    if revision < 0:
        raise ValueError(f"revision must be >= 0, not {revision}")
    issued = date.fromisoformat(doc.record["issued_date"])
    posted = datetime(issued.year, issued.month, issued.day, 15, 42) + timedelta(days=1)
    updated = posted + timedelta(days=revision, hours=2 * revision)
    article_id = int(hashlib.sha256(doc.seed_id.encode()).hexdigest()[:6], 16) % 90000 + 10000
    token = hashlib.sha256(f"{doc.seed_id}:{revision}".encode()).hexdigest()[:16]
    title = _h(article_title(doc))
    site = _h(doc.record["issuer"].title().replace("Ủy", "ủy").replace("Uỷ", "uỷ"))
    body = "\n".join(
        f'<p style="text-align:justify;text-indent:36pt">{_spans(p)}</p>' for p in doc.paragraphs
    )
    subject = "<br>\n".join(f"<strong>{_h(x)}</strong>" for x in doc.subject_lines)
    sidebar = "\n".join(
        f'<li><a href="/tin-tuc/{i + 1:04d}.html">{_h(t)}</a></li>' for i, t in enumerate(SIDEBAR_NEWS)
    )
    page = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title} - Cổng thông tin điện tử {site}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/themes/default/css/style.css">
</head>
<body>
<div id="header"><div class="banner"><a href="/">CỔNG THÔNG TIN ĐIỆN TỬ {_h(doc.record["issuer"])}</a></div>
<ul class="nav">
<li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu/">Giới thiệu</a></li>
<li><a href="/tin-tuc/">Tin tức &ndash; Sự kiện</a></li>
<li class="active"><a href="/van-ban/">Văn bản</a></li>
<li><a href="/lien-he/">Liên hệ</a></li>
</ul></div>
<div id="main">
<div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="/van-ban/">Văn bản chỉ đạo</a></div>
<div class="article" id="article-{article_id}" data-rev="{token}">
<h1 class="title">{title}</h1>
<div class="meta">Ngày đăng:&nbsp;{posted:%d/%m/%Y %H:%M}
 &nbsp;|&nbsp; Cập nhật:&nbsp;{updated:%d/%m/%Y %H:%M}
 &nbsp;|&nbsp; Lượt xem:&nbsp;{article_id % 997 + 100}</div>
<div class="content">
{_header_table(doc)}
<p style="text-align:center">&nbsp;</p>
<p style="text-align:center"><strong>{_h(doc.type_line)}</strong><br>
{subject}</p>
<p style="text-align:center">&nbsp;</p>
{body}
{_closing_table(doc)}
</div>
<div class="share"><a href="#" onclick="window.print();return false;">In bài viết</a>
 &nbsp;|&nbsp; <a href="#top">Về đầu trang</a></div>
</div>
<div id="sidebar"><h3>Tin khác</h3>
<ul>
{sidebar}
</ul></div>
</div>
<div id="footer">&copy; Bản quyền thuộc {_h(doc.record["issuer"])}<br>
Ghi rõ nguồn khi phát hành lại thông tin từ website này.</div>
</body>
</html>
"""
    return page.encode("utf-8")
