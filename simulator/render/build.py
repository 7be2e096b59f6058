"""Build the committed fixture corpus: every seed in every class, each with a golden `<class>.expected.json`.

    python -m simulator.render build [--out tests/fixtures/corpus] [--seeds DIR] [--check]

`--check` renders into a temporary folder and fails if anything differs from `--out` (determinism, and a
corpus that is up to date with the renderers and seeds)."""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import io
import json
import sys
import tempfile
from pathlib import Path

from simulator.corpus import list_seeds, load_seed

from . import CLASSES, CORRUPT, ScanSettings

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "corpus"
# The first seed also gets a truncated PDF (for quarantine tests); it has no golden record.
CORRUPT_SEEDS = 1
# The committed scans are smaller than the renderer's default (200 dpi) to keep the corpus a few MB.
CORPUS_SCAN = ScanSettings(dpi=150, jpeg_quality=40, blur_radius=0.9, noise_sigma=2.0)
RENDER_OPTIONS = {"scan.pdf": {"settings": CORPUS_SCAN}}


def page_count(data: bytes, class_name: str) -> int:
    if not class_name.endswith(".pdf"):
        return 1  # html/docx: the extractor reports one page (parsers.limits.Extraction)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def expected_record(doc, class_name: str, data: bytes) -> dict:
    rc = CLASSES[class_name]
    pages = page_count(data, class_name)
    out = {
        "fixture": {
            "seed": doc.seed_id,
            "class": class_name,
            "file": class_name,
            "page_source_kind": rc.page_source_kind,
            "revision": 0,
        },
        **doc.truth(),
        "pages": pages,
        "page_sources": [rc.page_source_kind] * pages,
    }
    if rc.page_source_kind != "ocr":
        out["ocr_confidence"] = None  # a scan's confidence is the extractor's measurement: not labelled
    return out


def build(out: Path, seeds_dir: Path | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    manifest = []
    for n, seed_id in enumerate(list_seeds(seeds_dir)):
        doc = load_seed(seed_id, seeds_dir)
        folder = out / seed_id
        folder.mkdir(exist_ok=True)
        classes = list(CLASSES.values()) + ([CORRUPT] if n < CORRUPT_SEEDS else [])
        for rc in classes:
            data = rc.render(doc, 0, **RENDER_OPTIONS.get(rc.name, {}))
            path = folder / rc.name
            path.write_bytes(data)
            written.append(path)
            entry = {
                "seed": seed_id,
                "class": rc.name,
                "file": f"{seed_id}/{rc.name}",
                "render_options": {k: repr(v) for k, v in RENDER_OPTIONS.get(rc.name, {}).items()},
                "content_type": rc.content_type,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "expect": "record" if rc.page_source_kind else "quarantine",
            }
            if rc.page_source_kind:
                golden = folder / f"{rc.name.rsplit('.', 1)[0]}.expected.json"
                golden.write_text(_json(expected_record(doc, rc.name, data)), encoding="utf-8")
                written.append(golden)
                entry["expected"] = f"{seed_id}/{golden.name}"
            manifest.append(entry)
    mpath = out / "manifest.json"
    mpath.write_text(_json({"files": manifest}), encoding="utf-8")
    written.append(mpath)
    return written


def _json(obj) -> str:
    buf = io.StringIO()
    json.dump(obj, buf, ensure_ascii=False, indent=2, sort_keys=False)
    return buf.getvalue() + "\n"


def check(out: Path, seeds_dir: Path | None = None) -> list[str]:
    """Differences between a fresh build and `out` (empty list: identical)."""
    with tempfile.TemporaryDirectory(prefix="corpus-check-") as tmp:
        fresh = Path(tmp)
        build(fresh, seeds_dir)
        want = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
        have = {p.relative_to(out) for p in out.rglob("*") if p.is_file()} if out.is_dir() else set()
        problems = [f"missing in {out}: {p}" for p in sorted(want - have)]
        problems += [f"not produced by the build: {p}" for p in sorted(have - want)]
        problems += [
            f"differs: {p}" for p in sorted(want & have) if not filecmp.cmp(fresh / p, out / p, shallow=False)
        ]
        return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m simulator.render")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="render the fixture corpus")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT)
    b.add_argument("--seeds", type=Path, default=None, help="seed folder (default: tests/fixtures/seeds)")
    b.add_argument("--check", action="store_true", help="fail if a fresh build differs from --out")
    args = ap.parse_args(argv)
    if args.check:
        problems = check(args.out, args.seeds)
        for p in problems:
            print(p, file=sys.stderr)
        print("corpus up to date" if not problems else f"{len(problems)} difference(s)")
        return 1 if problems else 0
    written = build(args.out, args.seeds)
    total = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} files, {total / 1e6:.2f} MB, into {args.out}")
    return 0
