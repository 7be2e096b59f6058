"""Measure OCR variants on the scans: per scan, field accuracy and body CER of the record; OCR s/page.

    .venv/bin/python benchmarks/ocr_variants.py baseline script both        # real scans, first+last pages
    .venv/bin/python benchmarks/ocr_variants.py baseline --pages all --rendered

A variant is a set of Limits overrides (VARIANTS below).  Each page is OCRed once per variant and its raw word
boxes (before the correction pass, parsers.ocr_correct) are cached under --cache, so a change to the
correction pass or to the field rules is re-measured without OCR; `--fresh` drops a variant's cache.  The
record is built the way parse_here builds it (extract_pdf, then record_from_text) with ocr_pdf_pages
replaced by the cached reader.  `--pages firstlast` OCRs only each file's first and last page (the header,
signature and Nơi nhận; the middle pages are left empty), the quick mode for iterating; `all` every page.
Run it with `nice -n 10`: it uses one tesseract at a time."""

from __future__ import annotations

import argparse
import importlib
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers import ocr  # noqa: E402
from parsers.eval import compare_fields, find_goldens, is_scan_class, max_body_cer  # noqa: E402
from parsers.limits import Limits  # noqa: E402
from parsers.normalize import cer  # noqa: E402

VARIANTS: dict[str, dict] = {
    # the steps measured one after the other (the cache keeps each one's OCR; "baseline" and "ink" were
    # OCRed before and after the change to the ink cleaning, with the header read once)
    "baseline": {"ocr_header_psm": 0},
    "ink": {"ocr_header_psm": 0},
    # the ink cleaning's two soft rules one at a time (module constants patched for the run)
    "ink-noblue": {"ocr_header_psm": 0, "_patch": {"parsers.scan_clean.BLUE_EXCESS": 256}},
    "ink-noedge": {"ocr_header_psm": 0, "_patch": {"parsers.scan_clean.EDGE_CHROMA": 256}},
    "script": {"ocr_lang": "Vietnamese", "ocr_header_psm": 0},
    "both": {"ocr_lang": "vie+Vietnamese", "ocr_header_psm": 0},
    "header6+dpi400": {"ocr_header_psm": 6, "ocr_dpi": 400},
    "header6": {"ocr_header_psm": 6, "ocr_body_min_dpi": None},
    # the kept rule: pages between the first and the last at the scan's own resolution, at least 200 dpi
    "body-native200": {"ocr_header_psm": 6, "ocr_body_min_dpi": 200},
    # every page OCRed at the scan's own resolution (not enlarged to 300 dpi), at least 200 / 150 dpi
    # (measured with the rule then applied to all pages; the kept rule, Limits.ocr_body_min_dpi, spares the
    # first and last pages; "header6" is the 300-dpi reading of every page)
    "native200": {"ocr_header_psm": 6, "ocr_body_min_dpi": 200, "_all_pages_native": True},
    "native150": {"ocr_header_psm": 6, "ocr_body_min_dpi": 150, "_all_pages_native": True},
    "header4": {"ocr_header_psm": 4},
    "script+header6": {"ocr_lang": "Vietnamese", "ocr_header_psm": 6},
    "both+header6": {"ocr_lang": "vie+Vietnamese", "ocr_header_psm": 6},
}


def cached_reader(
    variant: str, stem: str, cache: Path, pages: str, timings: list[float], all_native: bool = False
):
    """An ocr_pdf_pages replacement: raw boxes from the cache or from ocr_image, then the correction pass."""
    from parsers.ocr_correct import correct_boxes

    def read(doc, indexes, limits):
        exe = ocr.check_tesseract(limits.ocr_lang)
        n = len(doc)
        out = {}
        for index in indexes:
            page = doc[index]
            width, height = page.get_size()
            if pages == "firstlast" and index not in (0, n - 1):
                page.close()
                out[index] = ocr.OcrPage(width=width, height=height)
                continue
            path = cache / variant / f"{stem}-p{index + 1}.pkl"
            if path.exists():
                boxes, conf, scale, seconds = pickle.loads(path.read_bytes())
            else:
                start = time.perf_counter()
                body = all_native or ocr.is_body_page(index, n)
                image, scale = ocr.render_page_image(page, limits, body=body)
                boxes, conf = ocr.ocr_image(image, scale * 72.0, limits, exe, tidy=False, first=index == 0)
                seconds = time.perf_counter() - start
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pickle.dumps((boxes, conf, scale, seconds)))
            page.close()
            timings.append(seconds)
            boxes, notes = correct_boxes(ocr.tidy_boxes(boxes))
            words = [
                ocr.Word(x0 / scale, x1 / scale, top / scale, bottom / scale, text, line_id)
                for x0, top, x1, bottom, text, line_id, _conf in boxes
            ]
            out[index] = ocr.OcrPage(words, width, height, conf, " ".join(b[4] for b in boxes), None, [])
        return out

    return read


