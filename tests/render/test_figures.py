"""Key figures: from the template's indicators, or generic; indicators described in words."""

from __future__ import annotations

import re

import pytest

import verantwortung as v
from tests.conftest import ROOT
from verantwortung.render import handbook
from verantwortung.render.figures import describe, figures

MUSTER = v.load_template(ROOT / "examples" / "custom_template" / "musterstadt.yaml")
SCHOOL = v.load_template(ROOT / "examples" / "school_partnership" / "schule_wirtschaft.yaml")


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("tpl", [MUSTER, SCHOOL], ids=lambda t: t.id)
def test_every_indicator_is_described_without_ids(tpl: v.ProcessTemplate, lang: str) -> None:
    """Each description is one sentence with no raw id (no underscore, no Python quotes)."""
    for ind in tpl.indicators:
        text = describe(tpl, ind.spec, lang)
        assert text.endswith(".")
        assert text[0].isupper()
        assert "_" not in text, text
        assert "'" not in text, text


def test_a_spread_reads_as_a_sentence() -> None:
    """Cross-sector teams: the target collection and field by their labels."""
    spec = next(i.spec for i in MUSTER.indicators if i.code == "cross_sector_teams")
    assert ("Anzahl der Einträge in „Projektteams“, die auf Einträge in „Partner“ mit "
            "mindestens 2 verschiedenen Werten von „Art“ verweisen.") == describe(
                MUSTER, spec, "de")
    assert ("The number of entries in Project teams that refer to entries in Partners with "
            "at least 2 different values of kind.") == describe(MUSTER, spec, "en")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_handbook_lists_the_indicators(lang: str) -> None:
    """A section of key figures with every indicator's label; none without indicators."""
    text = handbook(MUSTER, lang)
    heading = "## Kennzahlen" if lang == "de" else "## Key figures"
    assert heading in text
    assert all(i.spec.label.get(lang) in text for i in MUSTER.indicators)
    assert heading not in handbook(v.load_template("verantwortungspartner", version="1.0"), lang)


def test_generic_figures_leave_out_single_records() -> None:
    """Without indicators: one figure per list collection, labelled by the template."""
    proc = v.Process.start(v.load_template("verantwortungspartner", version="1.0"), region="X")
    labels = [f.label for f in figures(proc, "de")]
    assert "Partner" in labels
    assert "Prozessbegleitung" not in labels
    assert not any(re.search(r"[a-z]_[a-z]", label) for label in labels)
