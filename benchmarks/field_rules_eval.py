"""Dev tool: score the field rules alone on cached extractions (not used by the pipeline).

OCR of the real scans takes minutes; the field rules (parsers/metadata*.py) only need the extracted text.
This script extracts each golden's document once, pickles the Extraction under var/extraction-cache/ (keyed
by the file's SHA-256, so a changed fixture is extracted again), then runs `record_from_extraction`
on the cached text and prints the usual `directives eval` report.

    .venv/bin/python benchmarks/field_rules_eval.py [--real-only] [--refresh] [--json] [--only SUBSTR]

--refresh re-extracts (after a change to the extraction layer: pdf.py, ocr.py, office.py...); with --only the
other documents are not parsed (their fields count as misses: read the listed misses only). The figures
are those of the field rules on this checkout's extraction as cached; `directives eval` remains the
measure of record.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.eval import DEFAULT_CORPUS, DEFAULT_REAL, DEFAULT_SAMPLES, evaluate, format_report  # noqa: E402
from parsers.extract import extract  # noqa: E402
from parsers.limits import Limits  # noqa: E402
from parsers.record import record_from_extraction  # noqa: E402

CACHE = ROOT / "var" / "extraction-cache"


def cached_extraction(path: Path, refresh: bool = False):
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:20]
    slot = CACHE / f"{path.name}.{key}.pkl"
    if slot.exists() and not refresh:
        return pickle.loads(slot.read_bytes())
    ext = extract(data, filename=path.name, limits=Limits(use_sandbox=False))
    CACHE.mkdir(parents=True, exist_ok=True)
    slot.write_bytes(pickle.dumps(ext))
    return ext


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real-only", action="store_true", help="the real corpus only (no samples, no corpus)")
    ap.add_argument("--refresh", action="store_true", help="extract again instead of reading the cache")
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--only", help="parse only documents whose file name contains this (a quick look at their misses)"
    )
    args = ap.parse_args()

    def parse(path: Path):
        if args.only and args.only not in path.name:
            raise OSError("skipped by --only")
        return record_from_extraction(cached_extraction(path, args.refresh))

    report = evaluate(
        corpus_dir=DEFAULT_CORPUS if not args.real_only else Path("/nonexistent"),
        samples_dir=False if args.real_only else DEFAULT_SAMPLES,
        real_dir=DEFAULT_REAL,
        parse=parse,
    )
    if args.only:
        for st in report.classes.values():
            st.errors = [e for e in st.errors if "skipped by --only" not in e]
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
