"""Accent folding: offsets kept, and only short strings (lines) kept in its cache."""

from __future__ import annotations

from parsers.normalize import FOLD_CACHED_LENGTH, _fold_line, fold


def test_fold_keeps_offsets_and_strips_marks():
    assert fold("Đảng bộ tỉnh Lâm Đồng") == "Dang bo tinh Lam Dong"
    assert len(fold("Nghị quyết số 12-NQ/TU")) == len("Nghị quyết số 12-NQ/TU")
    assert fold("ASCII only") == "ASCII only"


def test_a_whole_body_is_folded_without_entering_the_cache():
    body = "Chỉ thị của Ban Thường vụ Tỉnh ủy về công tác phòng, chống ma túy. " * 200
    assert len(body) > FOLD_CACHED_LENGTH
    _fold_line.cache_clear()
    assert fold(body) == "Chi thi cua Ban Thuong vu Tinh uy ve cong tac phong, chong ma tuy. " * 200
    assert _fold_line.cache_info().currsize == 0
    fold("Ban Thường vụ")
    assert _fold_line.cache_info().currsize == 1
