"""The `directives` command: operate portals, run the pipeline, parse files, query the archive."""

from __future__ import annotations

import json
import os
import sys

import click

REGISTRY_OPTION = click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False),
    envvar="DIRECTIVES_REGISTRY",
    help="Portal registry YAML (default: config/portals.yaml or $DIRECTIVES_REGISTRY).",
)


class _LazyCommands(click.Group):
    """Imports the other modules' commands only when a command is looked up, and only `parse_cmds` for
    `parse`/`eval`: `directives parse file.pdf` starts without requests, the pipeline or the registry."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            _register_commands(parse_only=cmd_name in ("parse", "eval"))
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register_commands()
        return super().list_commands(ctx)

    def main(self, args=None, *rest, **kwargs):
        """click's standalone run; a process whose command said it holds nothing to release (a one-file
        `directives parse`) then leaves with os._exit once its output is flushed: tearing down the modules of
        the parser costs ~10 ms, 5% of a 33-page parse.  Only when the arguments are the process's own (a
        test's CliRunner passes its arguments and keeps its interpreter)."""
        try:
            return super().main(args, *rest, **kwargs)
        except SystemExit as done:
            if args is None and _leave_at_once:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(done.code if isinstance(done.code, int) else 0 if done.code is None else 1)
            raise


_leave_at_once = False


def leave_at_once() -> None:
    """Called by a command that holds no resource needing release at exit (no servers, threads, open
    stores): the console script then skips the interpreter's teardown."""
    global _leave_at_once
    _leave_at_once = True


@click.group(cls=_LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Ingest and archive the directives Vietnamese provincial Party committees publish on their portals."""


def _portal_or_exit(portal_id: str, registry: str | None):
    from scrapers.registry import RegistryError, get_portal

    try:
        return get_portal(portal_id, registry)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command()
@REGISTRY_OPTION
@click.option("--all", "show_all", is_flag=True, help="Include disabled portals.")
def portals(registry: str | None, show_all: bool) -> None:
    """List the portals of the registry."""
    from scrapers.registry import RegistryError, load_registry

    try:
        entries = load_registry(registry)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    for p in entries:
        if p.enabled or show_all:
            flags = ("enabled" if p.enabled else "disabled") + ("" if p.verified else ", unverified")
            click.echo(f"{p.id:28} {p.cms:14} {p.level:9} {p.province_name:14} {p.base_url}  ({flags})")


@cli.command()
@click.argument("portal_id")
@REGISTRY_OPTION
@click.option("--limit", type=int, default=None, help="Stop after N documents.")
def discover(portal_id: str, registry: str | None, limit: int | None) -> None:
    """Print, as JSON lines, the documents a portal's adapter finds; stores nothing.

    Use it to check a new registry entry, or a site whose markup changed, before enabling it.
    """
    from pipeline.settings import settings_from_env
    from scrapers.adapters import get_adapter
    from scrapers.http import FetchError, PoliteSession

    portal = _portal_or_exit(portal_id, registry)
    settings = settings_from_env()
    found = 0
    with PoliteSession.for_portal(portal, limits=settings.fetch_limits) as session:
        try:
            for ref in get_adapter(portal.cms).discover(portal, session.get_text, limit=limit):
                click.echo(json.dumps(ref.to_dict(), ensure_ascii=False))
                found += 1
        except FetchError as exc:
            raise click.ClickException(str(exc)) from exc
    if not found:
        raise click.ClickException(f"{portal_id}: no documents found (has the site changed?)")
    click.echo(f"{found} documents", err=True)


@cli.command()
@click.argument("portal_id")
@REGISTRY_OPTION
@click.option("--limit", type=int, default=None, help="Process at most N documents.")
@click.option("--run-id", default=None, help="Run id (default: manual__<UTC time>).")
@click.option(
    "--full-walk",
    is_flag=True,
    help="Walk every listing page and revisit every known document (a backfill), instead of stopping at "
    "the first listing page that shows nothing new.",
)
def run(portal_id: str, registry: str | None, limit: int | None, run_id: str | None, full_walk: bool) -> None:
    """Run one portal's whole pipeline (the same code the DAG tasks call) and print the summary.

    A portal's first run, a --full-walk run and every Nth run (options.full_walk_every) walk the whole
    listing; the others stop at the first listing page whose documents are all archived and unchanged.
    """
    import uuid
    from datetime import UTC, datetime

    from tqdm import tqdm

    from pipeline.context import PipelineContext
    from pipeline.embedded import embedded_s3_if_default
    from pipeline.settings import settings_from_env
    from pipeline.stages import run_all

    portal = _portal_or_exit(portal_id, registry)
    run_id = run_id or f"manual__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}_{uuid.uuid4().hex[:6]}"
    settings = settings_from_env().with_overrides(full_walk=full_walk)
    with embedded_s3_if_default(settings):
        ctx = PipelineContext(settings, portal, run_id)
        try:
            summary = run_all(
                ctx,
                limit=limit,
                progress_factory=lambda total, label: tqdm(
                    total=total, desc=label, unit="doc", file=sys.stderr
                ),
            )
        except Exception as exc:
            ctx.mark_failed(exc)  # no run stays `running`
            raise click.ClickException(
                f"{portal.id}: run {run_id} FAILED: {type(exc).__name__}: {exc}"
            ) from exc
        finally:
            ctx.close()
    _report_run(summary)


def _report_run(summary) -> None:
    """The summary as JSON on stdout; the walk and the status in words on stderr; a non-zero exit when it
    failed."""
    from pipeline.walk import capped_reason, describe

    click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    counts = (
        f"{summary.discovered} discovered: {summary.new} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.quarantined} quarantined, {summary.failed} failed"
        f" ({summary.warned} loaded with quality warnings)"
    )
    if summary.walk:
        click.echo(f"{summary.portal_id}: {describe(summary.as_dict())}", err=True)
    for cap in summary.listing_capped:
        click.echo(f"{summary.portal_id}: {capped_reason(cap)}", err=True)
    if summary.status == "degraded":
        click.echo(f"{summary.portal_id}: run DEGRADED — {counts}. See `directives quarantine`.", err=True)
    elif summary.status == "failed":
        raise click.ClickException(f"{summary.portal_id}: run FAILED — {counts}")
    else:
        click.echo(f"{summary.portal_id}: run {summary.status} — {counts}", err=True)


def _register_commands(parse_only: bool = False) -> None:
    from directives_cli.parse_cmds import eval_command, parse_command

    cli.add_command(parse_command, "parse")
    cli.add_command(eval_command, "eval")
    if parse_only:
        return
    from directives_cli.archive_cmds import archive_commands
    from directives_cli.demo_cmd import demo_command
    from directives_cli.fixity_cmd import fixity
    from directives_cli.ops_cmds import ops_commands
    from directives_cli.simulate_cmd import simulate_command

    cli.add_command(simulate_command, "simulate")
    cli.add_command(demo_command, "demo")
    cli.add_command(fixity, "fixity")
    for command in (*archive_commands, *ops_commands):
        cli.add_command(command)


if __name__ == "__main__":
    cli()
