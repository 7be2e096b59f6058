"""Search latency on 10,000 simulated documents, on DuckDB and on PostgreSQL, with the same queries.

    .venv/bin/python benchmarks/search_latency.py [--documents 10000] [--repeat 5] [--backend both]

The documents are made from real sentences (the seeds, the real corpus texts of tests/fixtures/links)
with random types, numbers, issuers,
signers, provinces and dates; each is written to `documents` and indexed by warehouse.search.index_document
(the loader's own indexing), without citations or assignments, which search does not read. Every query goes
through warehouse.search.search, the layer behind `directives search` and the web page, and is timed end to
end (SQL, snippets, rows to Python). Prints p50/p95 per backend, per query kind and overall.
PostgreSQL: a throw-away database on DIRECTIVES_TEST_PG_ADMIN_URL's server (default the local one).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.normalize import strip_markdown  # noqa: E402
from warehouse.db import Warehouse  # noqa: E402
from warehouse.search import SearchQuery, index_row, search  # noqa: E402

PG_ADMIN = os.environ.get("DIRECTIVES_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TYPES = [("CT", "CHỈ THỊ"), ("KL", "KẾT LUẬN"), ("TB", "THÔNG BÁO"), ("KH", "KẾ HOẠCH"), ("NQ", "NGHỊ QUYẾT")]
ISSUERS = [
    "TỈNH ỦY QUẢNG NGÃI",
    "TỈNH ỦY GIA LAI",
    "HUYỆN ỦY CẨM THỦY",
    "THÀNH ỦY BẢO LỘC",
    "TỈNH UỶ BÌNH THUẬN",
]
SIGNERS = ["Bùi Thị Quỳnh Vân", "Nguyễn Thành Hưng", "Trương Văn Kiệm", "Lê Viết Chữ", "Hồ Văn Niên"]
PROVINCES = [("Quảng Ngãi", "Quảng Ngãi"), ("Gia Lai", "Gia Lai"), ("Bình Thuận", "Lâm Đồng")]
QUERIES = {
    "accented words": ["phòng, chống dịch", "Đảng ủy", "công tác tuyên truyền", "Ban Thường vụ Tỉnh ủy"],
    "accent-free words": ["phong chong dich", "dang uy", "tinh uy quang ngai", "chi thi"],
    "number": ["125-KL/TU", "808-CT/TU", "41 kh tu"],
    "signer name": ["Bui Thi Quynh Van", "Trương Văn Kiệm"],
    "words + filters": [
        ("phòng chống dịch", {"doc_type": "CT", "date_from": "2021-01-01", "date_to": "2022-12-31"}),
        ("tuyen truyen", {"province": "Lâm Đồng", "sort": "date"}),
    ],
}


def _sentences() -> list[str]:
    """Real sentences: the seeds' and those of the real documents of the links fixtures (CCHC reports,
    drug-prevention plans, laws...), so that queries select a part of the archive, not all of it."""
    out = []
    fixtures = ROOT / "tests" / "fixtures"
    for path in sorted([*(fixtures / "seeds").glob("*.txt"), *(fixtures / "links" / "texts").glob("*.txt")]):
        text = strip_markdown(path.read_text(encoding="utf-8"))
        out += [s.strip() for s in text.replace("\n", " ").split(". ") if len(s.strip()) > 40]
    return out


def simulated_documents(n: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    sentences = _sentences()
    docs = []
    for i in range(n):
        code, name = rng.choice(TYPES)
        province, merged = rng.choice(PROVINCES)
        issued = date(2019, 1, 1) + timedelta(days=rng.randrange(2500))
        sha = uuid.UUID(int=rng.getrandbits(128)).hex * 2
        body = ". ".join(rng.sample(sentences, k=min(len(sentences), rng.randint(6, 18)))) + "."
        docs.append(
            {
                "portal_id": f"sim-portal-{i % 8}",
                "doc_key": str(i),
                "version": 1,
                "is_current": True,
                "original_sha256": sha,
                "original_key": f"originals/sha256/{sha[:2]}/{sha[2:4]}/{sha}",
                "family": "party",
                "doc_type": code,
                "doc_type_name": name,
                "number": f"{rng.randint(1, 999)}-{code}/TU"
                if i > 2
                else ["125-KL/TU", "808-CT/TU", "41-KH/TU"][i],
                "issuer": rng.choice(ISSUERS),
                "issued_date": issued,
                "subject": rng.choice(sentences)[:160],
                "signer_name": rng.choice(SIGNERS),
                "recipients": ["Các huyện ủy, thành ủy", "Lưu Văn phòng Tỉnh ủy"],
                "body": body,
                "text": body,
                "province_name": province,
                "province_merged_into": merged,
                "loaded_at": datetime(2026, 11, 20, tzinfo=UTC),
            }
        )
    return docs


def _insert_many(wh: Warehouse, table: str, rows: list[dict]) -> None:
    names = list(rows[0])
    params = [wh.encode(table, r) for r in rows]
    if wh.dialect == "postgres":
        sql = wh._sql(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
        )
        with wh.conn.cursor() as cursor:
            cursor.executemany(sql, params)
    else:  # DuckDB inserts row by row slowly; an Arrow table goes in at once
        import pyarrow as pa

        wh.conn.register("bulk_rows", pa.Table.from_pylist(params))
        wh.conn.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} FROM bulk_rows")
        wh.conn.unregister("bulk_rows")


def load(wh: Warehouse, docs: list[dict]) -> float:
    """Bulk insert (the loader writes one version at a time; its indexing is the same index_row)."""
    started = time.perf_counter()
    wh.migrate()
    with wh.transaction():
        _insert_many(wh, "documents", docs)
        _insert_many(wh, "search_index", [index_row(d) for d in docs])
    if wh.dialect == "postgres":
        wh.execute("ANALYZE")
    return time.perf_counter() - started


def measure(wh: Warehouse, repeat: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    for kind, queries in QUERIES.items():
        for item in queries:
            text, filters = item if isinstance(item, tuple) else (item, {})
            q = SearchQuery(text=text, limit=20, **filters)
            search(wh, q)  # warm the caches once
            for _ in range(repeat):
                started = time.perf_counter()
                search(wh, q)
                timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return timings


def _p(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def report(name: str, load_s: float, timings: dict[str, list[float]], n: int) -> None:
    every = [t for ts in timings.values() for t in ts]
    print(f"\n{name}: {n} documents loaded and indexed in {load_s:.1f} s")
    print(f"  {'query kind':22} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, ts in timings.items():
        print(f"  {kind:22} {_p(ts, 50):8.1f} {_p(ts, 95):8.1f}")
    print(
        f"  {'all queries':22} {_p(every, 50):8.1f} {_p(every, 95):8.1f}   (n={len(every)}, "
        f"mean {statistics.mean(every):.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", choices=["both", "duckdb", "postgres"], default="both")
    args = parser.parse_args()
    docs = simulated_documents(args.documents)
    if args.backend in ("both", "duckdb"):
        with tempfile.TemporaryDirectory() as tmp, Warehouse.connect(f"duckdb:///{tmp}/bench.duckdb") as wh:
            load_s = load(wh, docs)
            report("DuckDB", load_s, measure(wh, args.repeat), len(docs))
    if args.backend in ("both", "postgres"):
        import psycopg

        name = f"directives_bench_{uuid.uuid4().hex[:10]}"
        base = PG_ADMIN.rpartition("/")[0]
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        try:
            with Warehouse.connect(f"{base}/{name}") as wh:
                load_s = load(wh, docs)
                report("PostgreSQL", load_s, measure(wh, args.repeat), len(docs))
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
