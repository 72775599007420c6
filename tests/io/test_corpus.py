"""The broken-template corpus: every diagnostic pinned to its code, line and column.

Each ``tests/io/corpus/*.yaml`` starts with comment lines that state every diagnostic
expected from it, errors and warnings alike::

    # expect: E201 18:9
    # expect: E402 2:10 in extends/cycle.base.yaml   (a diagnostic located in another file)
    # expect: nothing                               (a valid template)

Helper files that corpus entries extend live in ``tests/io/corpus/extends/`` and are not
collected themselves. The second half of this module feeds hostile input (huge files,
alias bombs, deep nesting, foreign encodings, object tags) generated in ``tmp_path``.
"""

from __future__ import annotations

import re
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import verantwortung
from verantwortung.cli import main
from verantwortung.io.codes import CODES

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(CORPUS.glob("*.yaml"))
EXPECT = re.compile(r"# expect: (?:(?P<nothing>nothing)|(?P<code>[A-Z]\d{3}) (?P<line>\d+):"
                    r"(?P<col>\d+)(?: in (?P<file>\S+))?)\s*\Z")

Key = tuple[str, int, int, str]  # code, line, column, file relative to the corpus folder


def expectations(path: Path) -> list[Key]:
    """The ``# expect:`` lines of a corpus file as sorted (code, line, column, file)."""
    found: list[Key] = []
    nothing = False
    # latin-1 decodes any bytes, so files that are deliberately not UTF-8 can be read too
    for text in path.read_bytes().decode("latin-1").splitlines():
        if not text.startswith("# expect"):
            continue
        match = EXPECT.match(text)
        assert match is not None, f"{path.name}: malformed expectation {text!r}"
        if match["nothing"]:
            nothing = True
            continue
        found.append((match["code"], int(match["line"]), int(match["col"]),
                      match["file"] or path.name))
    assert found or nothing, f"{path.name}: no '# expect:' line (write '# expect: nothing')"
    assert not (found and nothing), f"{path.name}: 'nothing' next to expectations"
    return sorted(found)


def relative(shown: str, cwd: Path = CORPUS) -> str:
    """A diagnostic's path relative to the corpus folder (paths may be shown relative)."""
    path = Path(shown)
    path = (path if path.is_absolute() else cwd / path).resolve()
    return path.relative_to(CORPUS.resolve()).as_posix() if path.is_relative_to(
        CORPUS.resolve()) else str(path)


def actual_of(path: Path) -> list[Key]:
    """What check_template reports for a corpus file, as sorted (code, line, column, file)."""
    return sorted((d.code, d.line, d.column, relative(d.path, Path.cwd()))
                  for d in verantwortung.check_template(path))


def has_errors(keys: list[Key]) -> bool:
    """True when any of ``keys`` is an error code."""
    return any(code.startswith("E") for code, *_ in keys)


corpus = pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])


# -- the corpus ----------------------------------------------------------------------------


def test_corpus_is_large_enough() -> None:
    """The corpus holds at least 40 templates and every one states its expectations."""
    assert len(CASES) >= 40
    for path in CASES:
        expectations(path)


def test_corpus_covers_the_codes() -> None:
    """Every diagnostic code a template file can cause appears in some corpus expectation."""
    # E001 (unreadable) and E002 (too large) cannot be committed as small files: they are
    # covered by the hostile-input tests below. C-codes and W401-W403 come from exploring a
    # template with data (`verantwortung check`), tested in tests/testing/test_explore.py;
    # S-codes are about scenario files, pinned by tests/testing/scenarios/.
    not_in_corpus = {"E001", "E002", "W401", "W402", "W403"} | {
        c for c in CODES if c[0] in "CS"}
    covered = {code for path in CASES for code, *_ in expectations(path)}
    assert set(CODES) - not_in_corpus == covered - not_in_corpus


@corpus
def test_diagnostics_match_expectations(path: Path) -> None:
    """check_template reports exactly the expected codes at the expected lines and columns."""
    expected = expectations(path)
    actual = actual_of(path)
    assert expected == actual


@corpus
def test_emitted_codes_are_documented(path: Path) -> None:
    """Every code check_template emits is listed in verantwortung.io.codes.CODES."""
    expected: set[str] = set()
    actual = {d.code for d in verantwortung.check_template(path)} - set(CODES)
    assert expected == actual


