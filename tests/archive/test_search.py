"""Search on PostgreSQL and DuckDB: the same cases, the same results, on the same small archive."""

from __future__ import annotations

import pytest

from parsers.normalize import accent_tokens, fold_vietnamese
from warehouse.search import SearchError, SearchQuery, search


def keys(wh, text="", **filters) -> list[str]:
    return [h["doc_key"] for h in search(wh, SearchQuery(text=text, **filters)).hits]


def test_folding_is_the_archives_one_concept():
    assert fold_vietnamese("Đảng ủy phòng, chống  dịch") == "dang uy phong chong dich"
    assert fold_vietnamese("hoà") == fold_vietnamese("hòa") == "hoa"
    assert fold_vietnamese("Uỷ ban") == fold_vietnamese("Ủy ban") == "uy ban"
    assert fold_vietnamese("Ðảng") == "dang"  # Icelandic Eth typed for Đ
    assert accent_tokens("hoà") == accent_tokens("hòa") and accent_tokens("uỷ") == accent_tokens("ủy")
    assert accent_tokens("Đảng") != accent_tokens("đang")


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("Đảng ủy", "dang uy"),
        ("chỉ thị", "chi thi"),
        ("tỉnh ủy", "tinh uy"),
        ("Bùi Thị Quỳnh Vân", "bui thi quynh van"),
        ("phòng, chống dịch", "phong chong dich"),
        ("hoà giải", "hoa giai"),
        ("Thường trực Tỉnh ủy", "thuong truc tinh uy"),
    ],
)
def test_accent_free_queries_find_what_accented_ones_find(archive, accented, plain):
    found = keys(archive, accented)
    assert found, accented
    assert sorted(keys(archive, plain)) == sorted(found)  # the same documents; accents only rank


def test_type_signer_recipients_and_punctuation_are_searched(archive):
    assert keys(archive, "chỉ thị") == ["ct08", "kl125"]  # the type name first, then a body citing one
    assert keys(archive, "Lê Viết Chữ") == ["ct08"]  # the signer
    assert keys(archive, "huyện ủy thành ủy") == ["kl125"]  # a recipient
    assert set(keys(archive, "phòng chống dịch")) == {"kl125", "ct08"}  # "phòng, chống" in kl125
    assert keys(archive, "hòa giải") == keys(archive, "hoà giải") == ["qd2345", "tb712"]
    assert keys(archive, "uỷ ban nhân dân bình thuận") == ["qd2345"]


def test_accented_match_ranks_higher(archive):
    assert keys(archive, "Đảng")[0] == "kl125"
    assert keys(archive, "đang")[0] == "tb712"


def test_numbers_rank_first_and_match_without_punctuation(archive):
    assert keys(archive, "125-KL/TU")[0] == "kl125"  # its own number first, then ct08 that cites it
    assert set(keys(archive, "125-KL/TU")) == {"kl125", "ct08"}
    assert keys(archive, "2345 qd ubnd") == ["qd2345"]


def test_filters(archive):
    assert keys(archive, "hòa giải", portal="sim-binhthuan-ubnd") == ["qd2345"]
    assert keys(archive, "hòa giải", province="Lâm Đồng") == ["qd2345"]  # the post-2025 province
    assert keys(archive, "hòa giải", province="binh thuan") == ["qd2345"]
    assert keys(archive, "", doc_type="KL") == ["kl125"]
    assert keys(archive, "", doc_type="thong bao") == ["tb712"]
    assert keys(archive, "", issuer="tinh uy quang ngai", sort="date") == ["tb712", "kl125", "ct08"]
    assert keys(archive, "", signer="Quynh Van") == ["kl125"]
    assert keys(archive, "", family="state") == ["qd2345"]
    assert keys(archive, "", date_from="2021-06-01", date_to="2022-12-31", sort="date") == ["tb712", "kl125"]


def test_snippets_highlight_the_matches(archive):
    hit = search(archive, SearchQuery(text="chi thi 15")).hits[0]
    marked = [piece for piece, is_match in hit["snippet"] if is_match]
    assert "Chỉ" in marked and "thị" in marked and "15" in marked


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (SearchQuery(text="x", limit=-1), "limit must be between 1 and 200, got -1"),
        (SearchQuery(text="x", limit=0), "limit must be between"),
        (SearchQuery(text="x", portal="nope"), "unknown portal 'nope'"),
        (SearchQuery(text="x", province="Atlantis"), "no archived document is from province 'Atlantis'"),
        (SearchQuery(text="x", date_from="12/8/2021"), "date_from must be a date as YYYY-MM-DD"),
        (SearchQuery(text="x", date_from="2022-01-01", date_to="2021-01-01"), "is after date_to"),
        (SearchQuery(text="x", sort="newest"), "sort must be one of relevance, date"),
        (SearchQuery(text="x", family="church"), "family must be one of party, state"),
        (SearchQuery(text="—"), "has no letter or digit"),
        (SearchQuery(), "give words to search for, or at least one filter"),
    ],
)
def test_bad_arguments_say_what_is_wrong(archive, query, message):
    with pytest.raises(SearchError, match=message.replace("(", r"\(")):
        search(archive, query)


def test_a_new_version_replaces_the_indexed_text(archive):
    from tests.archive.conftest import DOCS

    changed = {**DOCS[2], "original_sha256": "f" * 64, "subject": "về công tác dân vận", "body": "Dân vận."}
    archive.upsert_document(changed)
    assert keys(archive, "dân vận") == ["tb712"]
    assert keys(archive, "hoà giải") == ["qd2345"]
    assert search(archive, SearchQuery(text="dan van")).hits[0]["version"] == 2


@pytest.mark.parametrize("wh", ["postgres"], indirect=True)  # the SQL twin of the folding is PostgreSQL's
def test_postgres_fold_function_agrees_with_python(wh):
    assert wh.dialect == "postgres"
    samples = [
        "Đảng ủy phòng, chống dịch",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Uỷ ban nhân dân tỉnh Thừa Thiên Huế",
        "Quyết định số 2345/QĐ-UBND ngày 31/10/2024",
        "Nguyễn Thị Ánh Tuyết, Phạm Ngọc Hưởng; ỹ ỵ ữ ự ằ ẵ ặ ẩ ễ ở ợ",
    ]
    for text in samples:
        assert wh.scalar("SELECT directives_fold(:t)", {"t": text}) == fold_vietnamese(text)
