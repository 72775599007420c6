"""A broken element does not hide the problems elsewhere in the same file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v
from tests.conftest import MINIMAL

PHASES = ["preparation", "kickoff", "milestone", "closing", "consolidation"]
UNKNOWN_PARAMETER = """\
  abort:
    label: {de: Abbrechen, en: Abort}
    from: "*"
    to: consolidation
    guards:
      few:
        rule: {count: phases_entered, min: {param: nope}}
        message: {de: Zu wenige., en: Too few.}
"""


def _codes(path: Path) -> list[str]:
    return sorted(d.code for d in v.check_template(path) if d.severity == "error")


def _template(broken: set[str]) -> str:
    """The phases of MINIMAL in a template whose ``broken`` phases have a bare text label."""
    lines = ['id: mini\nversion: "1"\ntitle: {de: Mini, en: Mini}\nphases:\n']
    for pid in PHASES:
        label = "kaputt" if pid in broken else "{de: Phase, en: Phase}"
        flags = {"preparation": "\n    initial: true", "consolidation": "\n    final: true",
                 "milestone": "\n    series: {min: 3, max: 5}"}.get(pid, "")
        lines.append(f"  {pid}:\n    label: {label}{flags}\n")
    triggers = MINIMAL[MINIMAL.index("triggers:"):]
    return "".join(lines) + triggers + UNKNOWN_PARAMETER


@given(st.sets(st.sampled_from(PHASES)))
def test_broken_phase_labels_keep_the_reference_errors(tmp_path_factory, phases) -> None:  # type: ignore[no-untyped-def]
    """However many phase labels are bare texts, each is one E103 and the unknown
    parameter is still reported, with no other error."""
    path = tmp_path_factory.mktemp("partial") / "t.yaml"
    path.write_text(_template(phases), encoding="utf-8")
    expected = sorted(["E103"] * len(phases) + ["E204"])
    assert expected == _codes(path)


def test_a_broken_parameter_is_still_known_to_its_references(write) -> None:  # type: ignore[no-untyped-def]
    """A parameter with an invalid type is one error; a guard using it is not E204."""
    path = write(MINIMAL + UNKNOWN_PARAMETER + "parameters:\n  nope: {type: integer, default: 3}\n")
    expected = ["E104"]
    assert expected == _codes(path)


def test_a_broken_phase_is_still_a_phase_for_its_triggers(write) -> None:  # type: ignore[no-untyped-def]
    """Triggers that name a phase whose definition is broken get no 'unknown phase'."""
    path = write(MINIMAL.replace("  closing: {label: {de: Abschluss, en: Closing}}",
                                 "  closing: {label: {de: Abschluss, en: Closing}, lable: x}"))
    expected = ["E101"]
    assert expected == _codes(path)


def test_a_section_that_is_not_a_mapping_stops_the_reference_checks(write) -> None:  # type: ignore[no-untyped-def]
    """When 'phases' itself is broken, only that is reported: every reference needs it."""
    path = write('id: x\nversion: "1"\ntitle: {de: X, en: X}\nphases: [a, b]\n'
                 "triggers:\n  go: {label: {de: Los, en: Go}, from: a, to: c}\n")
    expected = ["E103"]
    assert expected == _codes(path)
