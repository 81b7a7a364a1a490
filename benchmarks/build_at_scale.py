"""Benchmark: generate the demo company at a scale, then build it from files; with
--systems, also land it as Salesforce and Stripe tables (revops demo --elt-landing)
and build it through those adapters.

The build is `revops build`'s: data tests, no unit tests unless --unit-tests.
Measures wall time and peak memory of each step (a child process each, so the
numbers are the step's own). Speed and memory are measured here, never asserted in
tests: machines differ.

For each scale it also measures the floor, landing: the build's own landing
statements (revops.landing) run alone into a fresh DuckDB file, and splits the build
by what dbt reports for each node (run_results: models, data tests, unit tests, seeds,
summed over threads) and by wall clock (before the first node finished: parsing and
landing; the nodes; after the last: publishing). Then the same compiled SQL without
dbt (raw SQL: the landing and each model as CREATE TABLE/VIEW in DAG order, one DuckDB
connection), and `revops export` of every model and `revops kpis`, each with its peak
memory. It prints build / landing and build / raw SQL and, with --json, writes every
figure as JSON, to compare over time:

    .venv/bin/python benchmarks/build_at_scale.py --scale 1 --scale 10 \\
        --json benchmarks/results/$(date +%F)-build.json
    .venv/bin/python benchmarks/build_at_scale.py --scale 1 --scale 10 --systems
    .venv/bin/revops demo --out /tmp/s2500 --scale 2500   # once: about 45 minutes
    .venv/bin/python benchmarks/build_at_scale.py --scale 2500 --data /tmp/s2500 --build-only \\
        --memory-limit 12GB --json benchmarks/results/$(date +%F)-build-2500.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP_MODELS = 10

# runs in a child process: the build as `revops build` runs it (build_warehouse), with
# each finished node and the clock at its end, written as JSON to argv[3]
_BUILD_CHILD = """
import json, sys, time
from pathlib import Path
from revops.build import BuildOptions, build_warehouse
from revops.project import Project
data, warehouse, out, threads = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
unit_tests = sys.argv[5] == "unit-tests"
memory_limit = sys.argv[6] or None
nodes, started = [], time.monotonic()
def on_progress(node):
    nodes.append({"resource_type": node.resource_type, "name": node.name, "status": node.status,
                  "seconds": node.seconds, "finished_at": time.monotonic() - started})
build_warehouse(Project.locate(), BuildOptions(warehouse=warehouse, data_dir=data, threads=threads,
                                               unit_tests=unit_tests, memory_limit=memory_limit),
                on_progress=on_progress)
out.write_text(json.dumps({"seconds": time.monotonic() - started, "nodes": nodes}))
"""

# runs in a child process: the build's landing statements alone, into a fresh file
_LANDING_CHILD = """
import sys, duckdb
from pathlib import Path
from revops.contract import load_contract
from revops.landing import landing_statements, run_landing, scan_folder
from revops.project import Project
contract = load_contract(Project.locate().contract_sources)
statements = landing_statements(scan_folder(Path(sys.argv[1]), contract), contract, "raw")
with duckdb.connect(sys.argv[2]) as connection:
    run_landing(connection, statements)
"""


# runs in a child process: the same compiled SQL without dbt. `dbt compile` against a
# copy of the built warehouse (so introspection sees what the build saw), then, in one
# fresh DuckDB connection, the landing statements, the seeds copied from the build, and
# each model's compiled SQL as CREATE TABLE/VIEW in the DAG's order. Prints JSON.
_RAW_SQL_CHILD = """
import json, shutil, sys, time
from graphlib import TopologicalSorter
from pathlib import Path
import duckdb
from revops.build import BuildOptions
from revops.contract import load_contract
from revops.dbt_invocation import invoke_dbt
from revops.landing import landing_statements, run_landing, scan_folder
from revops.project import Project
data, built, scratch, threads = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
project = Project.locate()
(scratch / "compile").mkdir(parents=True)
shutil.copy(built, scratch / "compile" / "revops.duckdb")
started = time.monotonic()
outcome = invoke_dbt(project, ["compile"], warehouse=scratch / "compile" / "revops.duckdb",
                     dbt_vars=BuildOptions(warehouse=built, data_dir=data).dbt_vars(), threads=threads)
