"""The SQL warehouse: one connection to PostgreSQL (psycopg 3) or DuckDB behind the same small interface.

SQL is written once with `:name` parameters and translated to each driver's style. JSON columns go in as
Python objects and come out as Python objects on both databases; timestamps come out timezone-aware (UTC).
The loader (warehouse/loader.py) holds the write rules; this module holds connections, DDL and reads, and
imports the loader (never the other way round: the loader sees a Warehouse only as a type).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warehouse import loader, schema
from warehouse.errors import WarehouseStalled, WarehouseUnavailable
from warehouse.schema import DUCKDB, POSTGRES, TABLES_BY_NAME
from warehouse.values import WarehouseError, as_date, as_utc, utc_now  # noqa: F401 - re-exported

log = logging.getLogger(__name__)

_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
# Optional portal filter: a NULL :portal_id means every portal (cast so both drivers can type the NULL).
_PORTAL = "(CAST(:portal_id AS VARCHAR) IS NULL OR portal_id = :portal_id)"
_MIGRATE_LOCK = 0x6469726563  # arbitrary constant: serialises concurrent migrate() calls on Postgres


@dataclass(frozen=True)
class WarehouseTimeouts:
    """Explicit limits on the PostgreSQL connection, so that a dead or stalled server fails a run in bounded
    time instead of hanging it: the server cancels a statement after `statement` seconds and ends a session
    idle in a transaction after `idle_in_transaction`; TCP keepalives notice a peer that vanished; and the
    client itself gives up `client_margin` seconds after the statement timeout, for a server (or network)
    that stopped answering altogether and so cannot cancel anything. Connecting is retried a bounded number
    of times."""

    connect: float = 10.0
    statement: float = 300.0
    idle_in_transaction: float = 600.0
    client_margin: float = 15.0
    keepalives_idle: int = 30
    keepalives_interval: int = 10
    keepalives_count: int = 3
    connect_retries: int = 3
    retry_backoff: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WarehouseTimeouts:
        """DIRECTIVES_PG_CONNECT_TIMEOUT, _STATEMENT_TIMEOUT, _IDLE_IN_TRANSACTION_TIMEOUT, _CLIENT_MARGIN
        (seconds) and DIRECTIVES_PG_CONNECT_RETRIES."""
        env = os.environ if env is None else env
        return cls(
            connect=float(env.get("DIRECTIVES_PG_CONNECT_TIMEOUT", cls.connect)),
            statement=float(env.get("DIRECTIVES_PG_STATEMENT_TIMEOUT", cls.statement)),
            idle_in_transaction=float(
                env.get("DIRECTIVES_PG_IDLE_IN_TRANSACTION_TIMEOUT", cls.idle_in_transaction)
            ),
            client_margin=float(env.get("DIRECTIVES_PG_CLIENT_MARGIN", cls.client_margin)),
            connect_retries=int(env.get("DIRECTIVES_PG_CONNECT_RETRIES", cls.connect_retries)),
        )

    @property
    def client_wait(self) -> float:
        return self.statement + self.client_margin


def redact(url: str) -> str:
    """A connection URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _postgres_connection_class():
    """psycopg's Connection whose every wait on the server has a client-side deadline."""
    import psycopg

    wait_timeout_error = getattr(psycopg.errors, "_WaitTimeout", None)

    class DeadlineConnection(psycopg.Connection):
        client_wait: float | None = None
        stalled_hint = ""

        def wait(self, gen, interval=0.1, timeout=None):  # type: ignore[override]
            try:
                return super().wait(gen, interval=interval, timeout=timeout or self.client_wait)
            except Exception as exc:
                if wait_timeout_error is None or not isinstance(exc, wait_timeout_error):
                    raise
                self.pgconn.finish()  # state unknown after a timeout mid-protocol: never reuse it
                raise WarehouseStalled(
                    f"warehouse gave no answer within {self.client_wait:g} s {self.stalled_hint}",
                    "DIRECTIVES_PG_STATEMENT_TIMEOUT and the network path to the warehouse",
                ) from None

    return DeadlineConnection


