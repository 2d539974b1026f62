"""Command-line interface: `flask seed`, `flask inventory import|export`."""

import os
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from migratory.inventory import queries
from migratory.inventory.exporting import EXPORT_FORMATS, export_institutions
from migratory.inventory.importing import ImportReport, import_institutions
from migratory.inventory.readers import FORMATS
from migratory.inventory.seeding import (
    load_geography,
    load_institutions,
    load_synthetic,
)


def _print_report(report: ImportReport, dry_run: bool) -> None:
    for problem in report.errors:
        click.echo(f"rejected: {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    verb = "would be" if dry_run else "were"
    click.echo(
        f"{report.rows} rows read: {report.created} {verb} created, "
        f"{report.updated} updated, {report.unchanged} unchanged, "
        f"{report.skipped} skipped as duplicates, {len(report.errors)} errors."
    )
    if report.categories:
        split = ", ".join(f"{k}: {v}" for k, v in sorted(report.categories.items()))
        click.echo(f"By category: {split}")
    if report.errors:
        click.echo(
            "Nothing was written: fix the rows above and import again.", err=True
        )


class ProgressBar:
    """A click progress bar opened on the first step, once the total is known."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None

    def __call__(self, step: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=self.label, file=sys.stderr
            )
            self.bar.__enter__()
        self.bar.update(step)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@click.group("seed", invoke_without_command=True)
@click.pass_context
@with_appcontext
def seed_cli(ctx):
    """Load countries, regions and the real institutions (idempotent)."""
    if ctx.invoked_subcommand:
        return
    countries, changes = load_geography()
    click.echo(f"{countries} countries; {changes} geography changes.")
    report = load_institutions()
    _print_report(report, dry_run=False)
    if report.errors:
        raise SystemExit(1)


@seed_cli.command("synthetic")
@click.option(
    "--count", default=1000, show_default=True, type=click.IntRange(1, 1_000_000)
)
@click.option("--seed", "rng_seed", default=42, show_default=True)
@with_appcontext
def seed_synthetic(count, rng_seed):
    """Add COUNT clearly marked synthetic institutions, for scale tests only."""
    with ProgressBar("Synthetic") as bar:
        report = load_synthetic(count, rng_seed, progress=bar)
    _print_report(report, dry_run=False)


@click.group("inventory")
def inventory_cli():
    """Import and export institutions."""


@inventory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Default: from extension."
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Write the valid rows and report the rejected ones (default: a rejected "
    "row and nothing is written).",
)
@with_appcontext
def import_command(path, fmt, dry_run, skip_invalid):
    """Import institutions from CSV, XLSX, JSON or ROR v2 JSON (all or nothing)."""
    from migratory.search.bulk import index_many

    started = time.perf_counter()
    with ProgressBar("Checking") as bar:
        report = import_institutions(
            path,
            fmt=fmt,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            max_bytes=current_app.config["IMPORT_MAX_BYTES"],
            progress=bar,
            index=index_many,
        )
    _print_import_report(report, dry_run)
    seconds = time.perf_counter() - started
    indexing = (
        f"; indexing {report.index_seconds:.2f} s" if report.index_seconds else ""
    )
    click.echo(f"Took {seconds:.2f} s ({report.rows / seconds:.0f} rows/s{indexing}).")
    if report.failed:
        raise SystemExit(1)


SHOWN_DUPLICATES = 20  # possible duplicates listed one by one


def _print_import_report(report: ImportReport, dry_run: bool) -> None:
    """Problems first, then what was (or would be) written."""
    for problem in report.errors:
        click.echo(f"rejected: {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    for problem in report.possible_duplicates[:SHOWN_DUPLICATES]:
        click.echo(f"possible duplicate: {problem}", err=True)
    more = len(report.possible_duplicates) - SHOWN_DUPLICATES
    if more > 0:
        click.echo(f"possible duplicate: ... and {more} more.", err=True)
    verb = "would be" if dry_run else "were"
    click.echo(
        f"{report.rows} rows read: {report.created} {verb} created, "
        f"{report.updated} updated, {report.unchanged} unchanged, "
        f"{report.skipped} skipped as repeated rows, "
        f"{report.rejected} rejected, {report.outside_region} outside the region."
    )
    if report.possible_duplicates:
        click.echo(
            f"{len(report.possible_duplicates)} new entries share a name or website "
            "with another entry; the dashboard lists them as likely duplicates."
        )
    if report.categories:
        split = ", ".join(f"{k}: {v}" for k, v in sorted(report.categories.items()))
        click.echo(f"By category: {split}")
    if report.failed and not report.written:
        click.echo(
            "Nothing was written: fix the rows above and import again "
            "(or pass --skip-invalid to write the valid rows).",
            err=True,
        )
    elif report.rejected and report.written:
        click.echo(f"The {report.rejected} rejected rows were not written.", err=True)


@inventory_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(fmt, output):
    """Write the published institutions to a file (or standard output)."""
    body = export_institutions(queries.iter_institutions({}), fmt)
    if output:
        output.write_bytes(body)
        click.echo(f"Wrote {len(body)} bytes to {output}.", err=True)
    else:
        sys.stdout.buffer.write(body)


@click.group("search")
def search_cli():
    """Maintain the full-text search index."""


@search_cli.command("rebuild")
@click.option(
    "--procs",
    default=min(4, os.cpu_count() or 1),
    show_default=True,
    help="Indexing processes.",
)
@with_appcontext
def search_rebuild(procs):
    """Rebuild the index of every document kind from the database (the source
    of truth)."""
    from sqlalchemy.orm import Session

    from migratory.extensions import db
    from migratory.search.indexing import document_count, rebuild_index
    from migratory.search.registry import document_kinds
    from migratory.search.services import get_backend

    started = time.perf_counter()
    with Session(db.engine) as session:
        total = document_count(session)
    with click.progressbar(length=total, label="Indexing", file=sys.stderr) as bar:
        count = rebuild_index(progress=bar.update, procs=procs)
    seconds = time.perf_counter() - started
    backend = get_backend()
    kinds = ", ".join(f"{k.name}: {backend.count(k.name)}" for k in document_kinds())
    click.echo(f"Indexed {count} documents ({kinds}) in {seconds:.1f} s.")


@search_cli.command("check")
@click.option("--repair/--no-repair", default=True, show_default=True)
@with_appcontext
def search_check(repair):
    """Report (and repair) differences between the index and the database,
    for every document kind."""
    from migratory.search.indexing import check_index
    from migratory.search.registry import document_kinds

    check = check_index(repair=repair)
    click.echo("Kinds: " + ", ".join(kind.name for kind in document_kinds()))
    for label, keys in (
        ("missing", check.missing),
        ("stale", check.stale),
        ("extra", check.extra),
    ):
        shown = ", ".join(map(str, keys[:20])) + (" ..." if len(keys) > 20 else "")
        click.echo(f"{label}: {len(keys)}" + (f" ({shown})" if keys else ""))
    if check.tidied:
        click.echo(f"Removed {len(check.tidied)} stray index files.")
    if check.ok:
        click.echo("The index matches the database.")
    elif repair:
        click.echo("Repaired.")
    else:
        raise SystemExit(1)


@click.group("geo")
def geo_cli():
    """Geocoding."""


@geo_cli.command("fill")
@click.option(
    "--refine",
    is_flag=True,
    help="Also move entries the gazetteer placed at their city to the address "
    "Nominatim finds (needs GEOCODER=nominatim).",
)
@with_appcontext
def geo_fill(refine):
    """Geocode every institution that has no coordinates; list those not placed.

    Uses the configured GEOCODER, committing every 100 institutions.
    """
    from migratory.inventory.placing_fill import fill_coordinates

    if refine and current_app.config["GEOCODER"] == "gazetteer":
        raise click.UsageError("--refine needs GEOCODER=nominatim.")
    with ProgressBar("Geocoding") as bar:
        report = fill_coordinates(
            current_app.extensions["geocoder"], refine=refine, progress=bar
        )
    refined = f", {report.refined} refined" if refine else ""
    click.echo(f"{report.placed} placed{refined}, {len(report.unplaced)} not placed.")
    for slug, city, country_code in report.unplaced:
        where = ", ".join(filter(None, [city, country_code]))
        click.echo(f"not placed: {slug} ({where})")


@geo_cli.command("outlines")
@click.argument(
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("../shared/data/boundaries/unece-countries-50m.geojson"),
)
@click.argument(
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("static/geo/unece-countries.geojson"),
)
def geo_outlines(source: Path, target: Path):
    """Simplify Natural Earth outlines into the map's offline background file."""
    from migratory.geo.outlines import write_outlines

    size = write_outlines(source, target)
    click.echo(f"Wrote {target} ({size / 1024:.0f} KB).")


@click.group("users")
def users_cli():
    """Accounts."""


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["member", "focal_point", "secretariat"]),
    required=True,
)
@click.option("--country", help="Alpha-2 code of a focal point's country.")
@click.option("--institution", "institutions", multiple=True, help="Slug (repeatable).")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input."
)
@with_appcontext
def users_create(email, role, country, institutions, password_stdin):
    """Create a verified account (the first secretariat, scripted set-ups)."""
    from migratory.accounts.services import create_user
    from migratory.core.errors import DomainError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email,
            role,
            password,
            country_code=country,
            institution_slugs=institutions,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.email} ({role}).")


@click.group("reminders")
def reminders_cli():
    """E-mail reminders."""


@reminders_cli.command("send")
@with_appcontext
def reminders_send():
    """E-mail each focal point a digest of their stale entries (run daily)."""
    from migratory.moderation.reminders import send_reminders

    # The links in the mail need the site's address, which a command lacks.
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        report = send_reminders()
    if report.failed:
        raise click.ClickException(
            f"Sent {report.sent} digests; {len(report.failed)} failed: "
            + ", ".join(report.failed)
            + "."
        )
    click.echo(f"Sent {report.sent} digests.")