compile_seconds = time.monotonic() - started
assert outcome.success, outcome.error
manifest = json.loads((scratch / "compile" / ".dbt" / "target" / "manifest.json").read_text())
nodes = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] in ("model", "seed")}
order = TopologicalSorter({uid: [parent for parent in node["depends_on"].get("nodes", []) if parent in nodes]
                           for uid, node in nodes.items()}).static_order()
(scratch / "raw").mkdir()
contract = load_contract(project.contract_sources)
with duckdb.connect(str(scratch / "raw" / "revops.duckdb")) as connection:  # the same catalog name
    connection.execute(f"set threads = {threads}")
    connection.execute("set enable_progress_bar = false")  # stdout carries the JSON
    for schema in sorted({node["schema"] for node in nodes.values()} | {"raw"}):
        connection.execute(f'create schema if not exists "{schema}"')
    started = time.monotonic()
    run_landing(connection, landing_statements(scan_folder(data, contract), contract, "raw"))
    landing_seconds = time.monotonic() - started
    connection.execute("attach '" + str(built).replace("'", "''") + "' as built (read_only)")
    started, models = time.monotonic(), []
    for uid in order:
        node = nodes[uid]
        if node["resource_type"] == "seed":
            connection.execute(f'create table {node["relation_name"]} as'
                               f' select * from built."{node["schema"]}"."{node["alias"]}"')
            continue
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        began = time.monotonic()
        connection.execute(f'create {kind} {node["relation_name"]} as {node["compiled_code"]}')
        models.append({"name": node["name"], "seconds": round(time.monotonic() - began, 2)})
    models_seconds = time.monotonic() - started
models.sort(key=lambda model: -model["seconds"])
print(json.dumps({"compile_seconds": round(compile_seconds, 2), "landing_seconds": round(landing_seconds, 2),
                  "models_seconds": round(models_seconds, 2), "top_models": models[:10]}))
