"""``make bench`` runs bench/run_all.py: every benchmark in turn, arguments passed through."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from django.conf import settings

BENCH = Path(settings.BASE_DIR) / "bench"


def load_run_all():
    spec = importlib.util.spec_from_file_location("run_all", BENCH / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_bench_runs_a_file_that_exists():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert "bench/run_all.py" in makefile
    assert (BENCH / "run_all.py").exists()


def test_every_bench_runs_with_its_defaults():
    commands = load_run_all().commands([])
    assert commands == [
        [sys.executable, str(BENCH / "import_bench.py")],
        [sys.executable, str(BENCH / "api_bench.py")],
        [sys.executable, str(BENCH / "booking_bench.py")],
        [sys.executable, str(BENCH / "claims_bench.py")],
        [sys.executable, str(BENCH / "parts_reservation_bench.py")],
        [sys.executable, str(BENCH / "parts_dashboard_bench.py")],
        [sys.executable, str(BENCH / "notifications_bench.py")],
        [sys.executable, str(BENCH / "mailing_bench.py")],
        [sys.executable, str(BENCH / "reports_dashboard_bench.py")],
    ]
    assert all(Path(command[1]).exists() for command in commands)


def test_arguments_pass_through_to_their_bench():
    commands = load_run_all().commands(["--only", "import", "--import-args", "--scale 0 --backends sqlite"])
    assert commands == [
        [sys.executable, str(BENCH / "import_bench.py"), "--scale", "0", "--backends", "sqlite"]
    ]


def test_a_failing_bench_fails_the_run_but_not_the_next(monkeypatch):
    run_all = load_run_all()
    ran = []

    class Done:
        def __init__(self, returncode):
            self.returncode = returncode

    def fake_run(command, **kwargs):
        ran.append(Path(command[1]).name)
        return Done(3 if len(ran) == 1 else 0)

    monkeypatch.setattr(run_all.subprocess, "run", fake_run)
    assert run_all.main([]) == 3
    assert ran == [
        "import_bench.py",
        "api_bench.py",
        "booking_bench.py",
        "claims_bench.py",
        "parts_reservation_bench.py",
        "parts_dashboard_bench.py",
        "notifications_bench.py",
        "mailing_bench.py",
        "reports_dashboard_bench.py",
    ]
