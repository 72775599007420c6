"""Safe YAML reading: positions, YAML 1.2 scalars, and hostile input as diagnostics."""

from __future__ import annotations

import pytest

from verantwortung.io.yaml_source import Limits, Pos, load_yaml_bytes


def _codes(text: str | bytes, limits: Limits | None = None) -> list[tuple[str, int, int]]:
    raw = text.encode() if isinstance(text, str) else text
    doc = load_yaml_bytes(raw, "t.yaml", limits)
    return [(d.code, d.line, d.column) for d in doc.diagnostics]


def test_positions_of_values_and_keys_are_one_based() -> None:
    """Every value and key remembers its 1-based line and column."""
    doc = load_yaml_bytes(b"a:\n  b: [1, {c: x}]\n", "t.yaml")
    assert {"a": {"b": [1, {"c": "x"}]}} == doc.data
    assert Pos(2, 6) == doc.values[("a", "b")]
    assert Pos(2, 3) == doc.keys[("a", "b")]
    assert Pos(2, 14) == doc.values[("a", "b", 1, "c")]
    assert Pos(2, 14) == doc.locate(("a", "b", 1, "c", "missing", 3))


@pytest.mark.parametrize("word", ["on", "off", "yes", "no", "y", "n", "On", "NO"])
def test_yaml11_booleans_stay_strings(word: str) -> None:
    """YAML 1.1 boolean words are plain strings, as keys and as values."""
    doc = load_yaml_bytes(f"{word}: {word}\n".encode(), "t.yaml")
    assert {word: word} == doc.data


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("False", False), ("~", None), ("null", None), ("12", 12), ("-3", -3),
    ("0x1f", 31), ("0o17", 15), ("1.5", 1.5), ("1e3", 1000.0), ("012", 12),
    ("'12'", "12"), ('"true"', "true"), ("!!str 12", "12"), ("1:20", "1:20"),
    ("2014-05-05", "2014-05-05"),
])
def test_core_schema_scalars(text: str, value: object) -> None:
    """Plain scalars follow the YAML 1.2 core schema; quoted ones are strings."""
    doc = load_yaml_bytes(f"k: {text}\n".encode(), "t.yaml")
    assert [] == doc.diagnostics
    assert value == doc.data["k"]
    assert type(value) is type(doc.data["k"])


def test_numeric_keys_stay_strings() -> None:
    """Mapping keys are always strings, so ids never turn into numbers."""
    assert {"1": "a", "true": "b"} == load_yaml_bytes(b"1: a\ntrue: b\n", "t.yaml").data


def test_duplicate_key_reports_the_second_with_the_first_position() -> None:
    """A duplicate key is an error at the second key and names the first."""
    doc = load_yaml_bytes(b"a: 1\nb: 2\na: 3\n", "t.yaml")
    assert [("E006", 3, 1)] == [(d.code, d.line, d.column) for d in doc.diagnostics]
    assert "line 1, column 1" in doc.diagnostics[0].message


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['true']",
    "a: !!python/name:os.system",
    "a: !custom 1",
    "a: !!set {x}",
    "a: !!binary aGVsbG8=",
])
def test_object_tags_are_refused(text: str) -> None:
    """Any tag outside the core schema is an error; nothing is constructed."""
    assert "E007" == _codes(text)[0][0]


def test_tag_that_does_not_fit_its_value() -> None:
    """!!int on a word is an error at the value."""
    assert [("E007", 1, 4)] == _codes("a: !!int many")


def test_anchors_and_aliases_are_copied() -> None:
    """An alias yields an independent copy of the anchored value."""
    doc = load_yaml_bytes(b"a: &x {k: [1]}\nb: *x\n", "t.yaml")
    assert doc.data["a"] == doc.data["b"]
    assert doc.data["a"] is not doc.data["b"]


def test_alias_bomb_is_stopped() -> None:
    """Billion laughs hits the node limit and becomes E009."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{refs}]")
    assert "E009" == _codes("\n".join(lines))[0][0]


def test_deep_nesting_is_stopped() -> None:
    """10,000 nested brackets become E008, not a crash."""
    codes = _codes("a: " + "[" * 10_000 + "]" * 10_000)
    assert "E008" == codes[0][0]


def test_depth_limit_counts_block_mappings() -> None:
    """Block nesting deeper than the limit is E008 at the offending line."""
    text = "".join(f"{'  ' * i}k{i}:\n" for i in range(10)) + "  " * 10 + "x: 1\n"
    assert [("E008", 5, 9)] == _codes(text, Limits(max_depth=4))


def test_size_limit() -> None:
    """A file larger than the limit is E002 and not parsed."""
    assert [("E002", 1, 1)] == _codes(b"a: 1\n" * 100, Limits(max_bytes=50))


def test_non_utf8_points_at_the_bad_byte() -> None:
    """Latin-1 bytes are E003 at the line and column of the first bad byte."""
    assert [("E003", 2, 8)] == _codes("a: 1\nname: Bär\n".encode("latin-1"))


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n", "~\n"])
def test_empty_documents(text: str) -> None:
    """Empty, comment-only and null documents are E004."""
    assert "E004" == _codes(text)[0][0]


@pytest.mark.parametrize(("text", "code"), [
    ("- a\n- b\n", "E010"), ("just text\n", "E010"), ("a: 1\n---\nb: 2\n", "E011"),
    ("a: [1, 2\n", "E005"), ("a: b: c\n", "E005"), ("[a]: 1\n", "E012"),
    ("? {a: 1}\n: 2\n", "E012"),
    ("a: *nothing\n", "E005"), ("<<: {a: 1}\n", "E012"), (": 1\n", "E005"),
])
def test_structural_problems(text: str, code: str) -> None:
    """Lists at the top, several documents, syntax errors and odd keys are located errors."""
    codes = _codes(text)
    assert code == codes[0][0]
    assert codes[0][1] >= 1
    assert codes[0][2] >= 1


def test_utf8_bom_is_accepted() -> None:
    """A UTF-8 byte order mark is skipped."""
    assert {"a": "ä"} == load_yaml_bytes("\ufeffa: ä\n".encode(), "t.yaml").data
