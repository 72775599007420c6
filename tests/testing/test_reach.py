"""final_reachable: can the process still come to a normal end?"""

from __future__ import annotations

from pathlib import Path

import verantwortung as v
from verantwortung.testing.reach import final_reachable

NEW = Path(__file__).parents[2] / "examples" / "migration" / "kreis-1.1.yaml"


def _running(tpl: v.ProcessTemplate) -> v.Process:
    proc = v.Process.start(tpl, region="R", parameters={"min_partners": 1})
    proc.fire("partner_joined", payload={"id": "p1", "title": "F", "kind": "company"})
    proc.fire("start_work")
    return proc


def test_a_process_with_a_way_to_its_end_reaches_it() -> None:
    """From preparation the planner finds data for start_work and finish."""
    proc = v.Process.start(v.load_template(NEW), region="R")
    assert final_reachable(proc)
    assert "preparation" == proc.phase  # the process itself was not changed


def test_a_final_phase_only_abort_reaches_does_not_count(tmp_path: Path) -> None:
    """A finish that can never pass leaves only stop (from every phase): not reachable."""
    never = ("    to: done\n    guards:\n      never:\n        rule: {all: [{count: partners, "
             "min: 2}, {count: partners, max: 1}]}\n        message: {de: nie, en: never}\n")
    path = tmp_path / "kreis.yaml"
    path.write_text(NEW.read_text(encoding="utf-8").replace("    to: done\n", never, 1),
                    encoding="utf-8")
    assert not final_reachable(_running(v.load_template(path)))


def test_a_process_in_a_final_phase_has_reached_it() -> None:
    """A stopped process is at its end already."""
    proc = _running(v.load_template(NEW))
    proc.fire("stop", payload={"reason": "fertig"})
    assert final_reachable(proc)
