"""Warehouses for the archive tests: the same fixture on PostgreSQL and on DuckDB, emptied per test."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from warehouse import schema, search_schema
from warehouse.db import Warehouse


def _drop_all(warehouse: Warehouse) -> None:
    for table in (*schema.TABLES, *search_schema.DERIVED_TABLES):
        warehouse.execute(f"DROP TABLE IF EXISTS {table.name} CASCADE")


@pytest.fixture(params=["postgres", "duckdb"])
def wh(request, tmp_path):
    """Empty tables; on PostgreSQL (one database per session, shared with other test modules) the
    tables are dropped again afterwards, so no other test finds this one's rows."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        warehouse = Warehouse.connect(url)
        _drop_all(warehouse)
    else:
        warehouse = Warehouse.connect(f"duckdb:///{tmp_path / 'wh.duckdb'}")
    warehouse.migrate()
    yield warehouse
    warehouse.close()
    if request.param == "postgres":
        with Warehouse.connect(url) as cleanup:
            _drop_all(cleanup)


def doc_row(doc_key: str, **fields) -> dict:
    sha = (doc_key * 64)[:64].replace("-", "0")
    sha = "".join(c if c in "0123456789abcdef" else "e" for c in sha.lower())
    row = {
        "portal_id": "sim-quangngai-tu",
        "doc_key": doc_key,
        "original_sha256": sha,
        "original_key": f"originals/sha256/{sha[:2]}/{sha[2:4]}/{sha}",
        "source_url": f"http://127.0.0.1/van-ban/{doc_key}.pdf",
        "fetched_at": datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC),
        "content_type": "application/pdf",
        "family": "party",
        "province_name": "Quảng Ngãi",
        "province_code": "51",
        "province_merged_into": "Quảng Ngãi",
        "run_id": "test-run",
    }
    row.update(fields)
    return row


# A small archive: accents, punctuation, old and new tone placement, Party and State documents.
DOCS = [
    doc_row(
        "kl125",
        doc_type="KL",
        doc_type_name="KẾT LUẬN",
        number="125-KL/TU",
        issuer="TỈNH ỦY QUẢNG NGÃI",
        issued_date=date(2021, 8, 12),
        subject="về tiếp tục tăng cường công tác phòng, chống dịch bệnh Covid-19 trên địa bàn tỉnh",
        signer_name="Bùi Thị Quỳnh Vân",
        recipients=["Ban Cán sự đảng UBND tỉnh", "Các huyện ủy, thành ủy"],
        body="Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy Đảng thực hiện Chỉ thị số 15/CT-TTg ngày 27/3/2020 "
        "của Thủ tướng Chính phủ. Giao Ban Cán sự đảng UBND tỉnh lãnh đạo UBND tỉnh chỉ đạo hoàn thành "
        "trước ngày 5/9/2021.",
    ),
    doc_row(
        "ct08",
        doc_type="CT",
        doc_type_name="CHỈ THỊ",
        number="08-CT/TU",
        issuer="TỈNH ỦY QUẢNG NGÃI",
        issued_date=date(2021, 1, 28),
        subject="về tăng cường công tác phòng chống dịch Covid-19",
        signer_name="Lê Viết Chữ",
        body="Các cấp ủy, chính quyền tập trung lãnh đạo công tác phòng chống dịch. Thực hiện Kết luận số "
        "125-KL/TU ngày 12/8/2021.",
    ),
    doc_row(
        "tb712",
        doc_type="TB",
        doc_type_name="THÔNG BÁO",
        number="712-TB/TU",
        issuer="TỈNH UỶ QUẢNG NGÃI",
        issued_date=date(2022, 2, 23),
        subject="kết luận của Thường trực Tỉnh uỷ về hoà giải ở cơ sở",
        signer_name="Nguyễn Thành Hưng",
        body="Hiện nay các đơn vị đang triển khai công tác hoà giải; đang rà soát.",
    ),
    doc_row(
        "qd2345",
        portal_id="sim-binhthuan-ubnd",
        family="state",
        doc_type="QĐ",
        doc_type_name="QUYẾT ĐỊNH",
        number="2345/QĐ-UBND",
        issuer="ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN",
        issued_date=date(2024, 10, 31),
        subject="về việc ban hành quy chế hòa giải",
        signer_name="Đoàn Anh Dũng",
        province_name="Bình Thuận",
        province_code="60",
        province_merged_into="Lâm Đồng",
        body="Quyết định này có hiệu lực kể từ ngày ký.",
    ),
]


@pytest.fixture
def archive(wh):
    for row in DOCS:
        wh.upsert_document(row)
    return wh
