"""The embedded S3 server: free ports, files under its data dir, reuse of a running server."""

from __future__ import annotations

import pytest

from warehouse.objectstore import ObjectStore
from warehouse.services import EmbeddedS3, EmbeddedS3Error, s3_answers


def test_server_keeps_its_files_under_its_data_dir(s3_server):
    assert s3_answers(s3_server.endpoint) is not None
    assert (s3_server.data_dir / "logs").is_dir()
    assert (s3_server.data_dir / "data" / "filerldb2").is_dir()  # the filer store, not /tmp
    assert s3_server.port not in s3_server._ports.values()


def test_start_or_reuse_reuses_a_server_that_accepts_our_credentials(s3_server, tmp_path):
    reused = EmbeddedS3(
        tmp_path, port=s3_server.port, access_key=s3_server.access_key, secret_key=s3_server.secret_key
    )
    with reused as s3:
        assert s3.reused and s3.process is None and s3.endpoint == s3_server.endpoint
    assert s3_answers(s3_server.endpoint) is not None  # leaving the context did not stop the other server
    wrong = EmbeddedS3(tmp_path, port=s3_server.port, access_key="someone", secret_key="else")
    with pytest.raises(EmbeddedS3Error, match="refuses"):
        wrong.start_or_reuse()
    with pytest.raises(EmbeddedS3Error, match="in use"):
        EmbeddedS3(tmp_path, port=s3_server.port).start()


def test_a_second_server_runs_beside_the_first(s3_server, tmp_path):
    with EmbeddedS3(tmp_path / "second") as second:
        assert not second.reused and second.port != s3_server.port
        assert not set(second._ports.values()) & set(s3_server._ports.values())
        store = ObjectStore(second.endpoint, second.access_key, second.secret_key, "second-bucket")
        store.ensure_bucket()
        store.put_text("hello.txt", "xin chào")
        assert store.get_text("hello.txt") == "xin chào"
        process = second.process
    assert process.poll() is not None
    assert s3_answers(second.endpoint) is None


def test_writes_succeed_in_a_hundred_buckets_whatever_the_free_disk(s3_server):
    # weed's own caps (volume size and count from the free disk) failed the ~80th bucket with HTTP 500 on a
    # machine with 80 GB free; a test session makes about that many.
    assert s3_server.max_volumes >= 1000 and s3_server.volume_size_mb == 64
    for n in range(100):
        store = ObjectStore(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, f"many-{n:03d}")
        store.ensure_bucket()
        store.put_json("records/one.json", {"n": n})
    assert store.get_json("records/one.json") == {"n": 99}
