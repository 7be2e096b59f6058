"""Character error rate of the scan extraction against the rendered corpus' golden text, and layout checks.

    .venv/bin/python -m tests.parsers_extract.scan_cer [SEED_PREFIX ...]

For each tests/fixtures/corpus/<seed>/scan.pdf: CER of Extraction.text vs scan.expected.json `text`
(Levenshtein over NFC text with whitespace runs collapsed), and whether the page-1 header and the closing
area come out as the separate blocks the text contract fixes.  The tests import the helpers."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from parsers.normalize import collapse_ws, nfc

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def normalise(text: str) -> str:
    """NFC with whitespace runs as one space (what the CER compares, without touching '*' marks)."""
    return collapse_ws(nfc(text or ""))


def cer(hypothesis: str, reference: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(hyp, ref) / len(ref)


def layout_problems(text: str, expected: dict) -> list[str]:
    """What is wrong with the block structure of `text`, judged against the truth record (empty: all good).

    Compares blocks with a small edit tolerance so that OCR misreadings of single letters are not counted
    as layout faults."""
    problems = []
    blocks = text.split("\n\n")
    truth = expected["text"].split("\n\n")
    for k, name in ((0, "left header block"), (1, "right header block")):
        got = blocks[k].split("\n") if len(blocks) > k else []
        want = truth[k].split("\n")
        if len(got) != len(want) or any(_far(g, w) for g, w in zip(got, want, strict=False)):
            problems.append(f"{name}: {got!r} != {want!r}")
    closing = []
    if expected.get("recipients"):
        closing.append((-2 if expected.get("signer_name") else -1, "Nơi nhận block"))
    if expected.get("signer_name"):
        closing.append((-1, "signature block"))
    for k, name in closing:
        got = blocks[k].split("\n") if len(blocks) >= 2 else []
        want = truth[k].split("\n")
        if len(got) != len(want) or any(_far(g, w) for g, w in zip(got, want, strict=False)):
            problems.append(f"{name}: {got!r} != {want!r}")
    return problems


def _far(got: str, want: str, tolerance: float = 0.15) -> bool:
    return Levenshtein.normalized_distance(normalise(got), normalise(want)) > tolerance


def scan_seeds(prefixes: list[str] | None = None) -> list[Path]:
    seeds = sorted(p for p in CORPUS.glob("0*") if (p / "scan.pdf").exists())
    if prefixes:
        seeds = [s for s in seeds if any(s.name.startswith(p) for p in prefixes)]
    return seeds


def main(argv: list[str]) -> int:
    from parsers.extract import extract

    rows = []
    for seed in scan_seeds(argv or None):
        expected = json.loads((seed / "scan.expected.json").read_text(encoding="utf-8"))
        start = time.monotonic()
        result = extract((seed / "scan.pdf").read_bytes(), filename="scan.pdf")
        elapsed = time.monotonic() - start
        rate = cer(result.text, expected["text"])
        problems = layout_problems(result.text, expected)
        rows.append(rate)
        print(
            f"{seed.name}: CER {rate:.2%}  conf {result.ocr_confidence}  {elapsed:.1f}s  "
            f"layout {'ok' if not problems else 'BAD'}"
        )
        for p in problems:
            print("   ", p)
    if rows:
        print(f"mean CER {sum(rows) / len(rows):.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
