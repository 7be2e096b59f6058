"""Speed and memory of the text-PDF extractor against poppler's pdftotext, on the same files in one run.

    .venv/bin/python benchmarks/pdf_speed.py [--pages-rss 500] [--repeat 3] [--skip-ocr]

Prints pages/s of parsers.pdf.extract_pdf (in-process, no sandbox: the engine itself), of
`pdftotext -layout` and plain `pdftotext`, of plain pdfplumber extract_text (the naive baseline), the ratio
ours/pdftotext, and the peak RSS of extracting a generated 500-page official-layout PDF in a fresh process.
Also checks that the fast engine (pypdfium2) and pdfplumber give the same body text on the measured files,
and measures OCR pages/s on the rendered scans with one Tesseract and with one per core."""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.limits import Limits  # noqa: E402
from parsers.pdf import extract_pdf  # noqa: E402
from tests.parsers_extract.official_pdf import render_official_pdf, seed_doc  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "samples" / "pdf" / "cong-bao-23-VBHN-VPQH.pdf"


def _best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(data))


def _pdftotext(path: Path, layout: bool) -> None:
    args = ["pdftotext", "-q"] + (["-layout"] if layout else []) + [str(path), "-"]
    subprocess.run(args, check=True, capture_output=True)


def _pdfplumber_plain(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def _engines_agree(data: bytes) -> tuple[int, int]:
    """(body pages compared, pages where pypdfium2 and pdfplumber layouts differ)."""
    import re

    import pdfplumber
    import pypdfium2 as pdfium

    from parsers.pdf import layout_page, pdfium_page_lines, plumber_page_lines

    doc = pdfium.PdfDocument(data)
    differ = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        body = range(1, len(doc) - 1)
        for i in body:
            w, h = doc[i].get_size()
            fast = layout_page(pdfium_page_lines(doc[i])[0], w, h, first=False, last=False, page_index=i)
            slow = layout_page(
                plumber_page_lines(pdf.pages[i])[0], w, h, first=False, last=False, page_index=i
            )
            pdf.pages[i].close()
            # whitespace-free: the engines differ only in the space before superscript footnote markers
            if [re.sub(r"\s+", "", b) for b in fast.blocks] != [re.sub(r"\s+", "", b) for b in slow.blocks]:
                differ += 1
    return len(body), differ


_RSS_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from parsers.pdf import extract_pdf
from parsers.limits import Limits
data = open({path!r}, 'rb').read()
t = time.perf_counter()
r = extract_pdf(data, Limits(max_pages=5000))
print(json.dumps({{"pages": r.pages, "seconds": time.perf_counter() - t,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def _render_at_least(pages: int) -> bytes:
    """An official-layout PDF of at least `pages` pages (the body is repeated; one trial render sizes it)."""
    doc = seed_doc("000")
    trial_repeat = max(1, pages // 4)
    trial = render_official_pdf(doc, repeat_body=trial_repeat)
    got = _pages(trial)
    if got >= pages:
        return trial
    return render_official_pdf(doc, repeat_body=math.ceil(trial_repeat * pages / got) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-rss", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-ocr", action="store_true", help="leave out the OCR throughput section")
    args = parser.parse_args()

    generated = render_official_pdf(seed_doc("000"), repeat_body=10)
    files = {"cong-bao-33p (real)": SAMPLE.read_bytes(), "official-generated": generated}
    print(
        f"{'file':24} {'pages':>5} {'ours p/s':>9} {'pdftotext -layout':>18} {'pdftotext':>10} "
        f"{'ratio vs -layout':>17} {'ratio vs plain':>15} {'pdfplumber p/s':>15} {'engines differ':>15}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            path = Path(tmp) / "f.pdf"
            path.write_bytes(data)
            n = _pages(data)
            ours = n / _best_of(lambda d=data: extract_pdf(d, Limits()), args.repeat)
            layout = n / _best_of(lambda p=path: _pdftotext(p, True), args.repeat)
            plain = n / _best_of(lambda p=path: _pdftotext(p, False), args.repeat)
            plumber = n / _best_of(lambda d=data: _pdfplumber_plain(d), 1)
            compared, differ = _engines_agree(data)
            print(
                f"{name:24} {n:>5} {ours:>9.1f} {layout:>18.1f} {plain:>10.1f} {ours / layout:>17.2f} "
                f"{ours / plain:>15.2f} {plumber:>15.1f} {differ:>8}/{compared:<6}"
            )

        big = _render_at_least(args.pages_rss)
        big_path = Path(tmp) / "big.pdf"
        big_path.write_bytes(big)
        out = subprocess.run(
            [sys.executable, "-c", _RSS_CHILD.format(root=str(ROOT), path=str(big_path))],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        stats = json.loads(out.strip().splitlines()[-1])
        print(
            f"\npeak RSS extracting a {stats['pages']}-page official-layout PDF: "
            f"{stats['maxrss_mb']:.0f} MB "
            f"({stats['pages'] / stats['seconds']:.1f} pages/s, {stats['seconds']:.1f} s, file "
            f"{len(big) / 1e6:.1f} MB)"
        )

    if not args.skip_ocr:
        _ocr_section()


def _ocr_section() -> None:
    """OCR throughput on the rendered scans, one Tesseract at a time and one per core, and proof that a
    text PDF sends no page to OCR."""
    scans = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*/scan.pdf"))
    pages = sum(_pages(p.read_bytes()) for p in scans)
    print(f"\nOCR of {len(scans)} rendered scans ({pages} pages, image-only):")
    timings = {}
    for workers in (1, None):
        limits = Limits(ocr_workers=workers)
        started = time.perf_counter()
        for path in scans:
            result = extract_pdf(path.read_bytes(), limits)
            assert set(result.page_sources) == {"ocr"}, result.page_sources
        timings[workers] = time.perf_counter() - started
        label = "1 worker" if workers else f"{os.cpu_count()} workers (default)"
        print(f"  {label:24} {pages / timings[workers]:6.2f} pages/s")
    print(f"  parallel speed-up: {timings[1] / timings[None]:.2f}x")
    text_sources = extract_pdf(SAMPLE.read_bytes(), Limits()).page_sources
    print(f"  pages sent to OCR in the 33-page text Công báo: {text_sources.count('ocr')}")


if __name__ == "__main__":
    main()
