"""The accuracy report's helpers and the `parse` / `eval` click commands, on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from directives_cli.parse_cmds import eval_command, parse_command
from parsers.eval import close_enough, evaluate, format_report, load_golden, mojibake_count
from parsers.legacy import encode_tcvn3, encode_vni
from parsers.normalize import cer, fold, strip_markdown

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
LUAT = SAMPLES / "doc" / "luat-15-2012-QH13.doc"


def test_cer_normalises_whitespace_and_markdown():
    assert cer("KẾT  LUẬN\n\nvề **công** tác", "KẾT LUẬN về công tác") == 0.0
    assert cer("abcd", "abce") == 0.25
    assert cer(None, "abc") == 1.0


def test_fold_keeps_offsets():
    text = "Cộng hòa Xã hội, ngày 16"
    assert len(fold(text)) == len(text) and fold(text) == "Cong hoa Xa hoi, ngay 16"


def test_strip_markdown_keeps_the_party_asterisk():
    assert strip_markdown("TỈNH ỦY\n*\nSố 1") == "TỈNH ỦY\n*\nSố 1"
    assert strip_markdown("THÔNG BÁO**Của đồng chí**") == "THÔNG BÁO\nCủa đồng chí"
    assert strip_markdown("phương châm “*chống dịch*”") == "phương châm “chống dịch”"


def test_mojibake_counts_legacy_words_only():
    clean = "Ban Thường vụ Tỉnh ủy kết luận về công tác phòng, chống dịch"
    assert mojibake_count(clean) == 0
    assert mojibake_count(encode_tcvn3(clean)) >= 5
    assert mojibake_count(encode_vni(clean)) >= 5


def test_close_enough_is_not_a_free_pass():
    assert close_enough("bảo đảm TTATGT cho HS, SV và rác OCR", "bảo đảm TTATGT cho HS, SV trong dịp nghỉ hè")
    assert not close_enough(None, "x")
    assert not close_enough("Sở GD&ĐT yêu cầu", "bảo đảm TTATGT cho HS, SV trong dịp nghỉ hè")
    assert close_enough(["a", "b", "x"], ["a", "b", "c"]) and not close_enough(["x"], ["a", "b", "c"])


def test_corpus_style_golden_is_loaded(tmp_path: Path):
    (tmp_path / "docx").write_bytes(b"x")
    golden = {"fixture": {"class": "docx", "file": "docx"}, "number": "1-TB/TU", "body": "Nội dung"}
    (tmp_path / "docx.expected.json").write_text(json.dumps(golden), encoding="utf-8")
    loaded = load_golden(tmp_path / "docx.expected.json")
    assert (loaded.cls, loaded.document.name, loaded.truth["number"], loaded.body) == (
        "docx",
        "docx",
        "1-TB/TU",
        "Nội dung",
    )


def test_evaluate_scores_a_small_corpus(tmp_path: Path):
    corpus = tmp_path / "corpus"
    (corpus / "real").mkdir(parents=True)
    shutil.copy(LUAT, corpus / "real" / LUAT.name)
    golden = json.loads((SAMPLES / "doc" / "luat-15-2012-QH13.expected.json").read_text(encoding="utf-8"))
    golden["class"] = "docx"
    golden["record"]["signer_name"] = "Somebody Else"  # one wrong field of 14
    shutil.copy(SAMPLES / "doc" / golden["body_file"], corpus / "real" / golden["body_file"])
    text = json.dumps(golden, ensure_ascii=False)
    (corpus / "real" / "luat.expected.json").write_text(text, encoding="utf-8")
    report = evaluate(corpus, samples_dir=False, real_dir=False)  # the small corpus alone, not the real one
    stats = report.classes["docx"]
    assert stats.field_accuracy == 13 / 14
    assert stats.body_cer is not None and stats.body_cer < 0.01
    assert any("field accuracy" in m for m in report.missed_targets)
    assert "signer_name" in format_report(report)


def test_parse_command_prints_the_record_as_json():
    result = CliRunner().invoke(parse_command, [str(LUAT), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["number"], data["issued_date"], data["family"]) == ("15/2012/QH13", "2012-06-20", "state")


def test_parse_command_human_readable():
    result = CliRunner().invoke(parse_command, [str(LUAT)])
    assert result.exit_code == 0 and "15/2012/QH13" in result.output and "Nguyễn Sinh Hùng" in result.output


def test_parse_command_fails_with_one_line_for_unreadable_files(tmp_path: Path):
    bad = tmp_path / "notice.pdf"
    bad.write_bytes(b"<html><body>404 Not Found</body></html>")
    result = CliRunner().invoke(parse_command, [str(bad)])
    assert result.exit_code != 0
    assert result.output.strip().startswith("Error:") and len(result.output.strip().splitlines()) == 1


def test_eval_command_strict_exit_code(tmp_path: Path):
    empty = tmp_path / "none"
    empty.mkdir()
    result = CliRunner().invoke(eval_command, ["--corpus", str(empty), "--no-samples", "--no-real"])
    assert result.exit_code != 0 and "no *.expected.json" in result.output


def test_real_corpus_classes_come_first_and_unreadable_fields_may_be_null(tmp_path: Path):
    real = tmp_path / "real" / "doc"
    real.mkdir(parents=True)
    shutil.copy(LUAT, real / LUAT.name)
    golden = json.loads((SAMPLES / "doc" / "luat-15-2012-QH13.expected.json").read_text(encoding="utf-8"))
    golden.pop("body_file")
    golden["class"] = "anything"  # the kind folder decides the class of a real-corpus golden
    golden["record"]["number"] = "99/2099/QH99"  # the parser cannot give this: scored wrong ...
    golden["record"]["issued_month"] = None
    (real / "luat-15-2012-QH13.expected.json").write_text(json.dumps(golden, ensure_ascii=False), "utf-8")
    report = evaluate(tmp_path / "none", samples_dir=SAMPLES, real_dir=tmp_path / "real")
    classes = list(report.to_dict()["classes"])
    assert classes[:2] == ["real .doc/.docx", "real sample"]
    stats = report.classes["real .doc/.docx"]
    assert stats.totals["number"] == 1 and stats.hits.get("number", 0) == 0
    assert stats.totals["issued_month"] == 1
    # ... unless the labeller marked it unreadable and the parser gives nothing with a warning
    golden["unreadable"] = {"signer_name": "handwritten"}
    golden["record"]["signer_name"] = "Nguyễn Văn A"
    (real / "luat-15-2012-QH13.expected.json").write_text(json.dumps(golden, ensure_ascii=False), "utf-8")
    loaded = load_golden(real / "luat-15-2012-QH13.expected.json", kind="doc")
    from parsers.eval import compare_fields

    record = {"signer_name": None, "warnings": ["signer name not found"]}
    assert compare_fields(loaded, record)["signer_name"] is True
    assert compare_fields(loaded, {"signer_name": "Nguyễn Văn B", "warnings": []})["signer_name"] is False
    assert format_report(report).splitlines()[1].startswith("real .doc/.docx")


def test_eval_only_scores_the_named_classes(tmp_path: Path):
    """--only picks classes by their printed or dashed name: iterate on the real text classes alone."""
    empty = tmp_path / "none"
    empty.mkdir()
    args = ["--corpus", str(empty), "--no-samples", "--only", "real-HTML", "--json"]
    result = CliRunner().invoke(eval_command, args)
    assert result.exit_code == 0, result.output
    classes = json.loads(result.output)["classes"]
    assert list(classes) == ["real html"] and classes["real html"]["documents"] == 1