def _connect_postgres(url: str, timeouts: WarehouseTimeouts):
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    options = (
        f"-c statement_timeout={int(timeouts.statement * 1000)}"
        f" -c idle_in_transaction_session_timeout={int(timeouts.idle_in_transaction * 1000)}"
    )
    connection_class = _postgres_connection_class()
    attempt = 0
    while True:
        try:
            conn = connection_class.connect(
                dsn,
                autocommit=True,
                connect_timeout=max(1, int(timeouts.connect)),
                options=options,
                keepalives=1,
                keepalives_idle=timeouts.keepalives_idle,
                keepalives_interval=timeouts.keepalives_interval,
                keepalives_count=timeouts.keepalives_count,
            )
            break
        except psycopg.OperationalError as exc:
            if attempt >= timeouts.connect_retries:
                raise WarehouseUnavailable(
                    f"warehouse {redact(url)} unreachable after {attempt + 1} attempts: {_first_line(exc)}",
                    "DIRECTIVES_WAREHOUSE_URL",
                ) from None
            attempt += 1
            log.warning("warehouse connection failed (attempt %d): %s", attempt, _first_line(exc))
            time.sleep(timeouts.retry_backoff * attempt)
    conn.client_wait = timeouts.client_wait
    conn.stalled_hint = f"({redact(url)}; statement_timeout {timeouts.statement:g} s)"
    return conn


