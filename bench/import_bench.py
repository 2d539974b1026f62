"""Import throughput: the ROR sample and 100,000 synthetic rows, against a baseline.

The baseline is the naive way to load rows: one `create_institution()` call per
row (validate, write, commit), as a form would. Both run in this same process
tree on the same machine, each on a fresh database built from the migrations.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--baseline-rows 2000]
"""

import argparse
import csv
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    FLASK,
    SHARED_DATA,
    environment,
    prepare_database,
    run_measured,
    save,
)

BASELINE = """
import sys, time
from config import Config
from migratory import create_app
from migratory.inventory.seeding import synthetic_payloads
from migratory.inventory.services import create_institution
app = create_app(Config())
rows = synthetic_payloads(int(sys.argv[1]), seed=7)
with app.app_context():
    start = time.perf_counter()
    for _, payload in rows:
        create_institution(payload, source="baseline")
    print(f"{len(rows)} rows in {time.perf_counter() - start:.2f}s")
"""


def write_synthetic_csv(path: Path, count: int) -> None:
    """The synthetic rows as a CSV file like a user would import."""
    from migratory.inventory.seeding import synthetic_payloads

    columns = "name acronym name_ru category summary city country latitude longitude"
    columns = columns.split() + ["topics", "roles"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for _, row in synthetic_payloads(count, seed=11):
            row = {
                **row,
                "name_ru": row["names"][0]["name"],
                "topics": ";".join(row["topics"]),
                "roles": ";".join(row["roles"]),
            }
            writer.writerow(row)


def bench_file(label: str, path: Path, rows: int, extra: list[str], url=None) -> dict:
    """Import one file into a fresh database; rows/s and peak memory."""
    with tempfile.TemporaryDirectory() as instance:
        env = environment(Path(instance), url)
        # The import alone; indexing its rows is measured by search_bench.py.
        env["SEARCH_INDEX_ON_COMMIT"] = "0"
        if url:
            reset_postgres(url)
        prepare_database(env)
        result = run_measured(FLASK + ["inventory", "import", str(path), *extra], env)
    result["rows"] = rows
    result["rows_per_s"] = round(rows / result["seconds"], 1)
    # The command's own timing, without interpreter and app start-up.
    took = re.search(r"Took ([0-9.]+) s", " ".join(result["output"]))
    result["import_seconds"] = float(took.group(1))
    result["import_rows_per_s"] = round(rows / result["import_seconds"], 1)
    result["file_mb"] = round(path.stat().st_size / 1048576, 2)
    print(
        f"{label}: {rows} rows, {result['seconds']} s wall; importing "
        f"{result['import_seconds']} s = {result['import_rows_per_s']} rows/s; "
        f"peak {result['peak_mb']} MB"
    )
    return result


def bench_baseline(rows: int) -> dict:
    """One service call and commit per row (indexing deferred, as for the import)."""
    with tempfile.TemporaryDirectory() as instance:
        env = environment(Path(instance))
        env["SEARCH_INDEX_ON_COMMIT"] = "0"
        prepare_database(env)
        result = run_measured([sys.executable, "-c", BASELINE, str(rows)], env)
    took = re.search(r"rows in ([0-9.]+)s", " ".join(result["output"]))
    result["rows"] = rows
    result["import_seconds"] = float(took.group(1))
    result["import_rows_per_s"] = round(rows / result["import_seconds"], 1)
    rate = result["import_rows_per_s"]
    print(f"baseline, one create_institution() per row: {rate} rows/s")
    return result


def reset_postgres(url: str) -> None:
    """Empty the benchmark's PostgreSQL database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/migratory_bench",
    )
    args = parser.parse_args()

    results: dict = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory() as scratch:
        ror = SHARED_DATA / "ror" / "ror_sample.json"
        if ror.exists():
            results["ror_sample_sqlite"] = bench_file(
                "ROR sample (SQLite)", ror, 543, ["--format", "ror"]
            )
        synthetic = Path(scratch) / "synthetic.csv"
        write_synthetic_csv(synthetic, args.rows)
        results["synthetic_sqlite"] = bench_file(
            f"{args.rows} synthetic rows (SQLite)", synthetic, args.rows, []
        )
        if ensure_postgres(args.postgres):
            results["synthetic_postgresql"] = bench_file(
                f"{args.rows} synthetic rows (PostgreSQL)",
                synthetic,
                args.rows,
                [],
                args.postgres,
            )
        results["baseline_row_by_row_sqlite"] = bench_baseline(args.baseline_rows)
    ratio = (
        results["synthetic_sqlite"]["import_rows_per_s"]
        / results["baseline_row_by_row_sqlite"]["import_rows_per_s"]
    )
    results["ratio_bulk_vs_row_by_row"] = round(ratio, 1)
    print(f"bulk import is {ratio:.1f}x the row-by-row baseline (SQLite)")
    print(f"results: {save('import', results)}")


def ensure_postgres(url: str) -> bool:
    """Create the benchmark database if the server is there."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            name = make_url(url).database
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        return True
    except OperationalError:
        print("PostgreSQL not reachable: skipping its figures")
        return False
    finally:
        admin.dispose()


if __name__ == "__main__":
    main()
