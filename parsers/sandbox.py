"""Run an extraction in a child process with hard limits, so that no input can crash or hang the caller.

The child is forked (spawn/forkserver would re-import the caller's __main__, which breaks scripts without a
main guard, and cost ~1 s of imports per file); the parsing modules are imported before forking so the
child takes no import lock.  It gets RLIMIT_AS and RLIMIT_CPU, runs in its own process group (tesseract
grandchildren included) and is killed as a group when the wall-clock limit passes.  Whatever happens, the
caller gets an Extraction or a parsers.errors subclass."""

from __future__ import annotations

import faulthandler
import multiprocessing as mp
import os
import resource
import signal
from collections.abc import Callable
from typing import Any

from parsers.errors import CorruptFile, ExtractionError, ExtractionTimeout, ResourceLimit
from parsers.limits import Extraction, Limits

_CONTEXT = None


def _context():
    global _CONTEXT
    if _CONTEXT is None:
        import parsers.html  # noqa: F401 - imported before forking, see the module docstring
        import parsers.ocr  # noqa: F401
        import parsers.office  # noqa: F401
        import parsers.pdf  # noqa: F401

        _CONTEXT = mp.get_context("fork")
    return _CONTEXT


def _mapped_bytes() -> int:
    """Address space this process already maps (VmSize); 0 where /proc is not available."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _apply_limits(limits: Limits) -> None:
    os.setpgrp()
    # RLIMIT_AS counts what the fork inherited: an Airflow worker or a test session maps 1-2 GB before any
    # file is opened (libraries, thread stacks, malloc arenas), so the budget is on top of that.
    mem = _mapped_bytes() + limits.max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = int(limits.max_cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _child(conn, func: Callable[..., Extraction], data: bytes, limits: Limits) -> None:
    try:
        faulthandler.disable()  # a C-level abort under RLIMIT_AS is reported to the caller, not dumped
        _apply_limits(limits)
        result: Any = ("ok", func(data, limits))
    except ExtractionError as exc:
        result = ("err", exc)
    except MemoryError:
        result = ("err", ResourceLimit(f"out of memory (max_memory_mb={limits.max_memory_mb})"))
    except RecursionError:
        result = ("err", CorruptFile("file nests objects too deeply to parse"))
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a named error for the caller
        result = ("err", CorruptFile(f"parser failed: {type(exc).__name__}: {exc}"[:500]))
    try:
        conn.send(result)
    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable exception
        conn.send(("err", CorruptFile(f"parser failed: {type(exc).__name__}")))
    finally:
        conn.close()


def run_sandboxed(func: Callable[[bytes, Limits], Extraction], data: bytes, limits: Limits) -> Extraction:
    """Call func(data, limits) in a limited child process; `func` must be a module-level function."""
    ctx = _context()
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child_conn, func, data, limits), daemon=True)
    proc.start()
    child_conn.close()
    try:
        if not parent_conn.poll(limits.timeout_seconds):
            raise ExtractionTimeout(f"extraction did not finish within {limits.timeout_seconds:g} s; killed")
        try:
            status, payload = parent_conn.recv()
        except EOFError:
            proc.join(5)
            raise _death_error(proc.exitcode, limits) from None
    finally:
        _kill_group(proc)
        parent_conn.close()
    if status == "err":
        raise payload
    return payload


def _death_error(exitcode: int | None, limits: Limits) -> ExtractionError:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGXCPU:
            return ResourceLimit(f"CPU limit of {limits.max_cpu_seconds} s exceeded ({name})")
        return ResourceLimit(f"extraction process killed by {name} (memory limit {limits.max_memory_mb} MB?)")
    return ResourceLimit(f"extraction process died (exit code {exitcode})")


def _kill_group(proc) -> None:
    if proc.pid is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.join(5)
