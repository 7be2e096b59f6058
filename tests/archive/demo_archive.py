"""A demo-like archive for the page tests: real rendered fixtures parsed by the real parser, their
originals in the real object store, loaded through the loader (so the derived tables are the loader's),
with runs and a quarantined item like a pipeline run leaves them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from pipeline.records import RECORD_COLUMNS

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
PORTALS = {
    "sim-quangngai-tu": ("Quảng Ngãi", "51", "Quảng Ngãi"),
    "sim-gialai-tu": ("Gia Lai", "64", "Gia Lai"),
    "sim-thanhhoa-camthuy-hu": ("Thanh Hóa", "38", "Thanh Hóa"),
}
# (portal, doc_key, file); the second entry of 1306 is a new version of the same document.
FILES = [
    ("sim-quangngai-tu", "1306", CORPUS / "000_990e28e3400a8969" / "text.pdf"),
    ("sim-gialai-tu", "712", CORPUS / "001_c12fdece1227ca6e" / "text.pdf"),
    ("sim-gialai-tu", "808", CORPUS / "002_0549bf549650297a" / "text.pdf"),
    ("sim-thanhhoa-camthuy-hu", "168", CORPUS / "003_04a3a84a24566528" / "text.pdf"),
    ("sim-quangngai-tu", "1306", CORPUS / "000_990e28e3400a8969" / "vni.pdf"),
]
PLAN = """TỈNH ỦY QUẢNG NGÃI
Số 41-KH/TU
Quảng Ngãi, ngày 20 tháng 8 năm 2021
KẾ HOẠCH
thực hiện Kết luận số 125-KL/TU của Ban Thường vụ Tỉnh ủy
Thực hiện Kết luận số 125-KL/TU ngày 12/8/2021 của Ban Thường vụ Tỉnh ủy về tiếp tục tăng cường công tác
phòng, chống dịch bệnh Covid-19 trên địa bàn tỉnh, Ban Thường vụ Tỉnh ủy ban hành kế hoạch thực hiện như sau:
1. Giao Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Sở Thông tin và Truyền thông tổ chức tuyên truyền,
hoàn thành trước ngày 30/9/2021.
2. Đề nghị các huyện ủy, thành ủy báo cáo kết quả thực hiện hằng tháng về Văn phòng Tỉnh ủy.
"""


_PARSED: dict[str, dict] = {}  # the same file parsed once per test session


def _parse(data: bytes, filename: str, content_type: str) -> dict:
    from parsers.record import parse_bytes

    key = hashlib.sha256(data).hexdigest()
    if key not in _PARSED:
        _PARSED[key] = parse_bytes(data, filename=filename, content_type=content_type).to_dict()
    return dict(_PARSED[key])


def _load(wh, store, portal_id: str, doc_key: str, data: bytes, filename: str, content_type: str, when):
    record = _parse(data, filename, content_type)
    url = f"http://127.0.0.1:8081/{portal_id}/van-ban/{doc_key}/{filename}"
    stored = store.put_original(
        data, source_url=url, fetched_at=when, content_type=content_type, portal_id=portal_id
    )
    province, code, merged = PORTALS[portal_id]
    row = {name: record.get(name) for name in RECORD_COLUMNS}
    row.update(
        portal_id=portal_id,
        doc_key=doc_key,
        original_sha256=stored.sha256,
        original_key=stored.key,
        source_url=url,
        fetched_at=when,
        content_type=content_type,
        portal_metadata={"title": record.get("subject")},
        province_name=province,
        province_code=code,
        province_merged_into=merged,
        run_id="scheduled__2026-11-20T00:00:00+00:00",
    )
    return wh.upsert_document(row), stored.sha256


def build(wh, store) -> dict[str, str]:
    """Load the demo archive; returns {portal/doc_key: sha256 of its current original}."""
    current = {}
    for n, (portal_id, doc_key, path) in enumerate(FILES):
        when = datetime(2026, 11, 20, 1, n, 0, tzinfo=UTC)
        _, sha = _load(wh, store, portal_id, doc_key, path.read_bytes(), path.name, "application/pdf", when)
        current[f"{portal_id}/{doc_key}"] = sha
    plan = PLAN.encode("utf-8")
    when = datetime(2026, 11, 21, 3, 0, 0, tzinfo=UTC)
    _, sha = _load(wh, store, "sim-quangngai-tu", "1412", plan, "kh41.txt", "text/plain", when)
    current["sim-quangngai-tu/1412"] = sha
    for portal_id in PORTALS:
        run_id = "scheduled__2026-11-20T00:00:00+00:00"
        wh.start_run(run_id, portal_id)
        wh.finish_run(run_id, portal_id, {"discovered": 3, "new": 2, "unchanged": 1})
    broken = b"%PDF-1.7 truncated"
    wh.start_run("scheduled__2026-11-21T00:00:00+00:00", "sim-gialai-tu")
    wh.record_quarantine(
        portal_id="sim-gialai-tu",
        doc_key="913",
        stage="extract",
        reasons=["cannot extract 913.pdf: the PDF has no readable page (truncated file)"],
        original_sha256=hashlib.sha256(broken).hexdigest(),
        source_url="http://127.0.0.1:8081/sim-gialai-tu/van-ban/913/913.pdf",
        run_id="scheduled__2026-11-21T00:00:00+00:00",
    )
    wh.finish_run(
        "scheduled__2026-11-21T00:00:00+00:00",
        "sim-gialai-tu",
        {"discovered": 4, "unchanged": 3, "quarantined": 1, "quarantine_reasons": ["913: cannot extract"]},
        status="failed",
    )
    return current
