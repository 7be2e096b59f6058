"""`directives simulate`: the local portal simulator; its own argument parser handles the options."""

from __future__ import annotations

import click


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.pass_context
def simulate_command(ctx: click.Context) -> None:
    """Serve the simulated portals on 127.0.0.1, or edit their documents (--add, --change, --reset, --list,
    --scale N), or print what each document of a portal is (--truth PORTAL).

    Run `directives simulate --help` for the options.
    """
    from simulator.server import main

    raise SystemExit(main(list(ctx.args)))
