"""Run an extraction in a separate, limited process, so that no input can crash, hang or outlive the caller.

Three levels of processes, each dying with its parent:

- the caller (a CLI run, an Airflow task, a Celery prefork or threads worker) starts one *sandbox server* per
  thread with `subprocess` — a plain exec, which a daemonic multiprocessing worker may start (it may not
  fork a multiprocessing child) and which needs no signal handler (so any thread may call it). The server
  imports the parsing modules once, then serves requests read from its stdin;
- per file the server forks a *job* process: its own process group, RLIMIT_AS and RLIMIT_CPU, killed as a
  group when the wall-clock limit passes; whatever happens the caller gets an Extraction (or the function's
  result) or a parsers.errors subclass;
- the job forks a *watcher* into its group that waits for the job's end, however it ends, and then kills the
  whole group: tesseract and converter grandchildren die with the job.

Server and job arm PR_SET_PDEATHSIG (SIGKILL), so a caller killed with SIGKILL takes its server, the job,
the watcher's group and every tesseract with it; a parent that died before the signal was armed is noticed
by checking getppid() right after.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import math
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from parsers.errors import CorruptFile, ExtractionError, ExtractionTimeout, ResourceLimit
from parsers.limits import Limits

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PARENT_ENV = "DIRECTIVES_SANDBOX_PARENT"
# How much longer than a file's own timeout the caller waits for the server before killing it: the server
# enforces the timeout itself; this only catches a server that stopped answering.
SERVER_MARGIN_SECONDS = 30.0
# What a long-lived server imports once, so that each forked job finds it loaded: every parser, the field
# rules and pdfium (the parsers import their libraries lazily; a job that imports one loses it when it ends).
_PRELOADED = (
    "parsers.html",
    "parsers.ocr",
    "parsers.office",
    "parsers.pdf",
    "parsers.record",
    "parsers.metadata",
    "pypdfium2",
)
_HEADER = struct.Struct(">Q")


# --- framing and process helpers --------------------------------------------------------------------------


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _send_frame(fd: int, payload: bytes) -> None:
    _write_all(fd, _HEADER.pack(len(payload)) + payload)


def _recv_frame(fd: int) -> bytes:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size))
    return _read_exact(fd, size)


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def die_with_parent(expected_parent: int) -> None:
    """SIGKILL this process when its parent dies; exit now if the parent is already gone."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != expected_parent:
        os._exit(1)


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
    # RLIMIT_AS counts what the fork inherited (the server's imported libraries), so the budget is on top.
    mem = _mapped_bytes() + limits.max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = int(limits.max_cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _death_error(wait_status: int, limits: Limits) -> ExtractionError:
    if os.WIFSIGNALED(wait_status):
        number = os.WTERMSIG(wait_status)
        name = signal.Signals(number).name
        if number == signal.SIGXCPU:
            return ResourceLimit(f"CPU limit of {limits.max_cpu_seconds} s exceeded ({name})")
        return ResourceLimit(f"extraction process killed by {name} (memory limit {limits.max_memory_mb} MB?)")
    return ResourceLimit(f"extraction process died (exit code {os.WEXITSTATUS(wait_status)})")


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- the job (forked by the server, one per file) ---------------------------------------------------------


def _start_watcher(keep_fds: tuple[int, ...]) -> None:
    """Fork a process into this job's group that kills the group once the job has ended."""
    read_end, write_end = os.pipe()  # non-inheritable: tesseract never holds the write end
    if os.fork() == 0:
        try:
            os.close(write_end)
            for fd in keep_fds:
                os.close(fd)
            while os.read(read_end, 1):
                pass
        finally:
            os.killpg(0, signal.SIGKILL)
            os._exit(0)
    os.close(read_end)
    # write_end stays open, unused, for the job's lifetime: its closing is the watcher's signal.


def _job(
    server_pid: int, result_fd: int, func: Callable[..., Any], data: bytes, limits: Limits, args: tuple
) -> None:
    global _job_limits
    result: Any
    try:
        os.dup2(2, 1)  # a library that prints must not corrupt the caller's output (a forking caller's too)
        os.setpgrp()
        die_with_parent(server_pid)
        _start_watcher((result_fd,))
        faulthandler.disable()  # a C-level abort under RLIMIT_AS is reported to the caller, not dumped
        _apply_limits(limits)
        _job_limits = limits
        result = ("ok", func(data, limits, *args))
    except ExtractionError as exc:
        result = ("err", exc)
    except MemoryError:
        result = ("err", ResourceLimit(f"out of memory (max_memory_mb={limits.max_memory_mb})"))
    except RecursionError:
        result = ("err", CorruptFile("file nests objects too deeply to parse"))
    except BaseException as exc:  # noqa: BLE001 - any parser failure becomes a named error for the caller
        result = ("err", CorruptFile(f"parser failed: {type(exc).__name__}: {exc}"[:500]))
    try:
        _send_result(result_fd, result, "err")
    finally:
        os._exit(0)


def _send_result(fd: int, result: tuple, error_kind: str) -> None:
    """Pickle a (kind, value) result to the pipe; a result that cannot be pickled (an exception holding a
    file handle) goes as a CorruptFile of the same kind, so the caller always gets a named error."""
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable exception
        payload = pickle.dumps((error_kind, CorruptFile(f"parser failed: {type(exc).__name__}")))
    _write_all(fd, payload)


# --- helpers: parallel parts of one job ------------------------------------------------------------------

_job_limits: Limits | None = None  # set in a job process: the limits it runs under


def in_job() -> bool:
    """True in a sandbox job process, where parallel_parts may fork helpers."""
    return _job_limits is not None


def parallel_parts(func: Callable[..., Any], parts: list[tuple]) -> list[Any]:
    """[func(*part) for part in parts], the first part in this job process and every other one in a helper
    process forked from it, all at once; for work that splits into independent parts (a PDF's pages).

    The job's limits hold for the parts together: each process may add an equal share of the address space
    the job had left (RLIMIT_AS) and use an equal share of its CPU seconds left (RLIMIT_CPU); the job gets
    its own limits back when the helpers are done.  Helpers are in the job's process group (the wall-clock
    kill and the watcher take them too) and die with the job.  A part's exception is raised as if the parts
    had run in order: the first failing part's; a helper killed by a limit raises ResourceLimit."""
    if len(parts) < 2 or _job_limits is None:
        return [func(*part) for part in parts]
    limits = _job_limits
    saved_as = resource.getrlimit(resource.RLIMIT_AS)
    saved_cpu = resource.getrlimit(resource.RLIMIT_CPU)
    mem_share, cpu_share = _shares(len(parts), saved_as[0], saved_cpu[0])
    helpers = []
    try:
        for part in parts[1:]:
            helpers.append(_fork_helper(func, part, mem_share, cpu_share))
        if mem_share is not None:
            resource.setrlimit(resource.RLIMIT_AS, (_mapped_bytes() + mem_share, saved_as[1]))
        if cpu_share is not None:
            resource.setrlimit(resource.RLIMIT_CPU, (_cpu_used() + cpu_share, saved_cpu[1]))
        results = [func(*parts[0])]
        while helpers:
            pid, read_end = helpers.pop(0)
            results.append(_helper_result(pid, read_end, limits))
        return results
    finally:
        for pid, read_end in helpers:  # this part failed: the later parts' answers are not needed
            _kill_helper(pid, read_end)
        resource.setrlimit(resource.RLIMIT_AS, saved_as)
        resource.setrlimit(resource.RLIMIT_CPU, saved_cpu)


def _cpu_used() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return math.ceil(usage.ru_utime + usage.ru_stime)


def _shares(count: int, as_limit: int, cpu_limit: int) -> tuple[int | None, int | None]:
    """Each process's share of the address space the job may still add and of the CPU seconds it has
    left (None: that limit is not set)."""
    mem = None
    if as_limit != resource.RLIM_INFINITY:
        mem = max(0, as_limit - _mapped_bytes()) // count
    cpu = None
    if cpu_limit != resource.RLIM_INFINITY:
        cpu = max(1, (cpu_limit - _cpu_used()) // count)
    return mem, cpu


def _fork_helper(func: Callable[..., Any], part: tuple, mem_share: int | None, cpu_share: int | None):
    read_end, write_end = os.pipe()
    job_pid = os.getpid()
    pid = os.fork()
    if pid == 0:
        result: Any
        try:
            os.close(read_end)
            die_with_parent(job_pid)
            if mem_share is not None:  # the fork maps what the job maps; its share comes on top
                mem = _mapped_bytes() + mem_share
                resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
            if cpu_share is not None:  # a forked process's CPU time starts at zero
                resource.setrlimit(resource.RLIMIT_CPU, (cpu_share, cpu_share + 5))
            result = ("ok", func(*part))
        except BaseException as exc:  # noqa: BLE001 - raised again in the job, which names it
            result = ("raise", exc)
        try:
            _send_result(write_end, result, "raise")
        finally:
            os._exit(0)
    os.close(write_end)
    return pid, read_end


def _helper_result(pid: int, read_end: int, limits: Limits) -> Any:
    chunks = []
    try:
        while chunk := os.read(read_end, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(read_end)
        _, wait_status = os.waitpid(pid, 0)
    if not chunks:
        raise _death_error(wait_status, limits)
    status, value = pickle.loads(b"".join(chunks))
    if status == "raise":
        raise value
    return value


def _kill_helper(pid: int, read_end: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.close(read_end)
    os.waitpid(pid, 0)


def _run_job(func: Callable[..., Any], data: bytes, limits: Limits, args: tuple) -> bytes:
    """Fork one job, collect its pickled answer within the timeout, kill its group; the answer's bytes."""
    read_end, write_end = os.pipe()
    server_pid = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _job(server_pid, write_end, func, data, limits, args)
    os.close(write_end)
    deadline = time.monotonic() + limits.timeout_seconds
    chunks, timed_out = [], False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], remaining)
            if ready:
                chunk = os.read(read_end, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        _kill_group(pid)
        _, wait_status = os.waitpid(pid, 0)
    if timed_out:
        error: ExtractionError = ExtractionTimeout(
            f"extraction did not finish within {limits.timeout_seconds:g} s; killed"
        )
        return pickle.dumps(("err", error))
    if not chunks:
        return pickle.dumps(("err", _death_error(wait_status, limits)))
    return b"".join(chunks)


def _reap_orphans() -> None:
    """The server is a subreaper: watchers whose job ended are reparented here and reaped here."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve() -> None:
    """The sandbox server's loop (`python -m parsers.sandbox`): one request in, one job, one answer out."""
    die_with_parent(int(os.environ[PARENT_ENV]))
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    requests_fd = 0
    answers_fd = os.dup(1)
    os.dup2(2, 1)  # a library that prints must not corrupt the answers
    for name in _PRELOADED:
        __import__(name)
    while True:
        try:
            module, qualname, data, limits, args = pickle.loads(_recv_frame(requests_fd))
        except EOFError:
            return
        try:
            func = getattr(__import__(module, fromlist=[qualname]), qualname)
            answer = _run_job(func, data, limits, args)
        except Exception as exc:  # noqa: BLE001 - the server must answer whatever happens
            answer = pickle.dumps(("err", CorruptFile(f"sandbox failed: {type(exc).__name__}: {exc}")))
        _send_frame(answers_fd, answer)
        _reap_orphans()


# --- the caller's side ------------------------------------------------------------------------------------


class SandboxServer:
    """One sandbox server process, used by one thread at a time."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env[PARENT_ENV] = str(os.getpid())
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.owner = os.getpid()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "parsers.sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            env=env,
            close_fds=True,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.proc.poll() is None

    def call(self, func: Callable[..., Any], data: bytes, limits: Limits, args: tuple) -> Any:
        request = pickle.dumps((func.__module__, func.__qualname__, bytes(data), limits, args), protocol=5)
        try:
            _send_frame(self.proc.stdin.fileno(), request)
            wait = limits.timeout_seconds + SERVER_MARGIN_SECONDS
            ready, _, _ = select.select([self.proc.stdout], [], [], wait)
            if not ready:
                self.stop()
                raise ExtractionTimeout(f"sandbox server gave no answer within {wait:g} s; killed")
            status, payload = pickle.loads(_recv_frame(self.proc.stdout.fileno()))
        except (EOFError, BrokenPipeError, OSError) as exc:
            self.stop()
            raise ResourceLimit(f"sandbox server died ({type(exc).__name__})") from None
        if status == "err":
            raise payload
        return payload

    def stop(self) -> None:
        _kill_group(self.proc.pid)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


_LOCAL = threading.local()


def _server() -> SandboxServer:
    server = getattr(_LOCAL, "server", None)
    if server is None or not server.alive():
        server = _LOCAL.server = SandboxServer()
    return server


_fork_here = False  # set by jobs_forked_here()


@contextlib.contextmanager
def jobs_forked_here() -> Iterator[None]:
    """Within this block, fork the jobs from this process instead of a sandbox server: for a one-shot,
    single-threaded caller (`directives parse FILE`), where the server would cost an interpreter start and a
    second copy of the imports for one file.  The job is the same (process group, die-with-parent, watcher,
    RLIMIT_AS, RLIMIT_CPU, wall-clock kill); only its parent is the caller.  Ignored in any thread but the
    main one and while other threads run (forking a threaded process is unsafe): there the server is used."""
    global _fork_here
    previous, _fork_here = _fork_here, True
    try:
        yield
    finally:
        _fork_here = previous


def _may_fork_here() -> bool:
    return (
        _fork_here and threading.current_thread() is threading.main_thread() and threading.active_count() == 1
    )


def run_sandboxed(func: Callable[..., Any], data: bytes, limits: Limits, *args: Any) -> Any:
    """Call func(data, limits, *args) in a limited job process; `func` must be a module-level function
    and its result picklable."""
    if not _may_fork_here():
        return _server().call(func, data, limits, args)
    status, payload = pickle.loads(_run_job(func, data, limits, args))
    if status == "err":
        raise payload
    return payload


def stop_server() -> None:
    """Stop this thread's sandbox server (tests; a worker's server otherwise lives as long as it does)."""
    server = getattr(_LOCAL, "server", None)
    if server is not None:
        server.stop()
        _LOCAL.server = None


if __name__ == "__main__":
    # run the imported module's server, not this __main__ copy: the job's state (in_job) lives there
    from parsers.sandbox import serve as _serve

    _serve()
