"""The private PostgreSQL and Redis a fresh machine's test session starts really start, serve and stop.

Run here even though shared servers answer: this is the path `make test` takes on a machine with none."""

from __future__ import annotations

import psycopg
import redis

from tests.services import PrivatePostgres, PrivateRedis, claim_redis_db, port_answers


def test_private_postgres_serves_utf8_and_stops():
    server = PrivatePostgres().start()
    try:
        with psycopg.connect(server.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE probe ENCODING 'UTF8' TEMPLATE template0")
            assert conn.execute("SELECT upper('đảng bộ')").fetchone()[0] == "ĐẢNG BỘ"
    finally:
        server.stop()
    assert not port_answers("127.0.0.1", server.port)
    assert not server.base_dir.exists()


def test_private_redis_serves_and_stops(tmp_path):
    server = PrivateRedis(tmp_path / "redis").start()
    try:
        number = claim_redis_db(server.url)
        client = redis.Redis.from_url(f"{server.url}/{number}")
        client.set("k", "v")
        assert client.get("k") == b"v"
        assert claim_redis_db(server.url) != number  # a claimed database is not handed out twice
    finally:
        server.stop()
    assert not port_answers("127.0.0.1", server.port)
