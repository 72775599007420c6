"""Items 2-6: placeholders, bounds, crashes, defaults and positions of hostile templates."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v
from tests.conftest import MINIMAL
from verantwortung.model.text import fill
from verantwortung.render import handbook, report
from verantwortung.render.page import inline_svg
from verantwortung.testing.explore import Budget, explore

GUARDED = MINIMAL.replace(
    "  hold_kickoff: {label: {de: Auftakt, en: Kick-off}, from: preparation, to: kickoff}\n",
    """  hold_kickoff:
    label: {de: Auftakt, en: Kick-off}
    from: preparation
    to: kickoff
    guards:
      too_few:
        rule: {count: partners, min: MIN}
        message: {de: "MESSAGE", en: "{count} partners"}
""") + """collections:
  partners:
    label: {de: Partner, en: Partners}
    fields: {id: {type: id}, name: {type: text, required: false}}
events:
  partner_added: {label: {de: Partner, en: Partner}, adds: partners}
"""


def _guarded(minimum: str = "2", message: str = "{count} Partner") -> str:
    return GUARDED.replace("MIN", minimum).replace("MESSAGE", message)


def _found(write: Any, text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in v.check_template(write(text))]


@pytest.mark.parametrize("placeholder", ["{count:>300000000}", "{min:d}", "{count!r}",
                                         "{count[0]}", "{count.real}"])
def test_a_placeholder_with_a_spec_is_refused_where_it_is_written(write, placeholder: str
                                                                 ) -> None:  # type: ignore[no-untyped-def]
    """Placeholders are names only: anything else is E211 at the message."""
    assert [("E211", 20, 23)] == _found(write, _guarded(message=placeholder))


@given(st.text(max_size=60), st.dictionaries(st.text(max_size=8), st.integers() | st.text()))
def test_filling_a_message_never_raises(text: str, values: dict[str, Any]) -> None:
    """Any text with any values fills without an exception, and no longer than it allows."""
    filled = fill(text, values)
    assert len(filled) <= len(text) + 501 * text.count("{")


def test_a_format_spec_in_a_message_is_literal_text() -> None:
    """A spec that slipped past validation stays text: nothing is padded or formatted."""
    assert "{count:>300000000} and 3" == fill("{count:>300000000} and {count}", {"count": 3})


@pytest.mark.parametrize(("series", "code"), [("{min: 3, max: 50000}", "E306"),
                                               ("{min: 3, max: 3000000}", "E306")])
def test_a_huge_series_is_refused_at_once(write, series: str, code: str) -> None:  # type: ignore[no-untyped-def]
    """A series beyond 20 members is E306 in milliseconds, not a long expansion."""
    started = time.monotonic()
    found = _found(write, MINIMAL.replace("{min: 3, max: 5}", series))
    assert [(code, 8, 13)] == found
    assert time.monotonic() - started < 2


def test_a_huge_series_parameter_is_refused(write) -> None:  # type: ignore[no-untyped-def]
    """A parameter value that would grow a series past its bound is a ParameterError."""
    tpl = v.load_template(write(MINIMAL.replace("{min: 3, max: 5}", "{min: 3, max: {param: m}}")
                                + "parameters:\n  m: {type: int, default: 5}\n"))
    with pytest.raises(v.ParameterError):
        tpl.with_parameters(m=10**9)


@pytest.mark.parametrize("minimum", [".inf", ".nan", "1e400", "10000000000"])
def test_an_unbounded_threshold_is_refused(write, minimum: str) -> None:  # type: ignore[no-untyped-def]
    """Thresholds are finite and at most a billion: E104/E103 at the value."""
    found = _found(write, _guarded(minimum=minimum))
    assert [(19, 38)] == sorted({(line, col) for _, line, col in found})


def test_check_stops_at_its_budget_and_says_so(write) -> None:  # type: ignore[no-untyped-def]
    """A guard that needs a million records ends check with W402 within the budget."""
    tpl = v.load_template(write(_guarded(minimum="1000000")))
    started = time.monotonic()
    result = explore(tpl, budget=Budget(fires=2000, seconds=5))
    assert time.monotonic() - started < 15
    assert ["W402"] == [f.code for f in result.findings if f.code == "W402"]


def test_an_over_long_text_is_refused(write) -> None:  # type: ignore[no-untyped-def]
    """A label of 100,000 characters is E104 at the label, not a broken diagram."""
    found = _found(write, MINIMAL.replace("title: {de: Mini, en: Mini}",
                                          "title: {de: Mini, en: " + "x" * 100_000 + "}"))
    assert [("E104", 3, 23)] == found


def test_a_4300_digit_version_is_a_diagnostic(write) -> None:  # type: ignore[no-untyped-def]
    """A number literal of thousands of digits is E007 at it, not a ValueError."""
    found = _found(write, MINIMAL.replace('version: "1"', "version: 0x" + "f" * 5000))
    assert [("E007", 2, 10)] == found


def test_a_backslash_in_a_title_renders(write) -> None:  # type: ignore[no-untyped-def]
    """User text is never a regex replacement: 'Region A\\B' renders in the report."""
    tpl = v.load_template(write(MINIMAL.replace("{de: Mini, en: Mini}",
                                                "{de: 'Region A\\B', en: 'A\\g<0>\\1'}")))
    proc = v.Process.start(tpl, region="R")
    assert "Region A\\B" in report(proc, lang="de", graphviz=False)
    assert 'aria-label="A\\g&lt;0&gt;\\1"' in inline_svg('<svg width="1" height="1"></svg>',
                                                          label="A\\g<0>\\1")


def test_a_reference_to_a_collection_without_ids_is_refused(write) -> None:  # type: ignore[no-untyped-def]
    """A ref to a collection without an 'id' field is E206 at 'to', not a KeyError in check."""
    text = MINIMAL + """collections:
  notes:
    label: {de: N, en: N}
    fields: {text: {type: text}}
  links:
    label: {de: L, en: L}
    fields: {note: {type: ref, to: notes}}