@corpus
def test_severity_follows_the_code(path: Path) -> None:
    """Each diagnostic's severity is 'error' for E-codes and 'warning' for W-codes."""
    diagnostics = verantwortung.check_template(path)
    expected = ["error" if d.code.startswith("E") else "warning" for d in diagnostics]
    actual = [d.severity for d in diagnostics]
    assert expected == actual


@corpus
def test_load_raises_exactly_on_errors(path: Path) -> None:
    """load_template raises TemplateError exactly when an error code is expected."""
    expected = has_errors(expectations(path))
    diagnostics: tuple[verantwortung.Diagnostic, ...] | None = None
    try:
        verantwortung.load_template(path)
    except verantwortung.TemplateError as exc:
        diagnostics = exc.diagnostics
    assert expected == (diagnostics is not None)
    assert diagnostics != (), "a TemplateError without diagnostics"


@corpus
def test_cli_validate_reports_the_corpus(path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`verantwortung validate` prints one PATH:LINE:COL: CODE line per diagnostic and exits
    1 exactly when errors are expected."""
    monkeypatch.chdir(CORPUS)
    keys = expectations(path)
    code = main(["validate", path.name])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert (1 if has_errors(keys) else 0) == code
    names = "|".join(re.escape(name) for name in sorted({path.name, *(k[3] for k in keys)}))
    line = re.compile(rf"^(?:{names}):(\d+):(\d+): ([EW]\d{{3}}) .+$")
    printed = out.splitlines()
    for text in printed:
        assert line.match(text), f"unexpected output line {text!r}"
    expected = Counter(f"{file}:{ln}:{col}: {c}" for c, ln, col, file in keys)
    actual = Counter(text.split(" ", 2)[0] + " " + text.split(" ", 2)[1] for text in printed)
    assert expected == actual


def test_yaml11_booleans_stay_strings() -> None:
    """A phase called `on` stays a phase id and a value `no` stays the string 'no'."""
    tpl = verantwortung.load_template(CORPUS / "yaml11_booleans.yaml")
    assert "on" in [p.id for p in tpl.phases]
    consent = tpl.document.collections["partners"].fields["consent"]
    assert ["yes", "no"] == consent.values
    rule = tpl.document.triggers["pause"].guards["no_consent"].rule
    assert {"consent": "no"} == rule.where


# -- hostile input ---------------------------------------------------------------------------

TIME_LIMIT = 5.0  # seconds, per input
MEMORY_LIMIT = 50 * 1024 * 1024  # bytes of peak traced memory


def _big(path: Path) -> None:
    """60 MB of a template whose description never ends."""
    chunk = ("    Eine sehr lange Beschreibung der Region. " * 23 + "\n").encode()
    with path.open("wb") as fh:
        fh.write(b'id: gross\nversion: "1.0"\ndescription:\n  de: >-\n')
        for _ in range(60 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)


def _alias_bomb(path: Path) -> None:
    """Billion laughs: ten levels, each alias repeated ten times (10**10 values)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _deep_flow(path: Path) -> None:
    """10,000 nested flow lists."""
    path.write_text("id: tief\nphases: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")


def _deep_block_mappings(path: Path) -> None:
    """10,000 nested block mappings, indented by one space per level."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id: tief\nphases:\n")
        for level in range(1, 10_001):
            fh.write(" " * level + f"p{level}:\n")
        fh.write(" " * 10_001 + "label: tief\n")


def _deep_block_mappings_small(path: Path) -> None:
    """1,500 nested block mappings: deep, yet within the file size limit."""
    path.write_text("id: tief\nphases:\n" + "".join(
        " " * level + "p:\n" for level in range(1, 1_501)) + " " * 1_501 + "x: 1\n",
        encoding="utf-8")


def _deep_block_sequences(path: Path) -> None:
    """10,000 nested block sequences in compact form: - - - - ... 1."""
    path.write_text("id: tief\nphases:\n  " + "- " * 10_000 + "1\n", encoding="utf-8")


def _latin1(path: Path) -> None:
    """A template saved as Latin-1: umlauts that are not UTF-8."""
    path.write_bytes('id: muenchen\nversion: "1.0"\ntitle: {de: Verantwortungspartner '
                     'Würzburg für Bürger, en: Würzburg}\n'.encode("latin-1"))


def _utf16(path: Path) -> None:
    """A template saved as UTF-16 (with byte order mark)."""
    path.write_bytes('id: utf16\nversion: "1.0"\ntitle: {de: Äpfel, en: Apples}\n'
                     .encode("utf-16"))


def _empty(path: Path) -> None:
    """A file of zero bytes."""
    path.write_bytes(b"")


def _top_level_list(path: Path) -> None:
    """A list where a mapping belongs."""
    path.write_text("- id: liste\n- version: '1.0'\n", encoding="utf-8")


def _object_tag(path: Path) -> None:
    """A python object tag that would run a shell command."""
    marker = path.parent / "pwned"
    path.write_text(f'id: !!python/object/apply:os.system ["touch {marker}"]\n',
                    encoding="utf-8")


def _duplicate_keys(path: Path) -> None:
    """The same key twice at the top level."""
    path.write_text('id: eins\nversion: "1.0"\nid: zwei\n', encoding="utf-8")


HOSTILE: dict[str, Callable[[Path], None]] = {
    "big_60mb": _big,
    "alias_bomb": _alias_bomb,
    "deep_flow": _deep_flow,
    "deep_block_mappings": _deep_block_mappings,
    "deep_block_mappings_small": _deep_block_mappings_small,
    "deep_block_sequences": _deep_block_sequences,
    "latin1": _latin1,
    "utf16": _utf16,
    "empty": _empty,
    "top_level_list": _top_level_list,
    "object_tag": _object_tag,
    "duplicate_keys": _duplicate_keys,
}
hostile = pytest.mark.parametrize("name", sorted(HOSTILE))


def _make(name: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{name}.yaml"
    HOSTILE[name](path)
    return path


@hostile
def test_hostile_input_gives_located_error_quickly(name: str, tmp_path: Path) -> None:
    """check_template turns hostile input into a located error within the time limit."""
    path = _make(name, tmp_path)
    start = time.perf_counter()
    diagnostics = verantwortung.check_template(path)
    elapsed = time.perf_counter() - start
    errors = [d for d in diagnostics if d.severity == "error"]
    assert errors, f"no error for {name}"
    assert all(d.line >= 1 and d.column >= 1 for d in errors)
    assert elapsed < TIME_LIMIT


@hostile
def test_hostile_input_fails_the_cli_without_traceback(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`verantwortung validate` exits 1 on hostile input, quickly and without a traceback."""
    path = _make(name, tmp_path)
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    code = main(["validate", path.name])
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert 1 == code
    assert "Traceback" not in out + err
    line = re.compile(rf"^{re.escape(path.name)}:\d+:\d+: E\d{{3}} .+$")
    assert out.splitlines()
    for text in out.splitlines():
        assert line.match(text), f"unexpected output line {text!r}"
    assert elapsed < TIME_LIMIT


@pytest.mark.parametrize("name", ["big_60mb", "alias_bomb"])
def test_hostile_input_memory_is_bounded(name: str, tmp_path: Path) -> None:
    """Checking a 60 MB file or an alias bomb keeps peak traced memory below 50 MB."""
    path = _make(name, tmp_path)
    tracemalloc.start()
    try:
        diagnostics = verantwortung.check_template(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert any(d.severity == "error" for d in diagnostics)
    assert peak < MEMORY_LIMIT


@pytest.mark.parametrize(("name", "code"), [
    ("big_60mb", "E002"), ("alias_bomb", "E009"), ("deep_flow", "E008"),
    ("deep_block_mappings_small", "E008"), ("deep_block_sequences", "E008"),
    ("latin1", "E003"), ("utf16", "E003"), ("empty", "E004"), ("top_level_list", "E010"),
    ("object_tag", "E007"), ("duplicate_keys", "E006"),
])
def test_hostile_input_gets_its_code(name: str, code: str, tmp_path: Path) -> None:
    """Each hostile input is reported with the code that names its problem."""
    path = _make(name, tmp_path)
    expected = code
    actual = verantwortung.check_template(path)[0].code
    assert expected == actual


def test_object_tag_runs_no_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An !!python/object/apply tag is refused and its command never runs."""
    path = _make("object_tag", tmp_path)
    marker = tmp_path / "pwned"
    assert ["E007"] == [d.code for d in verantwortung.check_template(path)]
    with pytest.raises(verantwortung.TemplateError):
        verantwortung.load_template(path)
    assert 1 == main(["validate", str(path)])
    capsys.readouterr()
    assert not marker.exists()


def test_missing_file_is_located() -> None:
    """A path that does not exist is reported as E001 at 1:1, not raised."""
    missing = CORPUS / "does-not-exist.yaml"
    expected = [("E001", 1, 1)]
    actual = [(d.code, d.line, d.column) for d in verantwortung.check_template(missing)]
    assert expected == actual
