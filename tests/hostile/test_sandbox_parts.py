"""Parallel parts of one sandbox job (parsers.sandbox.parallel_parts): the job's limits hold for the parts
together, errors come back as if the parts had run in order, and `directives parse`'s job forked from the
caller (jobs_forked_here) runs under the same limits."""

from __future__ import annotations

import pytest

from parsers.errors import CorruptFile, ExtractionTimeout, ResourceLimit
from parsers.extract import Limits, extract, run_limited
from parsers.sandbox import in_job, jobs_forked_here, parallel_parts
from tests.hostile import sandbox_parts

ONE_LINE_TEXT = ("Tỉnh ủy Quảng Ngãi chỉ thị số 12-CT/TU " * 600_000).encode()  # ~26 MB, one line


def test_parts_run_in_separate_processes_and_come_back_in_order():
    results = run_limited(sandbox_parts.allocate_in_parts, b"x", Limits(), [1, 2, 3])
    pids = [pid for pid, _ in results]
    assert len(set(pids)) == 3 and all(ok for _, ok in results)


def test_the_memory_budget_is_shared_by_the_parts():
    limits = Limits(max_memory_mb=300)
    # one process may add 300 MB: 200 MB fits alone...
    assert run_limited(sandbox_parts.allocate_in_parts, b"x", limits, [200])[0][1]
    # ...but not as one of two parts, each of which gets half of what the job had left
    with pytest.raises(ResourceLimit):
        run_limited(sandbox_parts.allocate_in_parts, b"x", limits, [10, 200])


def test_the_first_failing_part_is_the_error():
    with pytest.raises(CorruptFile, match="part 1 failed"):
        run_limited(sandbox_parts.fail_in_parts, b"x", Limits(), {1, 2})
    with pytest.raises(CorruptFile, match="part 0 failed"):
        run_limited(sandbox_parts.fail_in_parts, b"x", Limits(), {0, 2})
    assert run_limited(sandbox_parts.fail_in_parts, b"x", Limits(), set()) == [0, 1, 2]


def test_outside_a_job_the_parts_run_here_one_after_the_other():
    assert not in_job() and run_limited(sandbox_parts.job_flag, b"x", Limits())
    assert parallel_parts(lambda i: i * 2, [(1,), (2,)]) == [2, 4]


def test_a_job_forked_from_the_caller_keeps_the_time_and_memory_limits():
    with jobs_forked_here():
        with pytest.raises(ExtractionTimeout):
            extract(ONE_LINE_TEXT, filename="a.txt", limits=Limits(timeout_seconds=0.5))
        with pytest.raises((ResourceLimit, ExtractionTimeout)):
            run_limited(sandbox_parts.allocate_in_parts, b"x", Limits(max_memory_mb=100), [200])
        assert run_limited(sandbox_parts.job_flag, b"x", Limits())
