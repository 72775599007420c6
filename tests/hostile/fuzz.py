"""A seeded mutation fuzzer over the shipped templates, bounded in time and memory per case.

Each case mutates a shipped template (its structure, or its text), loads it, and when
it loads, starts a process, asks for the options, fires every trigger and event with
an empty payload, renders the diagram and the handbook and explores it with a small
budget. A case is counted as

* ``exception``: anything but a TemplateError / TransitionRefused / VerantwortungError
  left the public API;
* ``hang``: the case took more than ``seconds`` of CPU time (or ten times that of
  wall time);
* ``memory``: the case ran out of the memory the run allows (``MemoryError``);
* ``outside``: a diagnostic names a line or column that the file does not have.

Run a campaign with ``python -m tests.hostile.fuzz --seed 17 --cases 20000``; it sets
a limit on the address space of its own process first, so a case cannot take the
machine with it.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import verantwortung as v
from verantwortung.io.yaml_source import LINE_BREAK
from verantwortung.render import handbook, to_dot, to_mermaid
from verantwortung.render.graph import build_graph
from verantwortung.testing.explore import Budget, explore

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "process_templates").glob("*.yaml"))

#: values that have broken the library before, or look like they could
HOSTILE_SCALARS: list[Any] = [
    None, True, -1, 0, 1, 50_000, 3_000_000, 10**30, -(10**12), 1e308, float("inf"),
    float("nan"), "", " ", "on", "no", "*", "{count}", "{count:>300000000}", "{max:d}",
    "{trigger:%}", "{0}", "{a.b}", "{x[0]}", "{{", "}", "Region A\\B", "\\1\\g<0>",
    "x" * 5000, "\u202eevil", "a\x00b", "\x07", "ｐ１", "P1", "../x.yaml", "/etc/passwd",
    "/dev/stdin", "a" * 300 + ".yaml", "verantwortungspartner", {"param": "milestones_max"},
    {"param": "nope"}, [], {}, [1, [2, [3]]], {"count": "partners", "min": 1000},
]
#: text snippets spliced into the raw YAML
HOSTILE_TEXT = [
    "\x07", "\x00", "\t", "{", "}", "[", "]", ": ", "- ", "&a ", "*a ", "!!python/object ",
    "<<: ", "%YAML 1.1\n", "---\n", "...\n", "'", '"', "\\", "0x" + "f" * 5000, "\u202e",
    "\ufeff", "\r", "#", "? ", "|", ">", "extends: ../../etc/passwd\n",
]


@dataclass
class Tally:
    """Counts of a campaign, and the first examples of each failure."""

    seed: int
    cases: int = 0
    loaded: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    keep: Path | None = None  # a folder to write every failing case to, whole

    def record(self, kind: str, detail: str, text: str = "") -> None:
        """Count one failure of ``kind``; keep a few examples (and the case, if asked)."""
        self.counts[kind] += 1
        self.examples.setdefault(kind, [])
        if len(self.examples[kind]) < 5:
            self.examples[kind].append(detail[-2000:])
        if self.keep is not None:
            self.keep.mkdir(parents=True, exist_ok=True)
            (self.keep / f"{kind}-{self.cases}.yaml").write_bytes(
                text.encode("utf-8", "surrogatepass"))

    def summary(self) -> dict[str, Any]:
        """JSON-ready counts."""
        return {"seed": self.seed, "cases": self.cases, "loaded": self.loaded,
                "exception": self.counts["exception"], "hang": self.counts["hang"],
                "memory": self.counts["memory"], "outside": self.counts["outside"],
                "examples": self.examples}


class _Hang(BaseException):
    """The case ran past its time (a BaseException: no ``except Exception`` swallows it)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """``seconds`` of CPU time (a busy machine does not make a case hang), and ten
    times that of wall time (a case that waits, on a pipe or a lock, does)."""
    def stop(signum: int, frame: Any) -> None:
        raise _Hang

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGALRM, signal.SIGPROF)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * 10)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, item in value.items():
            out.extend(_paths(item, (*prefix, k)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_paths(item, (*prefix, i)))
    return out


def _structural(rng: random.Random, doc: Any) -> str:
    """A few edits of the parsed template, dumped back to YAML."""
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 4)):
        paths = _paths(doc)[1:]
        if not paths:
            break
        path = rng.choice(paths)
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = rng.choice(["delete", "set", "set", "duplicate", "rename", "nest"])
        if action == "delete":
            del parent[key]
        elif action == "set":
            parent[key] = copy.deepcopy(rng.choice(HOSTILE_SCALARS))
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif action == "duplicate":
            parent[f"{key}_{rng.randint(1, 99)}"] = copy.deepcopy(parent[key])
        elif action == "rename" and isinstance(parent, dict):
            parent[str(rng.choice(HOSTILE_SCALARS))] = parent.pop(key)
        else:
            parent[key] = {"x": parent[key]} if rng.random() < 0.5 else [parent[key]]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _textual(rng: random.Random, text: str) -> str:
    """A few splices, deletions or truncations of the raw text."""
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        action = rng.choice(["insert", "insert", "delete", "truncate", "repeat"])
        if action == "insert":
            text = text[:at] + rng.choice(HOSTILE_TEXT) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + rng.randint(1, 40):]
        elif action == "truncate":
            text = text[:at]
        else:
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line = text[line_start:line_end if line_end >= 0 else len(text)]
            text = text[:line_start] + (line + "\n") * rng.randint(2, 30) + text[line_start:]
    return text


