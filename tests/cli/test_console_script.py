"""The installed `directives` console script run as a process, as a user runs it: `parse` leaves without the
interpreter's teardown (os._exit), so its output must be whole and its exit status kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DIRECTIVES = Path(sys.executable).with_name("directives")
CONG_BAO = FIXTURES / "samples" / "pdf" / "cong-bao-23-VBHN-VPQH.pdf"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DIRECTIVES), *args], capture_output=True, timeout=120)


def test_parse_json_output_is_whole_and_the_status_zero():
    done = run("parse", "--json", str(CONG_BAO))
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)  # ~150 kB: every byte written before the process left
    assert record["pages"] == 33
    assert record["body"] and record["warnings"] is not None
    assert len(done.stdout) > 100_000


def test_parse_of_a_broken_file_exits_one_with_the_named_error(tmp_path):
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(CONG_BAO.read_bytes()[:3000])
    done = run("parse", str(truncated))
    assert done.returncode == 1
    assert b"TruncatedFile" in done.stderr
    assert done.stdout == b""


def test_parse_human_output_goes_through_a_pipe_whole():
    done = run("parse", str(CONG_BAO))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0].startswith("family")
    assert any(line.startswith("body") for line in lines)
