"""`directives fixity`: re-hash the archive's originals and report any that changed or went missing."""

from __future__ import annotations

import click


@click.command()
@click.option("--portal", "portal_id", default=None, help="Only the originals of this portal's documents.")
@click.option("--sample", type=int, default=None, help="Check the N originals checked longest ago.")
def fixity(portal_id: str | None, sample: int | None) -> None:
    """Re-hash originals in the object store (streamed), record each check in fixity_checks, alert on any
    mismatch and print a summary. Exit status 1 when an original is corrupt or missing; the next run that
    fetches it from the portal repairs it."""
    from pipeline.embedded import embedded_s3_if_default
    from pipeline.settings import settings_from_env
    from warehouse.db import Warehouse
    from warehouse.fixity import audit
    from warehouse.objectstore import ObjectStore

    settings = settings_from_env()
    s3 = settings.s3
    with embedded_s3_if_default(settings):
        store = ObjectStore(s3.endpoint, s3.access_key, s3.secret_key, s3.bucket, secure=s3.secure)
        with Warehouse.connect(settings.warehouse_url) as wh:
            wh.migrate()
            report = audit(store, wh, portal_id=portal_id, sample=sample)
    for key in report.mismatched:
        click.echo(f"MISMATCH {key}")
    for key in report.missing:
        click.echo(f"MISSING  {key}")
    click.echo(report.summary_line())
    if not report.clean:
        raise SystemExit(1)
