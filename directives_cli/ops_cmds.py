"""Commands for operators: re-read stored originals (`reprocess`) and see each portal's health (`health`)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import click


def _registry_option():
    return click.option(
        "--registry",
        type=click.Path(exists=True, dir_okay=False),
        envvar="DIRECTIVES_REGISTRY",
        help="Portal registry YAML (default: config/portals.yaml or $DIRECTIVES_REGISTRY).",
    )


@click.command()
@click.argument("portal_id", required=False)
@click.option("--doc", "doc_key", default=None, help="Only this document (its doc_key).")
@_registry_option()
def reprocess(portal_id: str | None, doc_key: str | None, registry: str | None) -> None:
    """Re-run extract -> validate -> load from the stored originals; no request goes to the portal.

    After a parser change every document gets a new record version (same original); quarantined documents
    the parser can now read are loaded. Without PORTAL_ID: every portal of the registry.
    """
    from pipeline.context import PipelineContext
    from pipeline.embedded import embedded_s3_if_default
    from pipeline.health import mark_failed
    from pipeline.reprocess import reprocess as reprocess_portal
    from pipeline.settings import settings_from_env
    from scrapers.registry import RegistryError, get_portal, load_registry

    if doc_key and not portal_id:
        raise click.UsageError("--doc needs PORTAL_ID")
    try:
        portals = [get_portal(portal_id, registry)] if portal_id else load_registry(registry)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    settings = settings_from_env()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    failed = False
    with embedded_s3_if_default(settings):
        for portal in portals:
            run_id = f"reprocess__{stamp}_{uuid.uuid4().hex[:6]}"
            ctx = PipelineContext(settings, portal, run_id)
            try:
                summary = reprocess_portal(ctx, doc_key=doc_key)
            except Exception as exc:  # noqa: BLE001 - reported, the run marked failed, the others go on
                mark_failed(settings, portal.id, run_id, exc)
                click.echo(f"{portal.id}: reprocess FAILED: {exc}", err=True)
                failed = True
                continue
            finally:
                ctx.close()
            click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
            if doc_key and not summary.discovered:
                raise click.ClickException(f"nothing stored for document {doc_key!r} of {portal.id}")
    if failed:
        raise click.ClickException("at least one portal's reprocess failed")


@click.command()
@click.option("--portal", "portal_id", default=None, help="Only this portal.")
@click.option("--runs", "last_runs", type=int, default=5, show_default=True, help="Runs in the trend.")
def health(portal_id: str | None, last_runs: int) -> None:
    """Per portal: the last run, its status and counts, the quarantine share and its trend over the last
    runs."""
    from directives_cli.archive_cmds import _warehouse
    from pipeline.walk import capped_reason

    with _warehouse() as wh:
        rows = [r for r in wh.portal_health() if portal_id in (None, r["portal_id"])]
        trends = {r["portal_id"]: wh.recent_runs(r["portal_id"], last_runs) for r in rows}
    if not rows:
        raise click.ClickException("no finished run yet" + (f" for {portal_id}" if portal_id else ""))
    click.echo(
        f"{'portal':28} {'last run':20} {'status':9} {'disc':>4} {'new':>4} {'upd':>4} {'same':>4} "
        f"{'quar':>4} {'fail':>4} {'share':>6} {'open':>4} {'walk':16}  trend (oldest -> newest)"
    )
    for r in rows:
        trend = " ".join(
            f"{run['status']}:{_share(run):.0%}"
            for run in reversed(trends[r["portal_id"]])
            if run["status"] != "running"
        )
        when = r["last_finished_at"].strftime("%Y-%m-%d %H:%M") if r["last_finished_at"] else "-"
        click.echo(
            f"{r['portal_id']:28} {when:20} {r['last_finished_status'] or '-':9} {r['discovered'] or 0:>4} "
            f"{r['new'] or 0:>4} {r['updated'] or 0:>4} {r['unchanged'] or 0:>4} "
            f"{r['run_quarantined'] or 0:>4} {r['failed'] or 0:>4} "
            f"{r['quarantine_share'] or 0:>6.0%} {r['quarantined'] or 0:>4} {_walk(r):16}  {trend}"
        )
        caps = r.get("listing_capped") or []
        for cap in json.loads(caps) if isinstance(caps, str) else caps:  # the view's JSON is not decoded
            click.echo(f"{'':28} {capped_reason(cap)}")


def _walk(row: dict) -> str:
    """'incremental:known', 'full:end', 'full:page_cap'... ('-' for runs from before the walk was kept)."""
    if not row.get("walk"):
        return "-"
    if row["walk"] == "none":
        return "none (reprocess)"
    return f"{row['walk']}:{row.get('walk_stop') or '?'}/{row.get('walk_pages') or 0}p"


def _share(run: dict) -> float:
    discovered = run.get("discovered") or 0
    return ((run.get("quarantined") or 0) + (run.get("failed") or 0)) / discovered if discovered else 0.0


ops_commands = [reprocess, health]