class Warehouse:
    """Open with `Warehouse.connect("postgresql://..." | "duckdb:///path/file.duckdb")`."""

    def __init__(self, dialect: str, conn: Any, url: str):
        self.dialect = dialect
        self.conn = conn
        self.url = url
        self._in_transaction = False

    # --- connecting -------------------------------------------------------------------------------------

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        connect_timeout: float | None = None,
        lock_timeout: float = 30.0,
        timeouts: WarehouseTimeouts | None = None,
    ) -> Warehouse:
        """`lock_timeout`: how long to wait for another process's DuckDB file lock before failing;
        `timeouts` (PostgreSQL): WarehouseTimeouts.from_env() unless given."""
        if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            timeouts = timeouts or WarehouseTimeouts.from_env()
            if connect_timeout is not None:
                timeouts = WarehouseTimeouts(**{**timeouts.__dict__, "connect": connect_timeout})
            conn = _connect_postgres(url, timeouts)
            wh = cls(POSTGRES, conn, url)
            wh.execute("SET TIME ZONE 'UTC'")
            return wh
        if url.startswith("duckdb://"):
            return cls(DUCKDB, _connect_duckdb(url, lock_timeout), url)
        raise WarehouseError(
            f"unsupported warehouse URL {url!r}: use postgresql://... or duckdb:///path.duckdb"
        )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- DDL --------------------------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create what is missing; safe to run any number of times, also from parallel tasks on Postgres."""
        with self.transaction():
            if self.dialect == POSTGRES:
                self.execute("SELECT pg_advisory_xact_lock(:key)", {"key": _MIGRATE_LOCK})
            for statement in schema.ddl(self.dialect):
                self.execute(statement)
            from warehouse import search_schema

            for statement in search_schema.ddl(self.dialect):
                self.execute(statement)

    # --- low level --------------------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        if self.dialect == POSTGRES:
            return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
        return _PARAM.sub(r"$\1", sql)

    def _run(self, sql: str, params: Mapping[str, Any] | None):
        # Without parameters the SQL goes as written: DDL comments may contain ':' or '%'.
        if self.dialect != POSTGRES:
            return (
                self.conn.execute(sql) if params is None else self.conn.execute(self._sql(sql), dict(params))
            )
        import psycopg

        try:
            if params is None:
                return self.conn.execute(sql)
            return self.conn.execute(self._sql(sql), dict(params))
        except psycopg.errors.QueryCanceled as exc:
            raise WarehouseStalled(
                f"warehouse statement cancelled by the server: {_first_line(exc)}",
                "DIRECTIVES_PG_STATEMENT_TIMEOUT",
            ) from None
        except psycopg.OperationalError as exc:
            raise WarehouseUnavailable(
                f"warehouse {redact(self.url)} connection lost: {_first_line(exc)}",
                "DIRECTIVES_WAREHOUSE_URL",
            ) from None

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        """Run one statement; returns the affected row count where the driver reports it."""
        cursor = self._run(sql, params)
        if self.dialect == POSTGRES:
            return cursor.rowcount
        rows = cursor.fetchall() if cursor.description else []
        # DuckDB reports DML counts as a one-row, one-column result named "Count".
        if rows and len(rows) == 1 and cursor.description[0][0] == "Count":
            return int(rows[0][0])
        return -1

    def query(
        self, sql: str, params: Mapping[str, Any] | None = None, table: str | None = None
    ) -> list[dict]:
        """Rows as dicts; when `table` is given, its JSON and timestamp columns are decoded."""
        cursor = self._run(sql, params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return [self._decode(row, table) for row in rows] if table else rows

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        cursor = self._run(sql, params)
        row = cursor.fetchone()
        return None if row is None else row[0]

    @contextmanager
    def transaction(self) -> Iterator[Warehouse]:
        """One atomic unit; nested use joins the outer transaction."""
        if self._in_transaction:
            yield self
            return
        self._in_transaction = True
        try:
            if self.dialect == POSTGRES:
                with self.conn.transaction():
                    yield self
            else:
                self.conn.execute("BEGIN TRANSACTION")
                try:
                    yield self
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
                self.conn.execute("COMMIT")
        finally:
            self._in_transaction = False

    def lock_key(self, *parts: str) -> None:
        """Serialise writers of one natural key until the transaction ends.

        Postgres only: a DuckDB file has a single writer process anyway."""
        if self.dialect == POSTGRES:
            self.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))", {"key": "\x1f".join(parts)}
            )

    def encode(self, table: str, row: Mapping[str, Any]) -> dict[str, Any]:
        """Python values -> driver parameters for `table`'s columns (JSON, dates, UTC timestamps)."""
        spec = _table_spec(table)
        encoded = {}
        for name, value in row.items():
            kind = spec.column(name).type
            if kind == "json":
                value = self._json_param(value)
            elif kind == "date":
                value = as_date(value)
            elif kind == "timestamptz":
                value = as_utc(value)
                if value is not None and self.dialect == DUCKDB:
                    value = value.replace(tzinfo=None)
            encoded[name] = value
        return encoded

    def _json_param(self, value: Any) -> Any:
        if value is None:
            return None
        if self.dialect == POSTGRES:
            from psycopg.types.json import Jsonb

            return Jsonb(value)
        return json.dumps(value, ensure_ascii=False, default=str)

    def _decode(self, row: dict, table: str) -> dict:
        spec = _table_spec(table)
        for name in row.keys() & set(spec.column_names):
            kind = spec.column(name).type
            value = row[name]
            if kind == "json" and isinstance(value, str):
                row[name] = json.loads(value)
            elif kind == "timestamptz" and isinstance(value, datetime) and value.tzinfo is None:
                row[name] = value.replace(tzinfo=UTC)
        return row

    # --- writes (the rules live in warehouse/loader.py) --------------------------------------------------

    def upsert_document(self, row: Mapping[str, Any]):
        return loader.upsert_document(self, row)

    def record_quarantine(self, **fields: Any) -> str:
        return loader.record_quarantine(self, **fields)

    def log_fetch(self, **fields: Any) -> None:
        loader.log_fetch(self, **fields)

    def record_listing_rows(self, portal_id: str, run_id: str, digests: Mapping[str, str]) -> None:
        loader.record_listing_rows(self, portal_id, run_id, digests)

    def start_run(self, run_id: str, portal_id: str) -> None:
        loader.start_run(self, run_id, portal_id)

    def finish_run(
        self, run_id: str, portal_id: str, summary: Mapping[str, Any] | None = None, status: str = "success"
    ) -> None:
        loader.finish_run(self, run_id, portal_id, summary, status)

    def mark_run_failed(self, run_id: str, portal_id: str, error: BaseException | str | None) -> None:
        loader.mark_run_failed(self, run_id, portal_id, error)

    def summary(self, run_id: str, portal_id: str | None = None) -> dict[str, Any]:
        return loader.summary(self, run_id, portal_id)

    # --- reads ------------------------------------------------------------------------------------------

    def current_version(self, portal_id: str, doc_key: str) -> dict | None:
        rows = self.query(
            "SELECT * FROM documents WHERE portal_id = :portal_id AND doc_key = :doc_key AND is_current",
            {"portal_id": portal_id, "doc_key": doc_key},
            table="documents",
        )
        return rows[0] if rows else None

    def document_versions(self, portal_id: str, doc_key: str) -> list[dict]:
        return self.query(
            "SELECT * FROM documents WHERE portal_id = :portal_id AND doc_key = :doc_key ORDER BY version",
            {"portal_id": portal_id, "doc_key": doc_key},
            table="documents",
        )

    def current_documents(self, portal_id: str | None = None) -> list[dict]:
        return self.query(
            f"SELECT * FROM documents WHERE is_current AND {_PORTAL} ORDER BY portal_id, doc_key",
            {"portal_id": portal_id},
            table="documents",
        )

    def document_count(self, portal_id: str | None = None, current_only: bool = False) -> int:
        """Rows (versions) in documents; `current_only` counts documents instead."""
        return int(
            self.scalar(
                f"SELECT count(*) FROM documents WHERE {_PORTAL} "
                "AND (is_current OR NOT CAST(:current_only AS BOOLEAN))",
                {"portal_id": portal_id, "current_only": current_only},
            )
        )

    def search_documents(self, query: str, portal_id: str | None = None, limit: int = 20) -> list[dict]:
        """Current documents whose number, subject or issuer contains `query`, ignoring case."""
        import unicodedata

        needle = unicodedata.normalize("NFC", query).lower()
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.query(
            f"SELECT * FROM documents WHERE is_current AND {_PORTAL} AND ("
            " lower(coalesce(number, '')) LIKE :pattern ESCAPE '\\'"
            " OR lower(coalesce(subject, '')) LIKE :pattern ESCAPE '\\'"
            " OR lower(coalesce(issuer, '')) LIKE :pattern ESCAPE '\\')"
            " ORDER BY issued_date DESC NULLS LAST, portal_id, doc_key LIMIT :limit",
            {"portal_id": portal_id, "pattern": pattern, "limit": int(limit)},
            table="documents",
        )

    def quarantined(self, portal_id: str | None = None, include_resolved: bool = False) -> list[dict]:
        """Open quarantine rows (the document is not in the archive); with `include_resolved` the history."""
        return self.query(
            f"SELECT * FROM quarantine WHERE {_PORTAL} "
            "AND (resolved_at IS NULL OR CAST(:include_resolved AS BOOLEAN)) "
            "ORDER BY portal_id, doc_key, stage, last_seen",
            {"portal_id": portal_id, "include_resolved": include_resolved},
            table="quarantine",
        )

    def fetches(self, run_id: str, portal_id: str | None = None) -> list[dict]:
        return self.query(
            f"SELECT * FROM fetch_log WHERE run_id = :run_id AND {_PORTAL} ORDER BY fetched_at, url",
            {"run_id": run_id, "portal_id": portal_id},
            table="fetch_log",
        )

    def last_validators(self, portal_id: str, url: str) -> dict | None:
        """The newest successful fetch of a URL that carried an ETag or Last-Modified (for revisits)."""
        rows = self.query(
            "SELECT sha256, etag, last_modified FROM fetch_log WHERE portal_id = :portal_id AND url = :url"
            " AND status = 200 AND sha256 IS NOT NULL AND (etag IS NOT NULL OR last_modified IS NOT NULL)"
            " ORDER BY fetched_at DESC LIMIT 1",
            {"portal_id": portal_id, "url": url},
            table="fetch_log",
        )
        return rows[0] if rows else None

    def listing_digests(self, portal_id: str) -> dict[str, str]:
        """doc_key -> the digest of the listing row the archive last settled the document with."""
        rows = self.query(
            "SELECT doc_key, listing_digest FROM listing_rows WHERE portal_id = :portal_id",
            {"portal_id": portal_id},
        )
        return {row["doc_key"]: row["listing_digest"] for row in rows}

    def run(self, run_id: str, portal_id: str) -> dict | None:
        rows = self.query(
            "SELECT * FROM runs WHERE run_id = :run_id AND portal_id = :portal_id",
            {"run_id": run_id, "portal_id": portal_id},
            table="runs",
        )
        return rows[0] if rows else None

    def last_successful_run(
        self, portal_id: str, before_run: str | None = None, whole_listing: bool = False
    ) -> dict | None:
        """The newest run of the portal that ended in success, other than `before_run`; with
        `whole_listing`, only a run whose walk read the listing to its end (runs from before incremental
        crawling did)."""
        condition = "AND status = 'success' AND run_id <> :run_id"
        if whole_listing:
            condition += " AND coalesce(walk_stop, 'end') = 'end' AND coalesce(walk, 'full') <> 'none'"
        return self._newest_run(portal_id, condition, {"run_id": before_run or ""})

    def finished_walks(self, portal_id: str, limit: int, before_run: str | None = None) -> list[dict]:
        """The newest runs of the portal that walked its listing and finished (success or degraded), other
        than `before_run`; a reprocess (walk 'none') read no listing."""
        return self.query(
            "SELECT * FROM runs WHERE portal_id = :portal_id AND status IN ('success', 'degraded') "
            "AND coalesce(walk, 'full') <> 'none' "
            "AND run_id <> :run_id ORDER BY started_at DESC, run_id DESC LIMIT :limit",
            {"portal_id": portal_id, "run_id": before_run or "", "limit": int(limit)},
            table="runs",
        )

    def latest_run(self, portal_id: str) -> dict | None:
        return self._newest_run(portal_id)

    def recent_runs(self, portal_id: str, limit: int = 5) -> list[dict]:
        return self.query(
            "SELECT * FROM runs WHERE portal_id = :portal_id "
            "ORDER BY started_at DESC, run_id DESC LIMIT :limit",
            {"portal_id": portal_id, "limit": int(limit)},
            table="runs",
        )

    def portal_health(self) -> list[dict]:
        return self.query("SELECT * FROM portal_health ORDER BY portal_id")

    def _newest_run(self, portal_id: str, condition: str = "", params: dict | None = None) -> dict | None:
        rows = self.query(
            f"SELECT * FROM runs WHERE portal_id = :portal_id {condition} "
            "ORDER BY started_at DESC, run_id DESC LIMIT 1",
            {"portal_id": portal_id, **(params or {})},
            table="runs",
        )
        return rows[0] if rows else None

    # --- export -----------------------------------------------------------------------------------------

    def export_parquet(self, output: str | Path, current_only: bool = True) -> int:
        """Write the documents table (current versions, or all) to a typed Parquet file; returns the row
        count. The typing rules live in warehouse/export.py."""
        from warehouse.export import export_documents

        return export_documents(self, Path(output), "parquet", all_versions=not current_only)


def _table_spec(name: str) -> schema.Table:
    """A primary table (warehouse/schema.py) or a derived one (warehouse/search_schema.py)."""
    from warehouse.search_schema import DERIVED_TABLES

    spec = TABLES_BY_NAME.get(name) or next((t for t in DERIVED_TABLES if t.name == name), None)
    if spec is None:
        raise WarehouseError(f"unknown table {name!r}")
    return spec


def _connect_duckdb(url: str, lock_timeout: float):
    """`duckdb:///relative.duckdb`, `duckdb:////absolute/path.duckdb` (SQLAlchemy's form) or `duckdb:///:memory:`."""
    import duckdb

    if not url.startswith("duckdb:///"):
        raise WarehouseError(f"DuckDB URL must look like duckdb:///path/file.duckdb, got {url!r}")
    target = url.removeprefix("duckdb:///")
    if not target:
        raise WarehouseError(f"DuckDB URL without a file path: {url!r}")
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            conn = duckdb.connect(target)
            break
        except duckdb.IOException as exc:
            # Another process (a parallel Airflow task) holds the file; DuckDB allows one writer process.
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise WarehouseError(f"cannot open DuckDB warehouse {target}: {exc}") from exc
            time.sleep(0.25)
    return conn
