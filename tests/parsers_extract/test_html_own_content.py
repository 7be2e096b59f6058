# ruff: noqa: E501  (page markup kept one element a line)
"""An HTML document's text is its own content only: what changes when the portal publishes something else
(other-news lists, related documents, counters, comments, share bars) must not change it, so a new post
elsewhere never makes a new version of an unrelated article; a real edit of the article does."""

from __future__ import annotations

import pytest

from parsers.html import extract_html

ARTICLE = """<p>Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy, tổ chức đảng tiếp tục lãnh đạo, chỉ đạo thực hiện
nghiêm các biện pháp phòng, chống dịch Covid-19 trên địa bàn tỉnh.</p>
<p>{second}</p>
<p>Các cơ quan, đơn vị báo cáo kết quả thực hiện về Văn phòng Tỉnh ủy trước ngày 30 hằng tháng.</p>"""
SECOND = "Ủy ban nhân dân tỉnh chỉ đạo các sở, ngành rà soát, bảo đảm cung ứng hàng hóa thiết yếu."


def page(others: list[str], views: int, comments: int, second: str = SECOND, markup: str = "news") -> bytes:
    links = "".join(f'<li><a href="/T/van-ban/tin-{i}.html">{t}</a></li>' for i, t in enumerate(others))
    if markup == "news":  # a dcs.vn-style article: boxes with Vietnamese class names
        main = f"""<div class="detail-news"><h1 class="title-detail">Chỉ thị số 08-CT/TU</h1>
<div class="date-detail">Thời gian đăng: 02/02/2021 08:21 | Lượt xem: {views}</div>
<div class="content-detail">{ARTICLE.format(second=second)}</div>
<div class="tin-lien-quan"><div class="box-title">Các tin khác</div><ul>{links}</ul></div>
<div class="binh-luan"><b>Bình luận ({comments})</b><p>Bạn đọc {comments} góp ý.</p></div>
<div class="share-bar"><a href="#">Facebook</a> <a href="#">Zalo</a></div></div>"""
    else:  # a portal whose boxes carry no telling class: only the printed section titles say what they are
        main = f"""<div class="col-main"><h1>Chỉ thị số 08-CT/TU</h1>
<p>Đăng ngày 02/02/2021 — Lượt xem: <span>{views}</span></p>
{ARTICLE.format(second=second)}
<h3>Tin liên quan</h3><ul>{links}</ul>
<div class="box"><strong>Văn bản cùng thể loại</strong><div><a href="/x">{(others or ["-"])[0]}</a></div></div></div>"""
    sidebar = f'<div class="col-right"><div class="box-tinmoi"><div class="box-title">Tin mới nhất</div><ul>{links}</ul></div></div>'
    return (
        f"<html><body><header>Cổng thông tin</header>{main}{sidebar}<footer>©</footer></body></html>".encode()
    )


@pytest.mark.parametrize("markup", ["news", "plain"])
def test_other_posts_counters_and_comments_do_not_change_the_text(markup):
    before = page(["Hội nghị sơ kết", "Kế hoạch 12-KH/TU"], views=870, comments=0, markup=markup)
    after = page(
        ["Thông báo 712-TB/TU mới đăng", "Hội nghị sơ kết", "Kế hoạch 12-KH/TU"], 871, 3, markup=markup
    )
    assert before != after
    text = extract_html(before).text
    assert text == extract_html(after).text
    assert SECOND in text and "Văn phòng Tỉnh ủy trước ngày 30" in text
    for noise in ("Hội nghị sơ kết", "Lượt xem", "870", "Bình luận", "Facebook", "Tin liên quan"):
        assert noise not in text


@pytest.mark.parametrize("markup", ["news", "plain"])
def test_a_real_edit_of_the_article_changes_the_text(markup):
    others = ["Hội nghị sơ kết"]
    edited = SECOND.replace("rà soát", "khẩn trương rà soát")
    assert (
        extract_html(page(others, 1, 0, markup=markup)).text
        != extract_html(page(others, 1, 0, second=edited, markup=markup)).text
    )
