"""Benchmark: YAML template -> validated ProcessTemplate, and the ``validate`` command.

Run ``python benchmarks/bench_template.py``; it prints tables and writes
``benchmarks/results/template.json``. Goals (see benchmarks/README.md):

1. ``load_template(path)`` costs at most 3x the baseline "``yaml.load(text,
   Loader=CSafeLoader)`` + ``TemplateDocument.model_validate(data)``";
2. ``verantwortung validate FILE`` takes no longer than ``yamllint FILE`` (wall time).

In-process timings are best of 5 runs of N calls, N chosen so that one run takes
~0.2 s (``timeit.Timer.autorange``), each run after a full collection and with
the garbage collector enabled (allocation-heavy code pays for it, as in real use).
"""

from __future__ import annotations

import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
import yaml

import verantwortung
from verantwortung.io import loader
from verantwortung.io.checks import check_document, check_graph
from verantwortung.io.extends import Layer, merge_layers, strip_directives
from verantwortung.io.yaml_source import Limits, SourceDoc, load_yaml_file
from verantwortung.model.document import TemplateDocument
from verantwortung.model.template import build
from verantwortung.rules.registry import registry

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results" / "template.json"
BUNDLED = ROOT / "process_templates" / "verantwortungspartner.yaml"
THUERINGEN = ROOT / "process_templates" / "verantwortungspartner-thueringen.yaml"
LOAD_GOAL, CLI_GOAL = 3.0, 1.0
EXTRA_PHASES = 200
YAMLLINT_CONFIG = "default"  # yamllint's built-in default rules, given as ``-d default``


def fresh_gc() -> None:
    """Before each run: a full collection, then the collector on (timeit turns it off)."""
    gc.collect()
    gc.enable()


def bench(fn: Callable[[], object], repeat: int = 5) -> float:
    """Seconds per call: best of ``repeat`` runs of N calls (one run ~0.2 s)."""
    timer = timeit.Timer(fn, setup=fresh_gc)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat, number)) / number


def discard(_: object) -> None:
    """A report callback that drops diagnostics (they are not the point here)."""


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:9.1f} µs"


def verdict(ratio: float, goal: float) -> str:
    return "PASS" if ratio <= goal else "MISS"


def chain_of(path: Path) -> list[Path]:
    """``path`` and the files it extends, child first."""
    files = [path]
    while (ref := load_yaml_file(files[-1]).data.get("extends")) is not None:
        base = loader.resolve_source(ref, files[-1].parent)
        assert base is not None, ref
        files.append(base)
    return files


def synthetic(folder: Path) -> Path:
    """The bundled template plus EXTRA_PHASES phases chained after 'closing'."""
    data = yaml.load(BUNDLED.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data["id"] = "verantwortungspartner-synthetic"
    previous = "closing"
    for i in range(EXTRA_PHASES):
        pid = f"extra_{i:03d}"
        data["phases"][pid] = {
            "label": {"de": f"Zusatzschritt {i}", "en": f"Extra step {i}"},
            "description": {"de": f"Ein zusätzlicher Schritt Nummer {i}.",
                            "en": f"An additional step number {i}."},
            "checklist": [{"de": "Notiz anlegen", "en": "Write a note"}]}
        data["triggers"][f"advance_{i:03d}"] = {
            "label": {"de": f"Weiter zu Schritt {i}", "en": f"Go on to step {i}"},
            "roles": ["facilitator", "initiative_circle"],
            "from": previous, "to": pid,
            "guards": {"note_missing": {
                "rule": {"count": "notes", "min": 1},
                "message": {"de": "Es gibt {count} Notizen; mindestens {min} sind nötig.",
                            "en": "There are {count} notes; at least {min} are needed."}}}}
        previous = pid
    data["triggers"]["finish_extra"] = {"label": {"de": "Abschließen", "en": "Finish"},
                                        "from": previous, "to": "consolidation"}
    path = folder / "verantwortungspartner-synthetic.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")
    return path


