"""Benchmark: generate the demo company at a scale, then build it from files; with
--systems, also land it as Salesforce and Stripe tables (revops demo --elt-landing)
and build it through those adapters.

Measures wall time and peak memory of each step (a child process each, so the
numbers are the step's own). Speed and memory are measured here, never asserted in
tests: machines differ.

    .venv/bin/python benchmarks/build_at_scale.py --scale 1 --scale 10 --scale 50
    .venv/bin/python benchmarks/build_at_scale.py --scale 1 --scale 10 --systems
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measured(command: list[str]) -> tuple[float, float]:
    """Run a command; return (seconds, peak resident memory of the command in MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss is the largest child so far (KiB on Linux): report it only if it grew
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="demo scale(s) to run [default: 1]")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--systems", action="store_true",
                        help="also build through the Salesforce and Stripe adapters")
    args = parser.parse_args()
    revops = [sys.executable, "-m", "revops"]
    header = f"{'scale':>6} {'raw rows':>10} {'generate s':>11} {'build s':>8} {'peak MiB':>9}"
    if args.systems:
        header += f" {'land s':>7} {'systems build s':>16} {'peak MiB':>9}"
    print(header)
    for scale in args.scale or [1.0]:
        with tempfile.TemporaryDirectory() as scratch:
            data, warehouse = Path(scratch) / "data", Path(scratch) / "revops.duckdb"
            generate_seconds, _ = measured(revops + ["demo", "--out", str(data), "--scale", str(scale)])
            rows = sum(sum(1 for _ in path.open()) - 1 for path in data.glob("*.csv"))
            build_seconds, peak = measured(
                revops + ["build", "--quiet", "--data", str(data), "--warehouse", str(warehouse),
                          "--threads", str(args.threads)]
            )
            line = f"{scale:>6g} {rows:>10,} {generate_seconds:>11.1f} {build_seconds:>8.1f} {peak:>9.0f}"
            if args.systems:
                landing, systems_warehouse = Path(scratch) / "fivetran.duckdb", Path(scratch) / "systems.duckdb"
                land_seconds, _ = measured([sys.executable, "-c",
                    "import sys; from pathlib import Path; from revops.demo_landing import land_demo_as_elt; "
                    "land_demo_as_elt(Path(sys.argv[1]), Path(sys.argv[2]))", str(data), str(landing)])
                systems_seconds, systems_peak = measured(
                    revops + ["build", "--quiet", "--raw-database", str(landing), "--crm-source", "salesforce",
                              "--billing-source", "stripe", "--warehouse", str(systems_warehouse),
                              "--threads", str(args.threads)]
                )
                line += f" {land_seconds:>7.1f} {systems_seconds:>16.1f} {systems_peak:>9.0f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
