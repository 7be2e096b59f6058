"""Module-level functions the sandbox server can import by name: jobs that split into parallel parts."""

from __future__ import annotations

import os

from parsers.sandbox import in_job, parallel_parts

MB = 1024 * 1024


def _allocate(megabytes: int) -> tuple[int, bool]:
    block = bytearray(megabytes * MB)  # touched, so it is really mapped
    return os.getpid(), len(block) == megabytes * MB


def allocate_in_parts(data: bytes, limits, sizes: list[int]) -> list[tuple[int, bool]]:
    """Each part allocates its size in MB, in this job and in its helpers."""
    return parallel_parts(_allocate, [(size,) for size in sizes])


def _fail_if(index: int, failing: set[int]) -> int:
    if index in failing:
        raise ValueError(f"part {index} failed")
    return index


def fail_in_parts(data: bytes, limits, failing: set[int]) -> list[int]:
    return parallel_parts(_fail_if, [(i, failing) for i in range(3)])


def job_flag(data: bytes, limits) -> bool:
    return in_job()
