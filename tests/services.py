"""PostgreSQL and Redis for the tests: the ones already running when they answer, else private instances.

A fresh Debian machine runs no database server. `make test` installs the Debian packages (postgresql,
redis-server; see APT_PACKAGES in the Makefile) and the fixtures start private, throw-away servers from them:
`initdb` in a temporary directory and `redis-server` with no persistence, each on a free loopback port, and
stop them at the end of the session. A missing service is an error with the command that fixes it, never a
skip: a test that needs PostgreSQL must not pass by not running.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class ServiceUnavailable(RuntimeError):
    """Neither a running server nor the binaries to start a private one: install the Debian packages."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def postgres_bindir() -> Path:
    """Debian keeps initdb/pg_ctl out of PATH, under /usr/lib/postgresql/<major>/bin; take the newest."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]), reverse=True
    )
    found = candidates[0] if candidates else shutil.which("initdb")
    if not found:
        raise ServiceUnavailable(
            "no PostgreSQL server answers and initdb is not installed: run `make system-deps` "
            "(Debian package postgresql)"
        )
    return Path(found).resolve().parent


class PrivatePostgres:
    """A throw-away cluster: trust auth, UTF-8, on a free port, its socket in its own directory.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user (created by
    the Debian package) and the commands run through runuser; its directory is then a fresh one under the
    system temp dir, since the postgres user cannot enter a root-only (0700) pytest tmp_path."""

    def __init__(self, base_dir: str | os.PathLike | None = None, start_timeout: float = 30.0):
        if base_dir is None or os.geteuid() == 0:
            base_dir = tempfile.mkdtemp(prefix="directives-pg-")
        self.base_dir = Path(base_dir)
        self.data_dir = self.base_dir / "data"
        self.socket_dir = self.base_dir / "socket"
        self.log_file = self.base_dir / "postgres.log"
        self.port = free_port()
        self.start_timeout = start_timeout
        self.bindir = postgres_bindir()
        self.started = False

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run_as_owner(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=self.start_timeout)

    def start(self) -> PrivatePostgres:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base_dir, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        init = self._run_as_owner(
            "initdb", "-D", str(self.data_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        if init.returncode != 0:
            raise ServiceUnavailable(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.socket_dir} -c fsync=off"
        started = self._run_as_owner(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options, "-w",
            "-t", str(int(self.start_timeout)), "start",
        )  # fmt: skip
        if started.returncode != 0:
            log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
            raise ServiceUnavailable(
                f"private PostgreSQL did not start: {started.stderr.strip()}\n{log[-2000:]}"
            )
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            self._run_as_owner("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
            self.started = False
        shutil.rmtree(self.base_dir, ignore_errors=True)


class PrivateRedis:
    """redis-server with no persistence on a free loopback port."""

    def __init__(self, base_dir: str | os.PathLike, start_timeout: float = 15.0):
        self.base_dir = Path(base_dir)
        self.port = free_port()
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> PrivateRedis:
        binary = shutil.which("redis-server")
        if not binary:
            raise ServiceUnavailable(
                "no Redis server answers and redis-server is not installed: run `make system-deps` "
                "(Debian package redis-server)"
            )
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.base_dir), "--logfile", str(self.base_dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + self.start_timeout
        while not port_answers("127.0.0.1", self.port, timeout=0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise ServiceUnavailable(f"private Redis did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        shutil.rmtree(self.base_dir, ignore_errors=True)


def postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


def claim_redis_db(url: str, first: int = 1) -> int:
    """A database number nobody uses on a shared server: an empty one, marked with a claim key that expires
    (so a crashed run frees it). db 0 is left to whatever else uses the server."""
    import redis

    for number in range(first, 16):
        client = redis.Redis.from_url(f"{url.rstrip('/')}/{number}")
        if client.dbsize() == 0 and client.set("directives-test-claim", os.getpid(), nx=True, ex=3600):
            return number
    raise ServiceUnavailable(f"every Redis database {first}-15 at {url} is in use")
