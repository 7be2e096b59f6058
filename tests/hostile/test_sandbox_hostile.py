"""Issue rows 9-10 and issue 10's executor bullet: all extraction (plain text and field parsing included) runs
under the limits in a process started with subprocess; nothing it starts outlives a killed caller."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from parsers.errors import ExtractionTimeout, ResourceLimit
from parsers.extract import Limits, extract
from parsers.record import parse_bytes

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "000_990e28e3400a8969"
ONE_LINE_TEXT = ("Tỉnh ủy Quảng Ngãi chỉ thị số 12-CT/TU " * 600_000).encode()  # ~26 MB, one line


# --- row 9: plain text and fields under the limits --------------------------------------------------------


def test_plain_text_extraction_is_under_the_time_limit():
    with pytest.raises(ExtractionTimeout):
        extract(ONE_LINE_TEXT, filename="a.txt", limits=Limits(timeout_seconds=0.5))


def test_field_parsing_is_under_the_memory_limit():
    with pytest.raises((ResourceLimit, ExtractionTimeout)):
        parse_bytes(ONE_LINE_TEXT, filename="a.txt", limits=Limits(max_memory_mb=40, timeout_seconds=60))


def test_small_text_still_parses_in_the_sandbox():
    text = "TỈNH ỦY QUẢNG NGÃI\nSố 12-CT/TU\nCHỈ THỊ\nvề việc tăng cường công tác phòng, chống dịch\n"
    record = parse_bytes(text.encode(), filename="ct-12.txt")
    assert record.number == "12-CT/TU" and record.pages == 1


# --- issue 10: any executor: a daemonic multiprocessing worker, a thread ---------------------------------


def _parse_into(queue) -> None:
    record = parse_bytes((CORPUS / "text.pdf").read_bytes(), filename="text.pdf")
    queue.put(record.number)


def test_extraction_inside_a_daemonic_process():
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    worker = ctx.Process(target=_parse_into, args=(queue,), daemon=True)  # like a Celery prefork child
    worker.start()
    number = queue.get(timeout=120)
    worker.join(30)
    assert number == "125-KL/TU" and worker.exitcode == 0


def test_extraction_inside_a_thread():
    results, errors = [], []

    def run():
        try:
            results.append(parse_bytes((CORPUS / "text.pdf").read_bytes(), filename="text.pdf").number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    assert errors == [] and results == ["125-KL/TU"]


# --- row 10: children die with their parent ---------------------------------------------------------------


def _process_table() -> dict[int, tuple[int, str, str]]:
    """pid -> (ppid, state, command name) of every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), fields[0], name)
    return table


def _descendants(root: int) -> dict[int, str]:
    table = _process_table()
    found, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _, name) in table.items():
            if ppid == parent and pid not in found:
                found[pid] = name
                frontier.append(pid)
    return found


def _alive(pids) -> list[int]:
    table = _process_table()
    return [pid for pid in pids if pid in table and table[pid][1] != "Z"]


def test_no_tesseract_outlives_a_killed_worker():
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from parsers.record import parse_bytes
        from parsers.extract import Limits
        data = open({str(CORPUS / "scan.pdf")!r}, "rb").read()
        parse_bytes(data, filename="scan.pdf", limits=Limits(ocr_workers=2, timeout_seconds=600))
        """
    )
    worker = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline, seen = time.monotonic() + 120, {}
        while time.monotonic() < deadline:
            seen.update(_descendants(worker.pid))
            if any(name.startswith("tesseract") for name in seen.values()):
                break
            assert worker.poll() is None, "the worker ended before OCR started"
            time.sleep(0.05)
        assert any(name.startswith("tesseract") for name in seen.values()), seen
        seen.update(_descendants(worker.pid))
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        deadline = time.monotonic() + 15
        while _alive(seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _alive(seen) == [], {pid: seen[pid] for pid in _alive(seen)}
    finally:
        if worker.poll() is None:
            worker.kill()