"""
    assert [("E206", 27, 36)] == _found(write, text)


def test_a_refs_field_with_a_negative_minimum_is_refused(write) -> None:  # type: ignore[no-untyped-def]
    """``refs ... min: -1`` is E104 at the field, not a pydantic SchemaError."""
    text = MINIMAL + """collections:
  partners:
    label: {de: P, en: P}
    fields: {id: {type: id}, friends: {type: refs, to: partners, min: -1}}
"""
    assert [("E104", 24, 39)] == _found(write, text)


@pytest.mark.parametrize(("field", "default"), [
    ("{type: text, default: 5}", "5"), ("{type: int, max: 3, default: 9}", "9"),
    ("{type: choice, values: [a, b], default: c}", "c"), ("{type: date, default: soon}", "soon"),
    ("{type: bool, default: 'yes'}", "yes"),
])
def test_a_default_that_does_not_fit_its_field_is_refused(write, field: str, default: str
                                                          ) -> None:  # type: ignore[no-untyped-def]
    """Validation refuses a default its own field would refuse (else replay breaks)."""
    text = MINIMAL.replace(
        "  hold_kickoff: {label: {de: Auftakt, en: Kick-off}, from: preparation, to: kickoff}",
        "  hold_kickoff:\n    label: {de: Auftakt, en: Kick-off}\n    from: preparation\n"
        f"    to: kickoff\n    payload:\n      note: {field}")
    found = v.check_template(write(text))
    assert ["E104"] == [d.code for d in found]
    assert default in found[0].message


def test_a_stored_event_always_replays(write) -> None:  # type: ignore[no-untyped-def]
    """The payload a fire stores passes its own validator: replay gives the same process."""
    tpl = v.load_template(write(_guarded(minimum="0")))
    proc = v.Process.start(tpl, region="R", at="2012-01-01")
    proc.fire("partner_added", payload={"id": "p1", "name": "Ｃａｆé\r\nBar"}, at="2012-01-02")
    assert proc == v.Process.replay(tpl, proc.history)


def test_a_control_character_is_reported_where_it_is(tmp_path: Path) -> None:
    """A control character on line 5 is E005 at line 5, in one line without a stray position."""
    path = tmp_path / "t.yaml"
    path.write_bytes(MINIMAL.encode().replace(b"preparation: {initial", b"prep\x07: {initial", 1))
    found = v.check_template(path)
    assert [("E005", 5, 7)] == [(d.code, d.line, d.column) for d in found]
    assert "\n" not in found[0].message
    assert "position" not in found[0].message


@pytest.mark.parametrize("text", ["id: x\nversion: '1'\nphases: {a: 1,\n",
                                  "a: [1,", "a: {b: 1,\n  c: 2\nd: 3\n", "a: 'open\n"])
def test_a_truncated_file_is_reported_inside_it(tmp_path: Path, text: str) -> None:
    """A diagnostic never names a line or column past the end of the file."""
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.rstrip("\n").split("\n")
    for d in v.check_template(path):
        assert 1 <= d.line <= len(lines)
        assert 1 <= d.column <= len(lines[d.line - 1]) + 1


def _largest(write) -> v.ProcessTemplate:  # type: ignore[no-untyped-def]
    """A template at every bound: a 20-member series, 2,000-character texts."""
    long = "x" * 2000
    text = (MINIMAL.replace("{min: 3, max: 5}", "{min: 3, max: 20}")
            .replace("{de: Mini, en: Mini}", f"{{de: {long}, en: {long}}}"))
    return v.load_template(write(text))


def test_the_largest_valid_template_renders_within_seconds(write) -> None:  # type: ignore[no-untyped-def]
    """A template at every bound (20-member series, 2,000-character texts) renders fast."""
    tpl = _largest(write)
    tracemalloc.start()
    started = time.monotonic()
    handbook(tpl, fmt="html", graphviz=False)
    v.Process.start(tpl, region="R").options()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 200 * 1024 * 1024


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_the_largest_valid_template_lays_out_with_graphviz_within_its_bound(write) -> None:  # type: ignore[no-untyped-def]
    """With Graphviz, the diagram of a template at every bound is laid out well within
    the time the renderer allows dot (a slower layout is a GraphvizError, never a hang)."""
    tpl = _largest(write)
    started = time.monotonic()
    page = handbook(tpl, fmt="html", graphviz=True)
    assert time.monotonic() - started < 30
    assert "<svg" in page