def mutant(rng: random.Random, sources: list[tuple[str, Any]]) -> str:
    """One mutated template text."""
    text, doc = rng.choice(sources)
    return _structural(rng, doc) if rng.random() < 0.6 else _textual(rng, text)


def _inside(diag: v.Diagnostic, path: Path, lines: list[str]) -> bool:
    if Path(diag.path).name != path.name:
        return True  # a diagnostic in a base template: pinned by that file's own tests
    if not 1 <= diag.line <= max(len(lines), 1):
        return False
    return 1 <= diag.column <= len(lines[diag.line - 1]) + 1 if lines else diag.column == 1


def _exercise(tpl: v.ProcessTemplate, explore_too: bool) -> None:
    """Everything a loaded template is used for, with hostile-free calls."""
    proc = v.Process.start(tpl, region="Fuzzregion", at="2012-01-01")
    for option in proc.options():
        with suppress(v.TransitionRefused):
            proc.fire(option.name, payload={}, at="2012-01-02")
    proc.state()
    graph = build_graph(tpl, proc)
    to_mermaid(graph, "de")
    to_dot(graph, "en")
    handbook(tpl, fmt="md")
    if explore_too:
        explore(tpl, budget=Budget(fires=300, seconds=2.0))


def run_case(text: str, folder: Path, seconds: float, explore_too: bool, tally: Tally) -> None:
    """Load and use one mutant; count what went wrong."""
    path = folder / "case.yaml"
    raw = text.encode("utf-8", "surrogatepass")
    path.write_bytes(raw)
    lines = LINE_BREAK.split(raw.decode("utf-8", "replace").removeprefix("\ufeff"))
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    tally.cases += 1
    try:
        with _time_limit(seconds):
            diagnostics = v.check_template(path, roots=[folder])
            outside = [d for d in diagnostics if not _inside(d, path, lines)]
            if outside:
                tally.record("outside", f"{outside[0]}\n---\n{text[:3000]}", text)
            if not any(d.severity == "error" for d in diagnostics):
                tally.loaded += 1
                _exercise(v.load_template(path, roots=[folder]), explore_too)
    except _Hang:
        tally.record("hang", text[:3000], text)
    except MemoryError:
        tally.record("memory", text[:3000], text)
    except v.VerantwortungError:
        pass  # TemplateError, TransitionRefused, ReplayError, ...: the contract
    except Exception:
        tally.record("exception", f"{traceback.format_exc()}\n---\n{text[:3000]}", text)


def campaign(seed: int, cases: int, *, seconds: float = 5.0, explore_every: int = 10,
             deadline: float | None = None, keep: Path | None = None) -> Tally:
    """Run ``cases`` mutants from ``seed`` (stopping early at ``deadline``, a monotonic time)."""
    rng = random.Random(seed)
    sources = [(p.read_text(encoding="utf-8"), yaml.safe_load(p.read_text(encoding="utf-8")))
               for p in SOURCES]
    tally = Tally(seed, keep=keep)
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(cases):
            if deadline is not None and time.monotonic() > deadline:
                break
            run_case(mutant(rng, sources), Path(tmp), seconds, n % explore_every == 0, tally)
    return tally


def main(argv: list[str] | None = None) -> int:
    """Run a campaign and print its counts as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="time bound per case")
    parser.add_argument("--memory-mb", type=int, default=1500, help="address space bound")
    parser.add_argument("--out", type=Path, help="write the JSON summary here too")
    parser.add_argument("--keep", type=Path, help="write every failing case to this folder")
    args = parser.parse_args(argv)
    limit = args.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    started = time.monotonic()
    tally = campaign(args.seed, args.cases, seconds=args.seconds, keep=args.keep)
    summary = {**tally.summary(), "elapsed_s": round(time.monotonic() - started)}
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if not any(tally.counts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
