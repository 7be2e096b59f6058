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

    from pipeline.context import object_store
    from pipeline.embedded import embedded_s3_if_default
    from pipeline.settings import settings_from_env
    from warehouse.objectstore import ObjectStoreError

    settings = settings_from_env()
    s3 = settings.s3
    with embedded_s3_if_default(settings):
        try:
            yield object_store(settings)
        except (HTTPError, S3Error, ObjectStoreError) as exc:
            raise click.ClickException(f"object store {s3.endpoint}: {exc}") from exc


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _registry_ids() -> list[str]:
    from scrapers.registry import RegistryError, load_registry

    try:
        return [p.id for p in load_registry(None)]
    except RegistryError:
        return []


def _render_snippet(pieces) -> str:
    return "".join(click.style(text, bold=True, fg="yellow") if hit else text for text, hit in pieces)


@click.command()
@click.argument("query", required=False, default="")
@click.option("--portal", "portal_id", default=None, help="Only this portal (registry id).")
@click.option("--province", default=None, help="Province, pre-2025 name or the province it merged into.")
@click.option("--type", "doc_type", default=None, help="Type code (CT, KL, QĐ...) or name (chỉ thị...).")
@click.option("--issuer", default=None, help="Issuer contains this (accents and case ignored).")
@click.option("--signer", default=None, help="Signer's name contains this (accents and case ignored).")
@click.option("--from", "date_from", default=None, help="Issued on or after YYYY-MM-DD.")
@click.option("--to", "date_to", default=None, help="Issued on or before YYYY-MM-DD.")
@click.option("--family", type=click.Choice(["party", "state"]), default=None)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--limit", type=int, default=20, show_default=True, help="1 to 200 results.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(
    query: str,
    portal_id,
    province,
    doc_type,
    issuer,
    signer,
    date_from,
    date_to,
    family,
    sort,
    limit,
    as_json,
) -> None:
    """Full-text search of the current documents: number, type, subject, issuer, signer, recipients and
    body; accents, case and punctuation ignored ("dang uy" finds "Đảng ủy"), accented matches first."""
    from warehouse.search import SearchError, SearchQuery
    from warehouse.search import search as run_search

    q = SearchQuery(
        text=query,
        portal=portal_id,
        province=province,
        doc_type=doc_type,
        issuer=issuer,
        signer=signer,
        date_from=date_from,
        date_to=date_to,
        family=family,
        sort=sort,
        limit=limit,
    )
    with _warehouse() as wh:
        try:
            results = run_search(wh, q, registry_ids=_registry_ids())
        except SearchError as exc:
            raise click.UsageError(str(exc)) from exc
    if as_json:
        _echo_json({"total": results.total, "hits": results.hits})
        return
    for row in results.hits:
        click.echo(
            f"{row['portal_id']:26} {row['doc_key']:>8}  v{row['version']}  {row['number'] or '-':16} "
            f"{row['issued_date'] or '-'}  {(row['subject'] or '')[:70]}"
        )
        if row["snippet"]:
            click.echo("    " + _render_snippet(row["snippet"]))
    if not results.hits:
        raise click.ClickException(f"no document matches {query!r}")
    click.echo(f"{len(results.hits)} of {results.total} shown", err=True)


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


_NEXT_STEP = {
    "fetch": "the next run fetches it again; if the portal keeps failing, check the link with "
    "`directives discover {portal}`",
    "extract": "keep the original (`directives original {sha}`); after a parser fix run "
    "`directives reprocess {portal} --doc {doc}`",
    "validate": "check the record's fields against the original; after a parser fix run "
    "`directives reprocess {portal} --doc {doc}`",
}


@click.command()
@click.option("--portal", "portal_id", default=None)
@click.option(
    "--all", "show_all", is_flag=True, help="History too: resolved entries, with when and by which run."
)
def quarantine(portal_id: str | None, show_all: bool) -> None:
    """What is in quarantine and why, with each original's SHA-256 and what to do next (open entries;
    --all for the history). The originals are kept in the object store."""
    with _warehouse() as wh:
        rows = wh.quarantined(portal_id, include_resolved=show_all)
    for row in rows:
        reasons = row["reasons"] if isinstance(row["reasons"], list) else json.loads(row["reasons"])
        state = (
            f"resolved {row['resolved_at']:%Y-%m-%d %H:%M} by {row['resolved_by_run']}"
            if row.get("resolved_at")
            else "open"
        )
        click.echo(f"{row['portal_id']} {row['doc_key']} [{row['stage']}, {state}] {row['source_url']}")
        click.echo(f"    sha256: {row['original_sha256'] or '(nothing fetched)'}")
        for reason in reasons:
            click.echo(f"    - {reason}")
        if not row.get("resolved_at"):
            step = _NEXT_STEP[row["stage"]].format(
                portal=row["portal_id"], doc=row["doc_key"], sha=row["original_sha256"]
            )
            click.echo(f"    next: {step}")
    if not rows:
        click.echo("quarantine is empty" if not show_all else "no quarantine history")


@click.command("export")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv", "jsonl"]),
    default=None,
    help="Default: from OUTPUT's suffix (.parquet, .csv, .jsonl); a contradiction is refused.",
)
@click.option("--all-versions", is_flag=True, help="Every version, not only the current ones.")
def export(output: Path, fmt: str | None, all_versions: bool) -> None:
    """Export the documents table, typed: dates as dates, timestamps in UTC with their offset, lists as
    list columns (JSON arrays in CSV). Columns are described in docs/data-dictionary.md."""
    from warehouse.export import ExportError, export_documents, resolve_format

    try:
        fmt = resolve_format(output, fmt)
    except ExportError as exc:
        raise click.UsageError(str(exc)) from exc
    with _warehouse() as wh:
        count = export_documents(wh, output, fmt, all_versions=all_versions)
    click.echo(f"{count} rows written to {output} ({fmt})")


@click.command("backfill-links")
@click.option("--portal", "portal_id", default=None, help="Only this portal.")
def backfill_links(portal_id: str | None) -> None:
    """Recompute the search index, citations and assignments of every stored version."""
    from warehouse.derived import backfill

    with _warehouse() as wh:
        _echo_json(backfill(wh, portal_id))


@click.command("eval-links")
def eval_links() -> None:
    """Precision and recall of the citation and assignment extractors on their labelled sets."""
    from parsers.links_eval import report

    click.echo(report())


@click.command("data-dictionary")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write it here (docs/data-dictionary.md) instead of printing it.",
)
def data_dictionary(output: Path | None) -> None:
    """The data dictionary of the warehouse and its exports, generated from the schema."""
    from warehouse.dictionary import render

    text = render()
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"written to {output}")
    else:
        click.echo(text, nl=False)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=int, default=8765, show_default=True)
def serve(host: str, port: int) -> None:
    """The archive's read-only web page: search, documents with their versions and originals, portals."""
    import uvicorn

    from webapp.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


archive_commands = [
    search,
    versions,
    original,
    quarantine,
    export,
    backfill_links,
    eval_links,
    data_dictionary,
    serve,
]
