"""Speed and memory of the text-PDF extractor against poppler's pdftotext, on the same files in one run.

    .venv/bin/python benchmarks/pdf_speed.py [--pages-rss 500] [--repeat 3] [--skip-ocr] [--whole-only]
                                             [--reference main]

First the whole process, as a user runs it: wall time of `directives parse FILE --json` (a fresh Python
process: start-up, imports, the sandboxed extraction, the fields) against `pdftotext FILE` on a 1-page real
PDF (the start-up), the 33-page Công báo sample and a 330-page file made of it ten times over (pages copied
with pypdfium2, so the file is real text, not a rendering); runs alternate and the best of --repeat counts
(the machine is shared), with CPU seconds of the whole process tree beside it, and the floor: a bare
Python process that only imports pypdfium2 and has pdfium load every page and its text, split over the
cores.  The project's bytecode is compiled first (as `make python-deps` installs it).  The ratio is
pdftotext's time / ours (goal >= 0.5); the JSON record of every run must be identical, and identical to
the one the code of --reference (a git ref, default main; `--reference ''` skips it) prints.
benchmarks/same_output.py checks every other fixture.
Then the Word 97 .doc conversion: seconds per file with LibreOffice (-> .docx) and with antiword.

Then pages/s of parsers.pdf.extract_pdf (in-process, no sandbox: the engine itself), of
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
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.limits import Limits  # noqa: E402
from parsers.pdf import PAGES_PER_TEXT_WORKER, extract_pdf  # noqa: E402
from tests.parsers_extract.official_pdf import render_official_pdf, seed_doc  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "samples" / "pdf" / "cong-bao-23-VBHN-VPQH.pdf"
ONE_PAGE = ROOT / "tests" / "fixtures" / "real" / "pdf" / "lamdong-tinhdoan-cv156-2025.pdf"


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


DIRECTIVES = Path(sys.executable).with_name("directives")
TIMES_BIG = 10
DOC_FOLDERS = (ROOT / "tests" / "fixtures" / "real" / "doc", ROOT / "tests" / "fixtures" / "samples" / "doc")


def _repeated_pdf(src: Path, times: int, out: Path) -> int:
    """`times` copies of src's pages in one PDF; returns its page count."""
    from same_output import repeated_pdf  # benchmarks/ is this script's folder, first on sys.path

    return _pages(repeated_pdf(src, times, out).read_bytes())


