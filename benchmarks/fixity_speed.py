"""Speed and memory of the fixity audit (warehouse/fixity.py) on a demo-sized store.

    .venv/bin/python benchmarks/fixity_speed.py [--big-mb 200]

Fills a fresh bucket of an embedded S3 server (the one `make demo` uses) with the originals a demo archive
holds — every rendered fixture file (text/scan/TCVN3/VNI PDFs, .docx, HTML) and the real documents of
tests/fixtures/samples — plus one large original (--big-mb, default 200 MB) to show that re-hashing streams.
Then runs the audit in a fresh process and prints MB/s and that process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURE_SUFFIXES = (".pdf", ".docx", ".doc", ".html", ".txt")


def demo_files() -> list[Path]:
    files = []
    for folder in (ROOT / "tests" / "fixtures" / "corpus", ROOT / "tests" / "fixtures" / "samples"):
        files += [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in FIXTURE_SUFFIXES]
    return files


def fill(store, big_mb: int) -> tuple[int, int]:
    count = size = 0
    for path in demo_files():
        data = path.read_bytes()
        store.put_original(
            data,
            source_url=f"file://{path.name}",
            fetched_at="2025-01-01T00:00:00+00:00",
            content_type="application/octet-stream",
            portal_id="bench",
        )
        count, size = count + 1, size + len(data)
    if big_mb:
        big = Path(tempfile.mkstemp(prefix="fixity-big-")[1])
        try:
            import hashlib

            digest = hashlib.sha256()
            with big.open("wb") as out:
                for _ in range(big_mb):
                    chunk = os.urandom(1 << 20)
                    digest.update(chunk)
                    out.write(chunk)
            from warehouse.objectstore import original_key

            store.put_file(original_key(digest.hexdigest()), big)
            count, size = count + 1, size + big_mb * (1 << 20)
        finally:
            big.unlink()
    return count, size


def audit_child(endpoint: str, access: str, secret: str, bucket: str, warehouse_url: str) -> None:
    """Run in a fresh process, so its peak RSS is the audit's own."""
    from warehouse.db import Warehouse
    from warehouse.fixity import audit
    from warehouse.objectstore import ObjectStore

    store = ObjectStore(endpoint, access, secret, bucket)
    with Warehouse.connect(warehouse_url) as wh:
        wh.migrate()
        started = time.monotonic()
        report = audit(store, wh, alert=False)
        seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**report.as_dict(), "wall": seconds, "peak_rss_mb": peak_kb / 1024}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        audit_child(*args.child)
        return 0

    from warehouse.objectstore import ObjectStore
    from warehouse.services import EmbeddedS3

    with tempfile.TemporaryDirectory(prefix="fixity-speed-") as tmp:
        s3 = EmbeddedS3(Path(tmp) / "s3")
        s3.start()
        try:
            store = ObjectStore(s3.endpoint, s3.access_key, s3.secret_key, "fixity-bench")
            store.ensure_bucket()
            count, size = fill(store, args.big_mb)
            warehouse_url = f"duckdb:///{Path(tmp) / 'warehouse.duckdb'}"
            child = [s3.endpoint, s3.access_key, s3.secret_key, store.bucket, warehouse_url]
            out = subprocess.run(
                [sys.executable, __file__, "--child", *child], capture_output=True, text=True, check=True
            ).stdout
        finally:
            s3.stop()
    result = json.loads(out.strip().splitlines()[-1])
    mb = result["bytes_read"] / 1e6
    print(f"originals: {count} ({size / 1e6:.1f} MB, of which one of {args.big_mb} MB)")
    print(
        f"audit: {result['checked']} checked, {result['ok']} ok, {len(result['mismatched'])} mismatched, "
        f"{len(result['missing'])} missing"
    )
    print(f"speed: {mb / result['seconds']:.1f} MB/s ({mb:.1f} MB in {result['seconds']:.1f} s)")
    print(f"peak RSS of the audit process: {result['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
