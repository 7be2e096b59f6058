"""The committed corpus is what the renderers produce, and its golden files match the seeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pdfplumber

from simulator.corpus import list_seeds, load_seed, seed_dir
from simulator.render import CLASSES
from simulator.render.build import DEFAULT_OUT, build, check, main

MAX_CORPUS_BYTES = 5_000_000


def test_committed_corpus_is_complete_and_golden_files_match_seeds():
    total = 0
    for seed_id in list_seeds():
        truth = load_seed(seed_id).truth()
        for name, rc in CLASSES.items():
            path = DEFAULT_OUT / seed_id / name
            golden = json.loads(
                (DEFAULT_OUT / seed_id / f"{name.rsplit('.', 1)[0]}.expected.json").read_text("utf-8")
            )
            assert path.is_file()
            assert golden["fixture"]["class"] == name
            assert golden["page_sources"] == [rc.page_source_kind] * golden["pages"]
            assert {k: golden[k] for k in truth} == truth
        with pdfplumber.open(DEFAULT_OUT / seed_id / "text.pdf") as pdf:
            assert (
                len(pdf.pages)
                == json.loads((DEFAULT_OUT / seed_id / "text.expected.json").read_text())["pages"]
            )
    total = sum(p.stat().st_size for p in DEFAULT_OUT.rglob("*") if p.is_file())
    assert total < MAX_CORPUS_BYTES


def test_build_check_passes_on_committed_corpus():
    assert main(["build", "--check"]) == 0


def test_check_detects_a_changed_file(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for suffix in (".txt", ".meta.yaml"):
        shutil.copy(seed_dir() / f"002_0549bf549650297a{suffix}", seeds)
    out = tmp_path / "corpus"
    build(out, seeds)
    assert check(out, seeds) == []
    target: Path = out / "002_0549bf549650297a" / "html"
    target.write_bytes(target.read_bytes().replace(b"<h1", b"<h2", 1))
    (out / "stray.txt").write_text("x")
    problems = check(out, seeds)
    assert any("differs" in p and p.endswith("html") for p in problems)
    assert any("stray.txt" in p for p in problems)