def in_process(path: Path) -> dict[str, Any]:
    """Per-call times of our loader, its phases, and the baseline, for one file."""
    limits, rules = Limits(), set(registry)
    files = chain_of(path)
    docs: list[SourceDoc] = []
    for f in files:
        docs.append(load_yaml_file(f, limits))
        docs[-1].path = loader._shown(f)

    def layers() -> Layer:
        merged = strip_directives(loader._layer(docs[-1]), discard)
        for doc in reversed(docs[:-1]):
            merged = merge_layers(merged, loader._layer(doc), discard)
        return merged

    layer = layers()
    src = layer.sources()
    doc = TemplateDocument.model_validate(layer.data)
    sources = tuple(dict.fromkeys(ref.path for ref in layer.values.values()))
    tpl = build(doc, {}, layer.values, sources)

    def baseline_parse() -> list[Any]:
        return [yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
                for f in files]

    def baseline() -> object:
        parsed = baseline_parse()
        # Plain PyYAML cannot resolve ``extends:``: validate our merged data instead.
        return TemplateDocument.model_validate(parsed[0] if len(files) == 1 else layer.data)

    plain = baseline_parse()[0] if len(files) == 1 else layer.data
    phases = {
        "read+compose YAML (load_yaml_file)": lambda: [load_yaml_file(f, limits) for f in files],
        "positions->SourceRef + extends (_layer, merge)": layers,
        "pydantic validation (model_validate)": lambda: TemplateDocument.model_validate(
            layer.data),
        "reference checks (check_document)": lambda: check_document(doc, src, discard, rules),
        "build (model.template.build)": lambda: build(doc, {}, layer.values, sources),
        "graph checks (check_graph)": lambda: check_graph(tpl, src, discard),
    }
    return {
        "file": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name),
        "files_read": len(files), "bytes": sum(f.stat().st_size for f in files),
        "phases_in_template": len(tpl.phases), "triggers": len(tpl.triggers),
        "load_template": bench(lambda: verantwortung.load_template(path)),
        "analyze": bench(lambda: loader.analyze(path, custom_rules=rules)),
        "breakdown": {name: bench(fn) for name, fn in phases.items()},
        "baseline": bench(baseline),
        "baseline_parts": {"yaml.load (CSafeLoader)": bench(baseline_parse),
                           "model_validate": bench(lambda: TemplateDocument.model_validate(
                               plain))},
        "baseline_data_equal": len(files) > 1 or plain == docs[0].data,
    }


def wall(cmd: list[str], env: dict[str, str], runs: int = 7) -> dict[str, float]:
    """Best and median wall seconds of ``cmd`` after one warm-up run."""
    subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT, env=env)
        times.append(time.perf_counter() - start)
    return {"best": min(times), "median": statistics.median(times)}


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)")
ImportRow = tuple[str, int, int]  # module, self µs, cumulative µs


def importtime(args: list[str], env: dict[str, str]) -> tuple[float, list[ImportRow]]:
    """Seconds of all imports (sum of self times) and the rows of the fastest of 5 runs
    under ``-X importtime`` (which itself adds overhead)."""
    best: tuple[float, list[ImportRow]] = (float("inf"), [])
    for _ in range(5):
        proc = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True,
                              text=True, check=False, cwd=ROOT, env=env)
        rows = [(m[3], int(m[1]), int(m[2]))
                for m in map(IMPORT_LINE.match, proc.stderr.splitlines()) if m]
        best = min(best, (sum(r[1] for r in rows) / 1e6, rows), key=lambda b: b[0])
    return best