def measure(variant: str, goldens, cache: Path, pages: str, verbose: bool, texts: Path | None = None) -> dict:

    settings = dict(VARIANTS[variant])
    patches = settings.pop("_patch", {})
    all_native = settings.pop("_all_pages_native", False)
    limits = replace(Limits(use_sandbox=False), **settings)
    saved = {}
    for dotted, value in patches.items():
        module, name = dotted.rsplit(".", 1)
        target = importlib.import_module(module)
        saved[(target, name)] = getattr(target, name)
        setattr(target, name, value)
    try:
        return _measure(variant, goldens, cache, pages, verbose, texts, limits, all_native)
    finally:
        for (target, name), value in saved.items():
            setattr(target, name, value)


def _measure(
    variant, goldens, cache: Path, pages: str, verbose: bool, texts: Path | None, limits, all_native: bool
) -> dict:
    from parsers import pdf
    from parsers.record import record_from_text

    hits = total = 0
    cers: list[float] = []
    timings: list[float] = []
    rows = []
    ledger: list[str] = []
    for golden in goldens:
        stem = f"{golden.document.parent.name}-{golden.document.stem}"
        original = ocr.ocr_pdf_pages
        ocr.ocr_pdf_pages = cached_reader(variant, stem, cache, pages, timings, all_native)
        try:
            ext = pdf.extract_pdf(golden.document.read_bytes(), limits)
        finally:
            ocr.ocr_pdf_pages = original
        if texts is not None:
            (texts / variant).mkdir(parents=True, exist_ok=True)
            (texts / variant / f"{golden.document.stem}.txt").write_text(ext.text, encoding="utf-8")
        record = record_from_text(ext.text, ext.pages, ext.page_sources, ext.ocr_confidence, ext.warnings)
        record = record.to_dict()
        scored = compare_fields(golden, record)
        hits += sum(scored.values())
        total += len(scored)
        body = cer(record.get("body"), golden.body) if golden.body is not None else None
        if body is not None:
            cers.append(body)
        missed = [k for k, ok in scored.items() if not ok]
        rows.append((golden.document.name, sum(scored.values()), len(scored), body, missed))
        for k in missed:  # in the known-misses ledger's format (tests/parsers_metadata/real_known_misses.txt)
            ledger.append(f"{golden.document.name} {k}  # {golden.cls}: gives {str(record.get(k))[:80]}")
        if body is not None and body > max_body_cer(golden):
            ledger.append(f"{golden.document.name} body  # body CER {body:.4f} > {max_body_cer(golden)}")
        if verbose:
            for k in missed:
                print(f"    {golden.document.name}: {k} = {record.get(k)!r}  want {golden.truth[k]!r}")
    return {
        "rows": rows,
        "fields": hits / total if total else None,
        "cer": sum(cers) / len(cers) if cers else None,
        "sec_per_page": sum(timings) / len(timings) if timings else None,
        "pages": len(timings),
        "ledger": ledger,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variants", nargs="*", default=["baseline"])
    ap.add_argument("--pages", choices=("firstlast", "all"), default="firstlast")
    ap.add_argument("--rendered", action="store_true", help="the rendered corpus' scans instead of the real")
    ap.add_argument("--only", default="", help="comma-separated substrings of the file names to keep")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/ocr-variants"))
    ap.add_argument("--fresh", action="store_true", help="drop the variants' cached OCR first")
    ap.add_argument("--texts", type=Path, default=None, help="write each extracted text under this folder")
    ap.add_argument("--ledger", action="store_true", help="print the misses as known-misses ledger lines")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every missed field")
    args = ap.parse_args()
    if args.rendered:
        goldens = [g for g in find_goldens(ROOT / "tests" / "fixtures" / "corpus") if is_scan_class(g.cls)]
    else:
        goldens = [g for g in find_goldens(ROOT / "tests" / "fixtures" / "real") if g.cls == "real scan"]
    if args.only:
        keep = args.only.split(",")
        goldens = [g for g in goldens if any(k in g.document.name for k in keep)]
    cache = args.cache / ("rendered" if args.rendered else "real") / args.pages
    results = {}
    for variant in args.variants:
        if args.fresh:
            for path in (cache / variant).glob("*.pkl"):
                path.unlink()
        print(f"== {variant} {VARIANTS[variant]}", flush=True)
        results[variant] = res = measure(variant, goldens, cache, args.pages, args.verbose, args.texts)
        for name, hit, n, body, missed in res["rows"]:
            body_s = "" if body is None else f" CER {body:.2%}"
            print(f"  {name[:48]:48} {hit:2}/{n:2}{body_s}  miss: {' '.join(missed)}")
        if args.ledger:
            print("\n".join(res["ledger"]))
    print(f"\n{'variant':14} {'fields':>7} {'body CER':>9} {'s/page':>7} {'pages':>5}")
    for variant, res in results.items():
        fields = "-" if res["fields"] is None else f"{res['fields']:.1%}"
        body = "-" if res["cer"] is None else f"{res['cer']:.2%}"
        sec = "-" if res["sec_per_page"] is None else f"{res['sec_per_page']:.1f}"
        print(f"{variant:14} {fields:>7} {body:>9} {sec:>7} {res['pages']:>5}")


if __name__ == "__main__":
    main()
