#!/usr/bin/env python
"""Every benchmark in turn, each with its defaults: what ``make bench`` runs.

    .venv/bin/python bench/run_all.py [--only import|api|booking|claims|reservations|dashboard|notifications|mailing|reports] [--import-args="..."] [--api-args="..."]

Each bench runs in its own process with this interpreter, writes its JSON under
``bench/results/`` and prints its own table; ``--import-args`` / ``--api-args`` are passed
through to ``import_bench.py`` / ``api_bench.py`` (write ``--import-args="--scale 0"``: with the
``=``, a value starting with a dash is not taken for an option of this script).
Every bench runs even if one fails; the exit status is the first non-zero one.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BENCHES = {
    "import": "import_bench.py",
    "api": "api_bench.py",
    "booking": "booking_bench.py",
    "claims": "claims_bench.py",
    "reservations": "parts_reservation_bench.py",
    "dashboard": "parts_dashboard_bench.py",
    "notifications": "notifications_bench.py",
    "mailing": "mailing_bench.py",
    "reports": "reports_dashboard_bench.py",
}


def commands(argv: list[str] | None = None) -> list[list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BENCHES), help="run one bench")
    for name in BENCHES:
        parser.add_argument(f"--{name}-args", default="", help=f"arguments for {BENCHES[name]}")
    args = parser.parse_args(argv)
    return [
        [sys.executable, str(BENCH / script), *shlex.split(getattr(args, f"{name}_args"))]
        for name, script in BENCHES.items()
        if args.only in (None, name)
    ]


def main(argv: list[str] | None = None) -> int:
    status = 0
    for command in commands(argv):
        print(f"[run_all] {shlex.join(command[1:])}", flush=True)
        returncode = subprocess.run(command, cwd=BENCH.parent, check=False).returncode
        if returncode:
            print(f"[run_all] {Path(command[1]).name} exited with {returncode}", flush=True)
        status = status or returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
