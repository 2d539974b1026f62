"""Helpers shared by the benchmarks: scratch databases and timed subprocesses."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SHARED_DATA = ROOT.parent / "shared" / "data"
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def environment(instance_dir: Path, database_url: str | None = None) -> dict:
    """Environment for a child process working on its own instance folder."""
    env = {**os.environ, "MIGRATORY_INSTANCE_DIR": str(instance_dir)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_measured(args: list[str], env: dict) -> dict:
    """Run a command; return wall seconds and the child's peak memory in MB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out}\n{err[-3000:]}")
    return {
        "seconds": round(seconds, 3),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "output": out.strip().splitlines()[-3:],
    }


def prepare_database(env: dict) -> None:
    """Schema from the migrations, then countries, regions and the real seed."""
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run(
            FLASK + command, cwd=ROOT, env=env, check=True, capture_output=True
        )


def save(name: str, results: dict) -> Path:
    """Write results to bench/results/<name>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return path


def measure_on_synthetic(script: str, size: int) -> dict:
    """Run `script --measure` in a child process on a fresh SQLite database
    holding the real seed plus `size` synthetic institutions; its last output
    line is JSON, returned as a dict."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="migratory-bench-") as folder:
        env = environment(Path(folder))
        env["SEARCH_INDEX_ON_COMMIT"] = "0"
        prepare_database(env)
        subprocess.run(
            FLASK + ["seed", "synthetic", "--count", str(size)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        child = subprocess.run(
            [sys.executable, script, "--measure"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    if child.returncode != 0:
        raise RuntimeError(f"{script} --measure failed:\n{child.stderr[-4000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def sized_main(doc: str, name: str, default_sizes: list[int], measure, finish=None):
    """Command line of a benchmark measured per size in a child process:
    `--sizes`, and the hidden `--measure` the child runs."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=default_sizes)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return
    script = sys.argv[0]
    results = {"date": time.strftime("%Y-%m-%d"), "sizes": {}}
    for size in args.sizes:
        result = measure_on_synthetic(script, size)
        if finish:
            finish(result)
        results["sizes"][str(size)] = result
        print(size, json.dumps(result), flush=True)
    print(f"saved {save(name, results)}")