def cached_env(folder: Path) -> dict[str, str]:
    """Environment for timed commands: bytecode cached, as after ``pip install``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")  # keeps src/ free of __pycache__
    return env


def row(label: str, t: dict[str, float], extra: str = "") -> None:
    print(f"    {label:<50}{fmt(t['best'])} {fmt(t['median'])}{extra}")


def report_load(r: dict[str, Any]) -> None:
    base, total = r["baseline"], r["analyze"]
    r["ratio"] = r["load_template"] / base
    print(f"\n  {r['file']}  ({r['bytes']:,} bytes in {r['files_read']} file(s), "
          f"{r['phases_in_template']} phases, {r['triggers']} triggers)")
    print(f"    {'':<50}{'per call':>12}  vs baseline")
    print(f"    {'load_template(path)':<50}{fmt(r['load_template'])}  {r['ratio']:6.2f}x")
    print(f"    {'loader.analyze(path)':<50}{fmt(total)}  {total / base:6.2f}x")
    print(f"    {'baseline: CSafeLoader + model_validate':<50}{fmt(base)}  {1:6.2f}x")
    for name, t in r["baseline_parts"].items():
        print(f"      {name:<48}{fmt(t)}  {t / base:6.2f}x")
    print(f"    {'breakdown of analyze':<50}{'':>12}  vs baseline  share")
    rest = total - sum(r["breakdown"].values())
    for name, t in [*r["breakdown"].items(), ("(rest = analyze - sum of the above)", rest)]:
        print(f"      {name:<48}{fmt(t)}  {t / base:6.2f}x  {t / total:8.1%}")
    if not r["baseline_data_equal"]:
        print("    note: plain PyYAML reads this file into different data (YAML 1.1)")


def cli(files: list[Path], env: dict[str, str]) -> dict[str, Any]:
    """Wall times of ``verantwortung validate`` and ``yamllint``, and import costs."""
    exe, lint, py = str(BIN / "verantwortung"), str(BIN / "yamllint"), sys.executable
    print(f"\n2. Command line wall time, best / median of 7 after a warm-up, bytecode cached;"
          f"\n   yamllint with its built-in default rules (-d {YAMLLINT_CONFIG})")
    out: dict[str, Any] = {"startup": {}, "files": []}
    for label, code in [("python -c pass (interpreter floor)", "pass"),
                        ("python -c 'import yamllint.cli'", "import yamllint.cli"),
                        ("python -c 'import verantwortung.cli'", "import verantwortung.cli"),
                        ("python -c 'import verantwortung._api' (validate's)",
                         "import verantwortung._api")]:
        out["startup"][label] = t = wall([py, "-c", code], env)
        row(label, t)
    for f in files:
        ours = wall([exe, "validate", str(f)], env)
        theirs = wall([lint, "-d", YAMLLINT_CONFIG, str(f)], env)
        out["files"].append({"file": f.name, "validate": ours, "yamllint": theirs,
                             "ratio_best": ours["best"] / theirs["best"],
                             "ratio_median": ours["median"] / theirs["median"]})
        print(f"  {f.name}{'':<{48 - len(f.name)}}{'best':>12} {'median':>12}  ratio b / m")
        row("verantwortung validate FILE", ours, f"  {ours['best'] / theirs['best']:5.2f}x / "
            f"{ours['median'] / theirs['median']:5.2f}x")
        row("yamllint FILE", theirs)
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print(f"  {BUNDLED.name} with PYTHONDONTWRITEBYTECODE=1 as set here (no .pyc for src/)")
        out["no_bytecode_cache"] = {
            "validate": wall([exe, "validate", str(BUNDLED)], dict(os.environ)),
            "yamllint": wall([lint, "-d", YAMLLINT_CONFIG, str(BUNDLED)], dict(os.environ))}
        row("verantwortung validate FILE", out["no_bytecode_cache"]["validate"])
        row("yamllint FILE", out["no_bytecode_cache"]["yamllint"])

    cli_import, _ = importtime(["-c", "import verantwortung.cli"], env)
    total, rows = importtime(["-m", "verantwortung", "validate", str(BUNDLED)], env)
    print("\n  -X importtime (sum of self times, fastest of 5 runs):")
    print(f"    {'import verantwortung.cli':<50}{fmt(cli_import)}")
    print(f"    {'python -m verantwortung validate FILE':<50}{fmt(total)}")
    print("  top 10 imports of 'verantwortung validate' by self time:")
    top = sorted(rows, key=lambda r: -r[1])[:10]
    for name, own, cum in top:
        print(f"    {name:<50}{fmt(own / 1e6)}  (cumulative {fmt(cum / 1e6).strip()})")
    per_package: dict[str, int] = defaultdict(int)
    for name, own, _ in rows:
        per_package[name.split(".")[0]] += own
    packages = sorted(per_package.items(), key=lambda kv: -kv[1])[:10]
    print("  top 10 top-level packages of 'verantwortung validate' by summed self time:")
    for name, own in packages:
        print(f"    {name:<50}{fmt(own / 1e6)}  {own / 1e6 / total:6.1%}")
    out["imports"] = {"verantwortung.cli": cli_import, "validate_total": total,
                      "validate_top_self": top, "validate_top_packages": packages}
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        big = synthetic(Path(tmp))
        errors = [d for d in verantwortung.check_template(big) if d.severity == "error"]
        for d in errors:
            print(f"synthetic template: {d}")
        if errors:
            return 1
        files = [BUNDLED, THUERINGEN, big]
        print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__} (libyaml: "
              f"{yaml.__with_libyaml__}), pydantic {pydantic.VERSION}\n\n"
              "1. YAML file -> validated template: best of 5 runs of N calls (~0.2 s a run), "
              "GC on")
        loads = [in_process(f) for f in files]
        for r in loads:
            report_load(r)
        print("\n  (with extends:, the baseline reads every file of the chain with CSafeLoader"
              "\n   and validates the merged data, since plain PyYAML cannot merge)")
        cmd = cli(files, cached_env(Path(tmp)))

    print("\nSummary")
    goals = [{"goal": f"load_template <= {LOAD_GOAL:g}x baseline", "file": Path(r["file"]).name,
              "ratio": r["ratio"], "result": verdict(r["ratio"], LOAD_GOAL)} for r in loads]
    goals += [{"goal": f"validate CLI <= {CLI_GOAL:g}x yamllint (median)", "file": c["file"],
               "ratio": c["ratio_median"], "result": verdict(c["ratio_median"], CLI_GOAL)}
              for c in cmd["files"]]
    for g in goals:
        print(f"  {g['result']}  {g['goal']:<42} {g['ratio']:6.2f}x  {g['file']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "python": sys.version.split()[0], "pyyaml": yaml.__version__,
        "pydantic": pydantic.VERSION, "yamllint_config": YAMLLINT_CONFIG, "load": loads,
        "cli": cmd, "goals": goals}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
