"""Recorded portal pages -> what the page parser returns, checked against a golden file beside each page.

Each tests/scrapers/examples/<family>/<case>.html starts as a browser saves a page: with the comment
`<!-- saved from url=(NNNN)URL -->`, the URL the page was served at (links resolve against it, and it tells a
listing from a detail page). `<case>.compare.json` is the adapter's `parse_page(...).to_dict()`.

To accept a deliberate change of parser output, regenerate the goldens and review the diff:

    DIRECTIVES_REGENERATE_GOLDENS=1 .venv/bin/pytest tests/scrapers/test_examples.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from scrapers.adapters import ADAPTERS, get_adapter

EXAMPLES = Path(__file__).parent / "examples"
REGENERATE = os.environ.get("DIRECTIVES_REGENERATE_GOLDENS") == "1"
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->")

CASES = sorted(EXAMPLES.glob("*/*.html"))


def saved_url(html: str, path: Path) -> str:
    match = _SAVED_FROM.search(html[:500])
    if match is None:
        raise AssertionError(f"{path}: first line must be <!-- saved from url=(NNNN)URL -->")
    return match.group(1)


def test_every_family_has_examples():
    assert {p.parent.name for p in CASES} == set(ADAPTERS)


@pytest.mark.parametrize("page", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_page_parses_to_its_golden(page: Path):
    html = page.read_text(encoding="utf-8")
    result = get_adapter(page.parent.name).parse_page(html, saved_url(html, page)).to_dict()
    golden = page.with_suffix(".compare.json")
    if REGENERATE:
        golden.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        pytest.skip(f"regenerated {golden.name}: review the diff before committing")
    assert golden.exists(), f"{golden} missing: run with DIRECTIVES_REGENERATE_GOLDENS=1 and review it"
    assert result == json.loads(golden.read_text(encoding="utf-8"))
