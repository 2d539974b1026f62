"""`flask network ...`: commands of the focal-point network's records."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("network")
def network_cli():
    """The producer-user network: links between institutions."""


@network_cli.command("import-links")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@with_appcontext
def import_links_command(path, dry_run):
    """Import producer-user links from CSV or XLSX with the columns producer,
    user (slug or ROR id), flow, description, years: all or nothing."""
    from migratory.network.link_import import import_links

    report = import_links(
        path, dry_run=dry_run, max_bytes=current_app.config["IMPORT_MAX_BYTES"]
    )
    for problem in report.errors:
        click.echo(f"rejected: {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    one = report.created == 1
    verb = "would be" if dry_run else "was" if one else "were"
    links = "link" if one else "links"
    click.echo(
        f"{report.rows} rows read: {report.created} {links} {verb} created, "
        f"{report.rejected} rows rejected."
    )
    if not report.ok:
        click.echo(
            "Nothing was written: fix the rows above and import again.", err=True
        )
        raise SystemExit(1)
    if dry_run:
        click.echo("Dry run: nothing was written.")
