"""A template of another process: no method vocabulary, no method warnings, full coverage."""

from __future__ import annotations

from pathlib import Path

import verantwortung as v
from verantwortung.cli import main
from verantwortung.render import diagram, handbook

TEMPLATE = Path(__file__).parent / "schule_wirtschaft.yaml"


def test_it_validates_strictly() -> None:
    """validate --strict passes: a standalone template gets no method-conformance warning."""
    assert [] == v.check_template(TEMPLATE)
    assert 0 == main(["validate", "--strict", str(TEMPLATE)])


def test_check_reaches_every_phase_and_guard(capsys) -> None:  # type: ignore[no-untyped-def]
    """check passes and refuses every guard and reaches every phase with data."""
    assert 0 == main(["check", str(TEMPLATE)])
    out = capsys.readouterr().out
    assert "phases reached with data:  5/5 (100%)" in out
    assert "guards refusable:          4/4 (100%)" in out


def test_handbook_and_diagram_speak_of_its_own_concepts() -> None:
    """The handbook and diagram count school years, never meetings or the method's phases."""
    tpl = v.load_template(TEMPLATE)
    for lang in ("de", "en"):
        text = handbook(tpl, lang=lang) + str(diagram(tpl, fmt="dot", lang=lang))
        for word in ("Treffen", "meeting", "Initiativkreis", "initiative circle", "Auftakt",
                     "kick-off"):
            assert word not in text
    assert "2 bis 3 Schuljahre" in handbook(tpl, lang="de")
