"""Import throughput: a 20,000-record ROR dump with its indexing, the ROR sample
and 100,000 synthetic CSV rows, each against a baseline measured in the same run.

- ROR, import + indexing (default settings, `flask inventory import --format
  ror`): a synthetic ROR-v2-like dump of 20,000 records generated at run time
  (bench/ror_synthetic.py), against the way imports were indexed before: one
  transaction, then every row indexed one document at a time as the commit
  hands it to the index. Goal: 20,000 records in 60 s or less.
- CSV, import alone: against one `create_institution()` call per row
  (validate, write, commit), as a form would.

Each run is in a child process on a fresh database built from the migrations.

    .venv/bin/python bench/import_bench.py [--ror-records 20000] [--only-ror]
        [--rows 100000] [--baseline-rows 2000]
"""

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    FLASK,
    RESULTS,
    ROOT,
    SHARED_DATA,
    environment,
    prepare_database,
    run_measured,
    save,
)
from bench.ror_synthetic import write_synthetic_dump  # noqa: E402

ROR_GOAL_SECONDS = 60
# Before bulk indexing: one transaction, whose commit indexed every row one
# document at a time (`reindex`, Whoosh's update_document per entry).
ONE_BY_ONE = """
import sys, time
from config import Config
from migratory import create_app
from migratory.inventory import import_writing
from migratory.inventory.importing import import_institutions
import_writing.CHUNK = 10**9
app = create_app(Config())
with app.app_context():
    start = time.perf_counter()
    report = import_institutions(sys.argv[1], fmt="ror", max_bytes=10**9)
    print(f"{report.created} created in {time.perf_counter() - start:.2f}s")
"""

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


def bench_ror(dump: Path, records: int) -> dict:
    """The ROR dump imported and indexed both ways, each on a fresh database."""
    result: dict = {
        "records": records,
        "file_mb": round(dump.stat().st_size / 2**20, 1),
    }
    with tempfile.TemporaryDirectory() as instance:
        env = environment(Path(instance))
        env["IMPORT_MAX_BYTES"] = str(max(40 * 2**20, dump.stat().st_size + 1))
        prepare_database(env)
        run = run_measured(
            FLASK + ["inventory", "import", "--format", "ror", str(dump)], env
        )
        took = re.search(
            r"Took ([0-9.]+) s .*indexing ([0-9.]+) s", " ".join(run["output"])
        )
        result["default"] = {
            **run,
            "import_and_index_s": float(took.group(1)),
            "index_s": float(took.group(2)),
            "index_matches_database": index_matches(env),
        }
    with tempfile.TemporaryDirectory() as instance:
        env = environment(Path(instance))
        prepare_database(env)
        run = run_measured([sys.executable, "-c", ONE_BY_ONE, str(dump)], env)
        took = re.search(r"created in ([0-9.]+)s", " ".join(run["output"]))
        result["one_document_at_a_time"] = {
            **run,
            "import_and_index_s": float(took.group(1)),
            "index_matches_database": index_matches(env),
        }
    new = result["default"]["import_and_index_s"]
    old = result["one_document_at_a_time"]["import_and_index_s"]
    result["speedup"] = round(old / new, 2)
    result["goal_s"] = ROR_GOAL_SECONDS
    result["goal_met"] = new <= ROR_GOAL_SECONDS
    print(
        f"ROR {records} (synthetic): import + indexing {new:.1f} s by default "
        f"(indexing {result['default']['index_s']:.1f} s) vs {old:.1f} s one "
        f"document at a time: {result['speedup']}x; goal {ROR_GOAL_SECONDS} s "
        f"{'met' if result['goal_met'] else 'missed'}"
    )
    return result


def index_matches(env: dict) -> bool:
    """True if `flask search check` finds the index equal to the database."""
    check = subprocess.run(
        FLASK + ["search", "check", "--no-repair"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        print(f"index differs from the database:\n{check.stdout[-500:]}")
    return check.returncode == 0


def reset_postgres(url: str) -> None:
    """Empty the benchmark's PostgreSQL database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ror-records", type=int, default=20_000)
    parser.add_argument("--only-ror", action="store_true", help="Skip the CSV runs.")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/migratory_bench",
    )
    args = parser.parse_args()

    previous = RESULTS / "import.json"
    results: dict = json.loads(previous.read_text()) if previous.exists() else {}
    measured = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory() as scratch:
        sample = SHARED_DATA / "ror" / "ror_sample.json"
        dump = Path(scratch) / "ror-synthetic.json"
        write_synthetic_dump(dump, args.ror_records, sample)
        results["ror_synthetic_sqlite"] = {
            "measured": measured,
            **bench_ror(dump, args.ror_records),
        }
        if not args.only_ror:
            results.update(bench_csv(Path(scratch), sample, args))
            results["measured"] = measured
    print(f"results: {save('import', results)}")


def bench_csv(scratch: Path, sample: Path, args) -> dict:
    """The ROR sample and the synthetic CSV (import alone) against row by row."""
    results: dict = {}
    if sample.exists():
        results["ror_sample_sqlite"] = bench_file(
            "ROR sample (SQLite)", sample, 543, ["--format", "ror"]
        )
    synthetic = scratch / "synthetic.csv"
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
    return results


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
