"""Commands for archivists and analysts: find documents, their versions and originals, quarantine, export."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import click


@contextmanager
def _warehouse():
    from pipeline.settings import settings_from_env
    from warehouse.db import Warehouse

    wh = Warehouse.connect(settings_from_env().warehouse_url)
    try:
        wh.migrate()
        yield wh
    finally:
        wh.close()


@contextmanager
def _store():
    from minio.error import S3Error
    from urllib3.exceptions import HTTPError

    from pipeline.embedded import embedded_s3_if_default
    from pipeline.settings import settings_from_env
    from warehouse.objectstore import ObjectStore, ObjectStoreError

    settings = settings_from_env()
    s3 = settings.s3
    with embedded_s3_if_default(settings):
        try:
            yield ObjectStore(s3.endpoint, s3.access_key, s3.secret_key, s3.bucket, secure=s3.secure)
        except (HTTPError, S3Error, ObjectStoreError) as exc:
            raise click.ClickException(f"object store {s3.endpoint}: {exc}") from exc


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


@click.command()
@click.argument("query")
@click.option("--portal", "portal_id", default=None, help="Only this portal.")
@click.option("--limit", type=int, default=20, show_default=True)
def search(query: str, portal_id: str | None, limit: int) -> None:
    """Find current documents whose number, subject or issuer contains QUERY (case-insensitive)."""
    with _warehouse() as wh:
        rows = wh.search_documents(query, portal_id=portal_id, limit=limit)
    for row in rows:
        click.echo(
            f"{row['portal_id']:26} {row['doc_key']:>8}  v{row['version']}  {row['number'] or '-':16} "
            f"{row['issued_date'] or '-'}  {(row['subject'] or '')[:70]}"
        )
    if not rows:
        raise click.ClickException(f"no document matches {query!r}")


@click.command()
@click.argument("portal_id")
@click.argument("doc_key")
def versions(portal_id: str, doc_key: str) -> None:
    """Every stored version of a document, oldest first, with its original's digest and provenance."""
    with _warehouse() as wh:
        rows = wh.document_versions(portal_id, doc_key)
    if not rows:
        raise click.ClickException(f"no document {doc_key!r} on portal {portal_id!r}")
    _echo_json(
        [
            {
                key: row.get(key)
                for key in (
                    "version",
                    "is_current",
                    "original_sha256",
                    "source_url",
                    "fetched_at",
                    "content_type",
                    "number",
                    "issued_date",
                    "loaded_at",
                    "run_id",
                )
            }
            for row in rows
        ]
    )


@click.command()
@click.argument("sha256")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def original(sha256: str, output: Path) -> None:
    """Write an original file byte for byte (its SHA-256 is verified) and print its provenance."""
    with _store() as store:
        data = store.get_original(sha256)
        output.write_bytes(data)
        _echo_json({"written": str(output), "size": len(data), **store.original_provenance(sha256)})


@click.command()
@click.option("--portal", "portal_id", default=None)
def quarantine(portal_id: str | None) -> None:
    """What is in quarantine and why (the originals are kept in the object store)."""
    with _warehouse() as wh:
        rows = wh.quarantined(portal_id)
    for row in rows:
        reasons = row["reasons"] if isinstance(row["reasons"], list) else json.loads(row["reasons"])
        click.echo(f"{row['portal_id']} {row['doc_key']} [{row['stage']}] {row['source_url']}")
        for reason in reasons:
            click.echo(f"    - {reason}")
    if not rows:
        click.echo("quarantine is empty")


@click.command("export")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--all-versions", is_flag=True, help="Every version, not only the current ones.")
def export_parquet(output: Path, all_versions: bool) -> None:
    """Export the documents table to a Parquet file (for DuckDB, pandas, Spark...)."""
    with _warehouse() as wh:
        count = wh.export_parquet(output, current_only=not all_versions)
    click.echo(f"{count} rows written to {output}")


archive_commands = [search, versions, original, quarantine, export_parquet]
