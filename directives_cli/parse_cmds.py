"""`directives parse PATH`: one file into a record; `directives eval`: score the parser on the goldens."""

from __future__ import annotations

import json
from pathlib import Path

import click

from parsers.fields import LABELLED_FIELDS

_SHOWN_FIELDS = (
    *(name for name in LABELLED_FIELDS if name != "recipients"),  # recipients are listed on their own
    "pages",
    "page_sources",
    "ocr_confidence",
)
_BODY_PREVIEW = 300


@click.command("parse")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
def parse_command(path: Path, as_json: bool) -> None:
    """Extract a published file (PDF, scan, doc/docx, HTML) and print its record."""
    from directives_cli.main import leave_at_once
    from parsers.errors import ExtractionError
    from parsers.record import parse_path
    from parsers.sandbox import jobs_forked_here

    leave_at_once()  # one file, its job forked and reaped here: nothing is left to release at exit
    try:
        with jobs_forked_here():  # one file: its job is forked from here, no sandbox server is started
            record = parse_path(path)
    except ExtractionError as exc:
        raise click.ClickException(f"{path}: {type(exc).__name__}: {exc}".replace("\n", " ")) from exc
    data = record.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for name in _SHOWN_FIELDS:
        click.echo(f"{name:18} {data[name] if data[name] is not None else '-'}")
    click.echo(f"{'recipients':18} " + ("; ".join(data["recipients"]) or "-"))
    body = data["body"] or ""
    click.echo(
        f"{'body':18} {len(body)} chars: {body[:_BODY_PREVIEW]!r}{'…' if len(body) > _BODY_PREVIEW else ''}"
    )
    for warning in data["warnings"]:
        click.echo(f"{'warning':18} {warning}")


@click.command("eval")
@click.option(
    "--corpus",
    "corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Rendered corpus with <class>.expected.json goldens (default: tests/fixtures/corpus).",
)
@click.option(
    "--samples",
    "samples",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Hand-labelled real samples (default: tests/fixtures/samples).",
)
@click.option(
    "--real",
    "real",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Hand-labelled real corpus, one folder per kind (default: tests/fixtures/real).",
)
@click.option("--no-samples", is_flag=True, help="Leave out the five real samples.")
@click.option("--no-real", is_flag=True, help="Leave out the real corpus.")
@click.option(
    "--only",
    "only",
    multiple=True,
    help="Score only this class (repeatable), as printed or dashed: --only real-text-pdf --only real-html.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--strict", is_flag=True, help="Exit non-zero when a target is missed.")
def eval_command(
    corpus: Path | None,
    samples: Path | None,
    real: Path | None,
    no_samples: bool,
    no_real: bool,
    only: tuple[str, ...],
    as_json: bool,
    strict: bool,
) -> None:
    """Per class (real corpus first, then the real samples, then the renderings): field accuracy, body
    character error rate, mojibake; against the targets."""
    from parsers.eval import evaluate, format_report

    report = evaluate(
        corpus,
        samples_dir=False if no_samples else samples,
        real_dir=False if no_real else real,
        only=list(only) or None,
    )
    if not report.classes:
        raise click.ClickException("no *.expected.json golden files found")
    click.echo(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else format_report(report)
    )
    if strict and report.missed_targets:
        raise click.ClickException("targets missed: " + "; ".join(report.missed_targets))
