"""Fuzzed files through the whole parse (sniffing, parsers, field regexes, all in the sandbox): each gives a
record or a named parsers.errors subclass, never another exception and never a dead or hung caller.

DIRECTIVES_FUZZ_N (default 24) sets how many mutated files; the seed is fixed, so a failure reproduces."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from parsers.errors import ExtractionError
from parsers.extract import Limits
from parsers.record import DocumentRecord, parse_bytes

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
N = int(os.environ.get("DIRECTIVES_FUZZ_N", "24"))
LIMITS = Limits(timeout_seconds=30, max_memory_mb=768, max_cpu_seconds=30, max_ocr_pages=1)


def _sources() -> list[Path]:
    names = ("text.pdf", "tcvn3.pdf", "docx", "html", "corrupt.pdf")
    return sorted(p for p in CORPUS.glob("*/*") if p.name in names)


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    kind = rng.choice(("flip", "truncate", "splice", "zero-run", "repeat"))
    if kind == "flip":
        for _ in range(rng.randint(1, 64)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        buf = buf[: rng.randrange(1, len(buf))]
    elif kind == "splice":
        at = rng.randrange(len(buf))
        buf[at:at] = os.urandom(rng.randint(1, 4096))
    elif kind == "zero-run":
        at = rng.randrange(len(buf))
        buf[at : at + rng.randint(16, 8192)] = b"\0" * min(8192, len(buf) - at)
    else:
        at = rng.randrange(len(buf))
        buf[at:at] = bytes(buf[at : at + 512]) * rng.randint(2, 50)
    return bytes(buf)


CASES = []
_rng = random.Random(20260801)
for _index in range(N):
    _source = _rng.choice(_sources())
    CASES.append((f"{_index:02d}-{_source.parent.name[:3]}-{_source.name}", _source, _rng.randrange(1 << 30)))


@pytest.mark.parametrize(("case", "source", "seed"), CASES, ids=[c[0] for c in CASES])
def test_fuzzed_file_gives_a_record_or_a_named_error(case, source, seed):
    data = _mutate(source.read_bytes(), random.Random(seed))
    name = source.name if "." in source.name else f"file.{source.name}"
    try:
        record = parse_bytes(data, filename=name, limits=LIMITS)
    except ExtractionError as exc:
        assert str(exc), "a named error says why"
    else:
        assert isinstance(record, DocumentRecord)
