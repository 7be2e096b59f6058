"""Seed parsing: structure recovered from the extracted text agrees with the labels in <seed>.meta.yaml."""

from __future__ import annotations

import shutil

import pytest
import yaml

from simulator.corpus import SeedFormatError, list_seeds, load_seed, seed_dir

SEEDS = list_seeds()


def _meta(seed_id):
    return yaml.safe_load((seed_dir() / f"{seed_id}.meta.yaml").read_text(encoding="utf-8"))["record"]


def test_all_seeds_found():
    assert len(SEEDS) >= 4


@pytest.mark.parametrize("seed_id", SEEDS)
def test_signature_and_recipients_agree_with_labels(seed_id):
    doc, meta = load_seed(seed_id), _meta(seed_id)
    truth = doc.truth()
    for key in ("signing_authority", "on_behalf_of", "signer_title", "signer_name", "number", "subject"):
        assert truth[key] == meta[key]
    if meta["signer_name"]:
        assert doc.signature.name == meta["signer_name"]
        assert doc.signature.title == meta["signer_title"]
        assert doc.signature.authority_line == f"{meta['signing_authority']} {meta['on_behalf_of']}"
        assert doc.recipients and doc.recipients[-1].startswith("Lưu")
    for r in doc.recipients:
        assert r and r[0] not in "-–" and r[-1] not in ";,."
    assert " ".join(doc.subject_lines) == meta["subject"]


@pytest.mark.parametrize("seed_id", SEEDS)
def test_markers_removed_and_page_breaks_rejoined(seed_id):
    doc = load_seed(seed_id)
    truth = doc.truth()
    assert "*" not in truth["body"] and "**" not in truth["text"]
    assert "*" not in "".join(doc.subject_lines)
    # every paragraph split by a page break started lowercase; none is left
    assert all(not p.text[:1].islower() for p in doc.paragraphs[1:])
    assert truth["body"] == "\n".join(p.text for p in doc.paragraphs)


def test_truncated_seed_has_no_closing():
    doc = load_seed("002_0549bf549650297a")
    assert doc.recipients == [] and doc.signature is None
    assert doc.truth()["signer_name"] is None and "Nơi nhận" not in doc.text()


def test_specific_structure():
    d001 = load_seed("001_c12fdece1227ca6e")
    assert "trên nguyên tắc “huyện giữ huyện, xã giữ xã" in d001.body
    assert "quy trình, quy định của Bộ Y tế." in d001.body
    d002 = load_seed("002_0549bf549650297a")
    italic = [s.text for p in d002.paragraphs for s in p.spans if s.italic]
    assert "chống dịch như chống giặc" in italic
    d003 = load_seed("003_04a3a84a24566528")
    assert d003.place_date_line == "Cẩm Thủy, ngày 16 tháng 8 năm 2021"  # printed unpadded in the original
    assert d003.number_line == "Số 168-TB/HU"
    assert len(d003.subject_lines) == 1 and d003.subject_lines[0].startswith("Của đồng chí")
    d000 = load_seed("000_990e28e3400a8969")
    assert d000.place_date_line == "Quảng Ngãi, ngày 12 tháng 08 năm 2021"
    assert d000.subject_lines[0] == "CỦA BAN THƯỜNG VỤ TỈNH ỦY"


def _copy_seed(tmp_path, seed_id):
    for suffix in (".txt", ".meta.yaml"):
        shutil.copy(seed_dir() / f"{seed_id}{suffix}", tmp_path / f"{seed_id}{suffix}")
    return tmp_path


def test_seed_folder_is_configurable(tmp_path, monkeypatch):
    _copy_seed(tmp_path, "003_04a3a84a24566528")
    assert list_seeds(tmp_path) == ["003_04a3a84a24566528"]
    monkeypatch.setenv("DIRECTIVES_SEED_DIR", str(tmp_path))
    assert list_seeds() == ["003_04a3a84a24566528"]


def test_label_disagreeing_with_text_is_an_error(tmp_path):
    seed = "000_990e28e3400a8969"
    _copy_seed(tmp_path, seed)
    meta = tmp_path / f"{seed}.meta.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("Bùi Thị Quỳnh Vân", "Nguyễn Văn A"), encoding="utf-8"
    )
    with pytest.raises(SeedFormatError, match="signature"):
        load_seed(seed, tmp_path)


def test_unmatched_marker_is_an_error(tmp_path):
    seed = "003_04a3a84a24566528"
    _copy_seed(tmp_path, seed)
    txt = tmp_path / f"{seed}.txt"
    txt.write_text(
        txt.read_text(encoding="utf-8").replace("Thời gian qua,", "Thời *gian qua,"), encoding="utf-8"
    )
    with pytest.raises(SeedFormatError, match="unmatched"):
        load_seed(seed, tmp_path)
