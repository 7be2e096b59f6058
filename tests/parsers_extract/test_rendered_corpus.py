"""The rendered corpus (simulator/render output in tests/fixtures/corpus): text, TCVN3 and VNI PDFs and DOCX
of the same seed give the same text, with the page sources the renderer declares."""

import json
from pathlib import Path

import pytest

from parsers.extract import extract

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
SEEDS = sorted(p for p in CORPUS.glob("0*") if p.is_dir()) if CORPUS.exists() else []


@pytest.mark.skipif(not SEEDS, reason="corpus not rendered yet (simulator/render)")
@pytest.mark.parametrize("seed", SEEDS[:2], ids=lambda p: p.name)
def test_text_legacy_and_docx_renders_agree(seed):
    texts = {}
    for name in ("text.pdf", "tcvn3.pdf", "vni.pdf", "docx"):
        path = seed / name
        if not path.exists():
            continue
        expected = json.loads((seed / f"{name.split('.')[0]}.expected.json").read_text(encoding="utf-8"))
        result = extract(path.read_bytes(), filename=name)
        assert result.page_sources == expected["page_sources"], name
        assert result.pages == expected["pages"], name
        texts[name] = result.text
        blocks = result.text.split("\n\n")
        assert blocks[0].split("\n")[-1] == "Số " + expected["number"], name
        assert blocks[-1].split("\n")[-1] == expected["signer_name"], name
        recipients = blocks[-2].split("\n")
        assert [r.lstrip("- ").rstrip(";,.") for r in recipients[1:]] == expected["recipients"], name
    pdf_texts = {texts[n] for n in ("text.pdf", "tcvn3.pdf", "vni.pdf") if n in texts}
    assert len(pdf_texts) == 1
