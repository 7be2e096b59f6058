"""Proof that a speed change left the parser's output alone: every non-scan fixture parsed by the code of a
git ref (default main) and by the working tree must give the same record JSON and the same extracted text.

    .venv/bin/python benchmarks/same_output.py [--ref main] [--no-big] [--keep DIR]

The files: the real corpus (tests/fixtures/real: text PDFs, .doc, .docx, the portal page), the real samples
(tests/fixtures/samples) and the rendered corpus (tests/fixtures/corpus: text, TCVN3, VNI, corrupt PDFs,
.docx, HTML), scans left out (OCR is slow and no speed change touches it), plus the 330-page Công báo ×10
of the benchmark.  Per file, both trees give the record of `parsers.record.parse_bytes` (the sandboxed path
`directives parse` takes; an ExtractionError is recorded by name and message) and the Extraction of
`parsers.extract.extract` (text, pages, page sources, warnings, removed stamps), both in the sandbox, where
a long PDF's pages are read in parallel.  The ref's code is
taken with `git archive` into a temporary folder and run with this virtualenv; the fixtures are always the
working tree's.  Exits 1 and names the files and fields that differ."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "samples" / "pdf" / "cong-bao-23-VBHN-VPQH.pdf"
TIMES_BIG = 10

# Runs in a fresh interpreter whose sys.path starts with the tree under test.
_DUMP = r"""
import dataclasses, json, sys
from pathlib import Path
from parsers.errors import ExtractionError
from parsers.extract import extract
from parsers.record import parse_bytes

out = {}
for name in json.loads(sys.stdin.read()):
    path = Path(name)
    data = path.read_bytes()
    entry = {}
    try:
        entry["record"] = parse_bytes(data, filename=path.name).to_dict()
    except ExtractionError as exc:
        entry["record"] = {"error": f"{type(exc).__name__}: {exc}"}
    try:
        entry["extraction"] = dataclasses.asdict(extract(data, filename=path.name))
    except ExtractionError as exc:
        entry["extraction"] = {"error": f"{type(exc).__name__}: {exc}"}
    out[name] = entry
json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True, default=str)
"""


def fixture_files() -> list[Path]:
    """Every non-scan input file of the real corpus, the samples and the rendered corpus."""
    real = [
        p
        for kind in ("pdf", "doc", "docx", "html")
        for p in sorted((FIXTURES / "real" / kind).glob("*"))
        if p.suffix in (".pdf", ".doc", ".docx", ".html")
    ]
    samples = [
        p
        for p in sorted((FIXTURES / "samples").rglob("*"))
        if p.suffix in (".pdf", ".doc", ".docx", ".html") and not p.name.startswith("scan-")
    ]
    corpus = [
        p
        for p in sorted((FIXTURES / "corpus").glob("*/*"))
        if p.is_file() and not p.name.startswith("scan") and not p.name.endswith(".json")
    ]
    return real + samples + corpus


def repeated_pdf(src: Path, times: int, out: Path) -> Path:
    """`times` copies of src's pages in one PDF (pypdfium2 import_pages: real text objects)."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(src)
    target = pdfium.PdfDocument.new()
    for _ in range(times):
        target.import_pages(source)
    with out.open("wb") as fh:
        target.save(fh)
    return out


def dump(tree: Path, files: list[Path]) -> dict:
    """Record and extraction of every file, computed by the code in `tree`."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    proc = subprocess.run(
        [sys.executable, "-c", _DUMP],
        input=json.dumps([str(p) for p in files]),
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"parsing with the code in {tree} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def differences(before: dict, after: dict) -> list[str]:
    """'file: part.field' for every value that differs."""
    out = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            out.append(f"{name}: only in {'the working tree' if old is None else 'the reference'}")
            continue
        for part in ("record", "extraction"):
            for key in sorted(set(old[part]) | set(new[part])):
                if key == "parser_version":
                    continue  # a version bump is not a change of output
                if old[part].get(key) != new[part].get(key):
                    out.append(f"{name}: {part}.{key}")
    return out


def export_ref(ref: str, target: Path) -> None:
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="git ref whose code makes the reference (default main)")
    parser.add_argument("--no-big", action="store_true", help="leave out the 330-page Công báo x10")
    parser.add_argument("--keep", type=Path, default=None, help="write both dumps (JSON) into this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        files = fixture_files()
        if not args.no_big:
            files.append(repeated_pdf(SAMPLE, TIMES_BIG, Path(tmp) / f"cong-bao-x{TIMES_BIG}.pdf"))
        ref_tree = Path(tmp) / "ref"
        ref_tree.mkdir()
        export_ref(args.ref, ref_tree)
        before = dump(ref_tree, files)
        after = dump(ROOT, files)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for label, result in (("ref", before), ("tree", after)):
            (args.keep / f"{label}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    diff = differences(before, after)
    errors = sum("error" in entry["record"] for entry in after.values())
    print(
        f"{len(files)} files ({errors} rejected with a named error), code of {args.ref} vs the "
        f"working tree: {'identical' if not diff else f'{len(diff)} differences'}"
    )
    for line in diff:
        print("  " + line)
    if diff:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