def _wall(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[float, float, bytes]:
    """(wall s, CPU s of the process and everything it started, stdout).  This process is a subreaper, so
    the sandbox's job and helpers are waited for and counted too."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=cwd)  # cwd: first on sys.path
    wall = time.perf_counter() - started
    while True:  # orphans (a job's watcher) were re-parented here
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, proc.stdout


# The least a CPython program reading a PDF's text with pypdfium2 can take: the interpreter with its site, the
# pypdfium2 import, and pdfium's own page load and text page for every page, split over the cores by fork as
# ours is; no layout, no fields, no sandbox.  Ours can come no closer to pdftotext than this.
_FLOOR_CHILD = """
import os, sys
import pypdfium2 as pdfium
doc = pdfium.PdfDocument(open(sys.argv[1], 'rb').read())
n, cores = len(doc), len(os.sched_getaffinity(0))
workers = max(1, min(cores, n // {per_worker}))
bounds = [n * k // workers for k in range(workers + 1)]
children = []
for k in range(1, workers):
    pid = os.fork()
    if pid == 0:
        for i in range(bounds[k], bounds[k + 1]):
            page = doc[i]; page.get_textpage().get_text_range(); page.close()
        os._exit(0)
    children.append(pid)
for i in range(bounds[0], bounds[1]):
    page = doc[i]; page.get_textpage().get_text_range(); page.close()
for pid in children:
    os.waitpid(pid, 0)
os._exit(0)
"""


def _record(stdout: bytes) -> dict:
    record = json.loads(stdout)
    record.pop("parser_version", None)  # a version bump is not a change of output
    return record


def _reference_records(ref: str, files: list[Path], tmp: Path) -> list[dict]:
    """`directives parse --json` of each file by the code of git ref `ref` (exported with git archive)."""
    tree = tmp / "reference"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, "-m", "directives_cli.main", "parse", "--json"]
    return [_record(_wall([*cmd, str(path.resolve())], env, cwd=tree)[2]) for path in files]


def _compile_bytecode() -> None:
    """Compile the project's modules as an install does: with PYTHONDONTWRITEBYTECODE set, an edited module
    would otherwise be compiled again in every timed run."""
    folders = [str(ROOT / name) for name in ("parsers", "directives_cli")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True)


def whole_process(
    repeat: int, reference: str
) -> list[tuple[str, int, float, float, float, float, float, float]]:
    """(file, pages, our s, our CPU s, pdftotext s, its CPU s, ratio, pdfium floor s) per file; raises if
    two runs of ours give different JSON, or ours differs from the reference code's."""
    _compile_bytecode()
    _prctl_subreaper()
    floor_child = _FLOOR_CHILD.format(per_worker=PAGES_PER_TEXT_WORKER)  # the same split as ours
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / f"cong-bao-x{TIMES_BIG}.pdf"
        files = [
            (ONE_PAGE, _pages(ONE_PAGE.read_bytes())),
            (SAMPLE, _pages(SAMPLE.read_bytes())),
            (big, _repeated_pdf(SAMPLE, TIMES_BIG, big)),
        ]
        expected = _reference_records(reference, [p for p, _ in files], Path(tmp)) if reference else None
        for n, (path, pages) in enumerate(files):
            ours, theirs, floor, outputs = [], [], [], set()
            for _ in range(repeat):  # alternate, so all see the same machine load
                wall, cpu, out = _wall([str(DIRECTIVES), "parse", "--json", str(path)])
                ours.append((wall, cpu))
                outputs.add(out)
                theirs.append(_wall(["pdftotext", "-q", str(path), os.devnull])[:2])
                floor.append(_wall([sys.executable, "-c", floor_child, str(path)])[0])
            if len(outputs) != 1:
                raise SystemExit(f"{path.name}: `directives parse` gave different output across runs")
            if expected is not None and _record(outputs.pop()) != expected[n]:
                raise SystemExit(f"{path.name}: `directives parse` output differs from {reference}'s")
            our_s, their_s = min(w for w, _ in ours), min(w for w, _ in theirs)
            rows.append(
                (
                    path.name,
                    pages,
                    our_s,
                    min(c for _, c in ours),
                    their_s,
                    min(c for _, c in theirs),
                    their_s / our_s,
                    min(floor),
                )
            )
    return rows


def _prctl_subreaper() -> None:
    import ctypes

    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def doc_converters() -> list[tuple[str, float, float, str]]:
    """(file, LibreOffice s, antiword s, note) for every .doc of the real corpus and samples."""
    from parsers.office import ConversionFailed, extract_doc

    rows = []
    for folder in DOC_FOLDERS:
        for path in sorted(folder.glob("*.doc")):
            data = path.read_bytes()
            timed = {}
            note = ""
            for converter in ("libreoffice", "antiword"):
                started = time.perf_counter()
                try:
                    extract_doc(data, Limits(), converter=converter)
                except ConversionFailed as exc:
                    note = str(exc)
                timed[converter] = time.perf_counter() - started
            rows.append((path.name, timed["libreoffice"], timed["antiword"], note))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-rss", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-ocr", action="store_true", help="leave out the OCR throughput section")
    parser.add_argument("--whole-only", action="store_true", help="only the whole-process and .doc sections")
    parser.add_argument("--reference", default="main", help="git ref whose output ours must equal ('' skips)")
    args = parser.parse_args()

    print("whole process: `directives parse --json FILE` vs `pdftotext FILE` (wall time, best of runs;")
    print(
        f"CPU s of the whole process tree; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(
        f"{'file':36} {'pages':>5} {'ours s':>7} {'CPU s':>6} {'pdftotext s':>12} {'CPU s':>6} {'ratio':>6} "
        f"{'floor s':>8} {'floor ratio':>11}"
    )
    for name, pages, ours_s, ours_cpu, theirs_s, theirs_cpu, ratio, floor_s in whole_process(
        args.repeat, args.reference
    ):
        print(
            f"{name:36} {pages:>5} {ours_s:>7.3f} {ours_cpu:>6.3f} {theirs_s:>12.3f} {theirs_cpu:>6.3f} "
            f"{ratio:>6.2f} {floor_s:>8.3f} {theirs_s / floor_s:>11.2f}"
        )
    print(
        "floor: python + pypdfium2 + pdfium's page load and text page only, pages split over the cores "
        "(the best ratio any CPython parser on pdfium can reach)"
    )
    if args.reference:
        print(f"output identical to {args.reference}'s on the three files")
    print("\nWord 97 .doc: seconds per file, LibreOffice (-> .docx, then the .docx reader) vs antiword")
    docs = doc_converters()
    for name, lo_s, aw_s, note in docs:
        print(f"  {name:48} {lo_s:6.2f} {aw_s:6.2f} {note}")
    if docs:
        lo_mean, aw_mean = (sum(r[k] for r in docs) / len(docs) for k in (1, 2))
        print(f"  {'mean':48} {lo_mean:6.2f} {aw_mean:6.2f}")
    if args.whole_only:
        return
    print()

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
