"""Benchmark: costs that must follow the work, not the history (one run, side by side).

Run ``python benchmarks/bench_scale.py`` (``--quick`` for a smaller, rougher run). Every
row is a ratio of two measurements taken in this run, next to its goal; the script prints
the table and writes ``benchmarks/results/scale.json``. The peers:

* bare ``transitions`` (one shared ``Machine``, ``add_model``), without guards and with
  guards that compute the same conditions as the bundled template in plain Python;
* the dict FSM floor of ``bench_engine.py``;
* a bare SQLAlchemy Core insert and a raw ``sqlite3`` insert of the same event row;
* ``yamllint`` and a bare ``python -c "import sqlalchemy, pydantic, yaml"`` for start-up.

Times are the best of several runs with the collector on; process wall times are the
median of several runs after a warm-up.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from time import perf_counter

import verantwortung
from _scale_common import CLOCK, ONLY, QUICK, ROOT, ROWS, STORY, row, started
from _scale_engine import (
    big_template,
    compile_rows,
    json_rows,
    options_rows,
    parameter_rows,
    record_rows,
    trigger_rows,
)
from _scale_store import append_rows, store_rows, thread_rows
from verantwortung import EventStore

RESULTS = ROOT / "benchmarks" / "results" / "scale.json"


# -- start-up: whole commands ---------------------------------------------------------------

def wall(argv: list[str], runs: int = 5, env: dict[str, str] | None = None) -> float:
    """Median wall time of a command over ``runs`` runs after one warm-up."""
    subprocess.run(argv, capture_output=True, check=False, env=env)
    times = []
    for _ in range(runs):
        t0 = perf_counter()
        subprocess.run(argv, capture_output=True, check=False, env=env)
        times.append(perf_counter() - t0)
    return statistics.median(times)


def cached_env(folder: Path) -> dict[str, str]:
    """Environment for timed commands: bytecode cached, as after ``pip install`` (which
    compiles every module); ``PYTHONDONTWRITEBYTECODE`` would make each run of ours compile
    ``src/`` again while the installed peers read their ``.pyc`` files."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")  # keeps src/ free of __pycache__
    return env


def startup_rows(folder: Path) -> None:
    bindir = Path(sys.executable).parent
    ours, yamllint = str(bindir / "verantwortung"), str(bindir / "yamllint")
    runs = 3 if QUICK else 7
    env = cached_env(folder)
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print("      (PYTHONDONTWRITEBYTECODE is set here; the commands below run with a "
              "bytecode cache, as after pip install)")
    files = {"bundled": ROOT / "process_templates" / "verantwortungspartner.yaml",
             "Thüringen child": ROOT / "process_templates"
             / "verantwortungspartner-thueringen.yaml",
             "largest chain (200 phases)": big_template(folder)}
    if Path(yamllint).exists():
        for name, path in files.items():
            t_ours = wall([ours, "validate", str(path)], runs, env)
            t_lint = wall([yamllint, str(path)], runs, env)
            row(f"verantwortung validate vs yamllint: {name}", t_ours, t_lint, 1.0, "s",
                note=f"{t_ours * 1e3:.0f} ms vs {t_lint * 1e3:.0f} ms")
    db = folder / "status.sqlite3"
    with EventStore(f"sqlite:///{db}") as store:
        proc = started(STORY[:3])
        store.add(proc)
    bare = wall([sys.executable, "-c", "import sqlalchemy, pydantic, yaml"], runs, env)
    for name, argv in (("status ID", [ours, "status", proc.id, "--db", str(db)]),
                       ("templates", [ours, "templates"])):
        t = wall(argv, runs, env)
        row(f"verantwortung {name} vs python -c 'import sqlalchemy, pydantic, yaml'", t, bare,
            1.3, "s", note=f"{t * 1e3:.0f} ms vs {bare * 1e3:.0f} ms")


def main() -> int:
    print(f"verantwortung {verantwortung.__version__}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores{' (quick run)' if QUICK else ''}, clock {CLOCK.__name__}",
          flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        groups: dict[str, Callable[[], None]] = {
            "store": lambda: store_rows(folder), "append": lambda: append_rows(folder),
            "records": record_rows, "options": options_rows, "trigger": trigger_rows,
            "threads": lambda: thread_rows(folder), "json": json_rows,
            "parameters": parameter_rows, "compile": lambda: compile_rows(folder),
            "startup": lambda: startup_rows(folder)}
        for name, run in groups.items():
            if not ONLY or name in ONLY:
                run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"quick": QUICK, "clock": CLOCK.__name__, "rows": ROWS},
                                  ensure_ascii=False, indent=2), encoding="utf-8")
    missed = [r["row"] for r in ROWS if not r["ok"]]
    print(f"\n{len(ROWS) - len(missed)} of {len(ROWS)} goals met; results in "
          f"{RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