"""


def measured(command: list[str], quiet: bool = False, stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Run a command; return (seconds, peak resident memory of that command in MiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL if quiet else None)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def phases(build: dict) -> dict:
    """The build's time by kind of node (dbt's own execution times, summed over
    threads) and by wall clock around the nodes."""
    nodes = build["nodes"]
    by_type: dict[str, float] = {}
    for node in nodes:
        kind = {"test": "data_tests", "unit_test": "unit_tests", "model": "models", "seed": "seeds"}.get(
            node["resource_type"], node["resource_type"])
        by_type[kind] = round(by_type.get(kind, 0.0) + node["seconds"], 2)
    first = min((node["finished_at"] - node["seconds"] for node in nodes), default=0.0)
    last = max((node["finished_at"] for node in nodes), default=build["seconds"])
    return {
        "node_seconds_by_type": by_type,
        "wall_seconds": {
            "before_first_node": round(max(first, 0.0), 2),  # parsing, landing (on-run-start)
            "nodes": round(last - max(first, 0.0), 2),
            "after_last_node": round(build["seconds"] - last, 2),  # closing, publishing
        },
    }


def top_models(build: dict, count: int = TOP_MODELS) -> list[dict]:
    models = [node for node in build["nodes"] if node["resource_type"] == "model"]
    models.sort(key=lambda node: -node["seconds"])
    return [{"name": node["name"], "seconds": round(node["seconds"], 2)} for node in models[:count]]


def run_scale(scale: float, threads: int, systems: bool, revops: list[str], keep: Path | None = None,
              unit_tests: bool = False, memory_limit: str | None = None, build_only: bool = False,
              generated: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        data, warehouse = generated or scratch / "data", scratch / "revops.duckdb"
        if keep is not None:  # kept, to compare its numbers (scripts/lib/kpi_snapshot.py)
            warehouse = keep / f"scale-{scale:g}" / "revops.duckdb"
        generate_seconds = None
        if generated is None:
            generate_seconds, _ = measured(revops + ["demo", "--out", str(data), "--scale", str(scale)], quiet=True)
        rows = sum(sum(1 for _ in path.open()) - 1 for path in data.glob("*.csv"))
        landing_seconds, landing_peak = (None, None) if build_only else measured(
            [sys.executable, "-c", _LANDING_CHILD, str(data), str(scratch / "landing.duckdb")])
        (scratch / "landing.duckdb").unlink(missing_ok=True)
        nodes_file = scratch / "nodes.json"
        build_seconds, peak = measured([sys.executable, "-c", _BUILD_CHILD, str(data), str(warehouse),
                                        str(nodes_file), str(threads), "unit-tests" if unit_tests else "-",
                                        memory_limit or ""])
        build = json.loads(nodes_file.read_text())
        if build_only:  # the largest scales: the build is the figure, the rest would double the run
            return {"scale": scale, "raw_rows": rows, "threads": threads, "unit_tests": unit_tests,
                    "memory_limit": memory_limit, "generate_seconds": rounded(generate_seconds),
                    "build_seconds": round(build_seconds, 2), "build_peak_rss_mib": round(peak),
                    "phases": phases(build),
                    "load_average_after": os.getloadavg(), "top_models": top_models(build, 2 * TOP_MODELS),
                    "nodes": len(build["nodes"])}
        raw_file = scratch / "raw_sql.json"
        with raw_file.open("w") as out:
            raw_total, raw_peak = measured([sys.executable, "-c", _RAW_SQL_CHILD, str(data), str(warehouse),
                                            str(scratch / "raw_sql"), str(threads)], stdout=out)
        raw = json.loads(raw_file.read_text().splitlines()[-1])
        raw_seconds = raw["landing_seconds"] + raw["models_seconds"]  # the SQL alone, not the compile
        # export streams (DuckDB's COPY), so its peak RSS should not follow the table sizes
        export_seconds, export_peak = measured(revops + ["export", "--warehouse", str(warehouse),
                                                         "--out", str(scratch / "exports")], quiet=True)
        kpis_seconds, kpis_peak = measured(revops + ["kpis", "--warehouse", str(warehouse)], quiet=True)
        exported_mib = sum(path.stat().st_size for path in (scratch / "exports").iterdir()) / 2**20
        split = phases(build)
        result = {
            "scale": scale,
            "raw_rows": rows,
            "threads": threads,
            "unit_tests": unit_tests,
            "memory_limit": memory_limit,
            "generate_seconds": rounded(generate_seconds),
            "landing_seconds": round(landing_seconds, 2),
            "landing_peak_rss_mib": round(landing_peak),
            "build_seconds": round(build_seconds, 2),
            "build_peak_rss_mib": round(peak),
            "build_over_landing": round(build_seconds / landing_seconds, 1),
            "raw_sql_seconds": round(raw_seconds, 2),
            "raw_sql_peak_rss_mib": round(raw_peak),
            "raw_sql": raw,
            "build_over_raw_sql": round(build_seconds / raw_seconds, 1),
            "phases": split,
            # parse = the wall clock before the first node, less the landing it includes
            "phase_seconds": {
                "parse": round(max(split["wall_seconds"]["before_first_node"] - landing_seconds, 0.0), 2),
                "landing": round(landing_seconds, 2),
                "models": split["node_seconds_by_type"].get("models", 0.0),
                "data_tests": split["node_seconds_by_type"].get("data_tests", 0.0),
                "unit_tests": split["node_seconds_by_type"].get("unit_tests", 0.0),
                "publish": split["wall_seconds"]["after_last_node"],
            },
            "export_seconds": round(export_seconds, 2),
            "export_peak_rss_mib": round(export_peak),
            "exported_mib": round(exported_mib, 1),
            "kpis_seconds": round(kpis_seconds, 2),
            "kpis_peak_rss_mib": round(kpis_peak),
            "load_average_after": os.getloadavg(),
            "top_models": top_models(build),
            "nodes": len(build["nodes"]),
        }
        if systems:
            landing, systems_warehouse = scratch / "fivetran.duckdb", scratch / "systems.duckdb"
            land_seconds, _ = measured([sys.executable, "-c",
                "import sys; from pathlib import Path; from revops.demo.elt_landing import land_demo_as_elt; "
                "land_demo_as_elt(Path(sys.argv[1]), Path(sys.argv[2]))", str(data), str(landing)])
            systems_seconds, systems_peak = measured(
                revops + ["build", "--quiet", "--raw-database", str(landing), "--crm-source", "salesforce",
                          "--billing-source", "stripe", "--warehouse", str(systems_warehouse),
                          "--threads", str(threads)]
            )
            result["systems"] = {"elt_landing_seconds": round(land_seconds, 2),
                                 "build_seconds": round(systems_seconds, 2),
                                 "build_peak_rss_mib": round(systems_peak)}
        return result


def rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="demo scale(s) to run [default: 1]")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--systems", action="store_true",
                        help="also build through the Salesforce and Stripe adapters")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--keep", type=Path, help="keep each built warehouse, as KEEP/scale-<scale>/revops.duckdb")
    parser.add_argument("--unit-tests", action="store_true",
                        help="build as `revops build --unit-tests` does (by default, without dbt's unit tests)")
    parser.add_argument("--memory-limit", help="build as `revops build --memory-limit` does (12GB): DuckDB spills past it")
    parser.add_argument("--build-only", action="store_true",
                        help="generate and build only: no landing alone, raw SQL, export or kpis (for scale 2500)")
    parser.add_argument("--data", type=Path,
                        help="build this folder, generated before with `revops demo --out DATA --scale S`"
                             " (one --scale, S), instead of generating it: for scale 2500, about 45 minutes")
    args = parser.parse_args()
    if args.data and len(args.scale or [1.0]) != 1:
        parser.error("--data is one scale's folder: give the one --scale it was generated at")
    revops = [sys.executable, "-m", "revops"]
    header = (f"{'scale':>6} {'raw rows':>10} {'generate s':>11} {'landing s':>10} {'build s':>8}"
              f" {'build/landing':>14} {'peak MiB':>9} {'raw SQL s':>10} {'build/raw':>10}"
              f" {'models s':>9} {'tests s':>8} {'unit s':>7} {'export s':>9} {'MiB':>5} {'kpis s':>7} {'load':>5}")
    if args.systems:
        header += f" {'land s':>7} {'systems build s':>16} {'peak MiB':>9}"
    print(header, flush=True)
    results = []
    for scale in args.scale or [1.0]:
        result = run_scale(scale, args.threads, args.systems, revops, args.keep, args.unit_tests,
                           args.memory_limit, args.build_only, args.data)
        results.append(result)
        if args.build_only:
            wall = result["phases"]["wall_seconds"]
            generated = "reused" if result["generate_seconds"] is None else f"{result['generate_seconds']:.1f} s"
            print(f"{scale:>6g} {result['raw_rows']:>10,} generate {generated},"
                  f" build {result['build_seconds']:.1f} s (parse and landing {wall['before_first_node']:.1f} s),"
                  f" peak {result['build_peak_rss_mib']:.0f} MiB", flush=True)
            if args.json:
                write_json(args.json, results)
            continue
        by_type = result["phases"]["node_seconds_by_type"]
        generated = "reused" if result["generate_seconds"] is None else f"{result['generate_seconds']:.1f}"
        line = (f"{scale:>6g} {result['raw_rows']:>10,} {generated:>11}"
                f" {result['landing_seconds']:>10.1f} {result['build_seconds']:>8.1f}"
                f" {result['build_over_landing']:>14.1f} {result['build_peak_rss_mib']:>9.0f}"
                f" {result['raw_sql_seconds']:>10.1f} {result['build_over_raw_sql']:>10.1f}"
                f" {by_type.get('models', 0):>9.1f} {by_type.get('data_tests', 0):>8.1f}"
                f" {by_type.get('unit_tests', 0):>7.1f} {result['export_seconds']:>9.1f}"
                f" {result['export_peak_rss_mib']:>5.0f} {result['kpis_seconds']:>7.1f}"
                f" {result['load_average_after'][0]:>5.1f}")
        if args.systems:
            systems = result["systems"]
            line += (f" {systems['elt_landing_seconds']:>7.1f} {systems['build_seconds']:>16.1f}"
                     f" {systems['build_peak_rss_mib']:>9.0f}")
        print(line, flush=True)
        print("        top models: " + ", ".join(f"{m['name']} {m['seconds']:.1f}s" for m in result["top_models"][:5]),
              flush=True)
        if args.json:  # after each scale: a long run that stops keeps what it measured
            write_json(args.json, results)
    if args.json:
        print(f"wrote {args.json}")


def write_json(path: Path, results: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "load_average_at_end": os.getloadavg()},
        "command": " ".join(["benchmarks/build_at_scale.py"] + sys.argv[1:]),
        "note": "node seconds are dbt's execution times summed over threads; wall seconds are the clock",
        "results": results,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
