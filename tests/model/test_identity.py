"""Template identity: the semantic digest ignores wording and sees every rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.model.identity import (
    semantic_content,
    semantic_differences,
    semantic_digest,
)
from verantwortung.model.specs import Text

# a released version that never changes again: the edits below are made to a copy of it
BUNDLED = Path(__file__).parents[2] / "process_templates" / "verantwortungspartner-1.0.yaml"

#: The semantic digest of every bundled template version. A change of what a bundled
#: template does needs a new version (and a migrates_from plan for the old one); then
#: add the new version's digest here. Never change a digest of a released version.
DIGESTS = {
    ("verantwortungspartner", "1.0"):
        "298393384dc2194476672ed412611f3ef229f14bc2e2e7623b39286b109948d5",
    ("verantwortungspartner", "2.0"):
        "d87ac2a209b1071edf09678ec9a9de5797830ecc84308d305df5d04de3edac2e",
    ("verantwortungspartner-thueringen", "1.0"):
        "9c2663e957f38d4d9a3023c1547741e0f3295f5b902c810a7ed748b0b127ee61",
    ("verantwortungspartner-thueringen", "2.0"):
        "3c87fad839fd9efcdedcb44387c5b710967152ae9fc075a59947756ad3c19d7b",
}


@pytest.mark.parametrize(("name", "version"), [
    (name, version) for name in v.bundled_templates() for version in v.bundled_versions(name)])
def test_bundled_templates_change_what_they_do_only_with_a_new_version(
        name: str, version: str) -> None:
    """Each shipped version of a bundled template has the digest recorded for it."""
    tpl = v.load_template(name, version=version)
    key = (name, tpl.version)
    assert key in DIGESTS, f"{name} {tpl.version} is new: record its digest in DIGESTS"
    assert DIGESTS[key] == tpl.digest
    assert DIGESTS[key] == semantic_digest(tpl.document), (
        f"{name} {tpl.version} changed what it does without a new version: give it a new "
        "version and a migration plan, or undo the change")


def _edited(tmp_path: Path, old: str, new: str) -> v.ProcessTemplate:
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return v.load_template(path)


@pytest.mark.parametrize(("old", "new"), [
    ("Mindestzahl Unternehmen im Initiativkreis", "Mindestanzahl der Unternehmen"),
    ("mindestens {min} sind nötig", "nötig sind mindestens {min}"),
])
def test_a_wording_fix_keeps_the_digest(tmp_path: Path, old: str, new: str) -> None:
    """Labels, descriptions and messages are not part of what a template is."""
    tpl = _edited(tmp_path, old, new)
    assert semantic_digest(v.load_template(BUNDLED).document) == semantic_digest(tpl.document)


def test_a_new_optional_key_of_the_format_keeps_every_digest() -> None:
    """Keys left at their defaults are not part of the content: a new optional key of the
    format does not make every stored template look changed."""
    kreis = v.load_template(BUNDLED.parents[1] / "examples" / "migration" / "kreis-1.0.yaml")
    content = semantic_content(kreis.document)
    assert {"deadlines", "invariants", "indicators", "roles"}.isdisjoint(content)
    assert {"id", "version", "phases", "triggers", "events"} <= set(content)


@pytest.mark.parametrize(("old", "new", "named"), [
    ("    default: 5\n", "    default: 6\n", "parameters.circle_min_companies.default: 5 -> 6"),
    ("  note_added:\n", "  remark_added:\n", "events.note_added: removed"),
    ("min: {param: circle_min_companies}}", "min: 4}", "circle_too_small.rule.min"),
])
def test_a_semantic_edit_changes_the_digest_and_names_the_difference(
        tmp_path: Path, old: str, new: str, named: str) -> None:
    """A rule, event or parameter default edited: another digest, and the change named."""
    base = v.load_template(BUNDLED)
    tpl = _edited(tmp_path, old, new)
    assert semantic_digest(base.document) != semantic_digest(tpl.document)
    assert any(named in line for line in semantic_differences(base.document, tpl.document))


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_title_and_phase_label_keep_the_digest(de: str, en: str) -> None:
    """For every wording of the title and of a phase label, the digest stays."""
    doc = v.load_template(BUNDLED).document
    phase = doc.phases["kickoff"].model_copy(update={"label": Text(de=de, en=en)})
    other = doc.model_copy(update={"title": Text(de=de, en=en),
                                   "phases": {**doc.phases, "kickoff": phase}})
    assert semantic_digest(doc) == semantic_digest(other)


def test_the_start_event_records_the_digest_and_replay_checks_it(tmp_path: Path) -> None:
    """A history of the old content does not replay under an edited, unbumped template."""
    proc = v.Process.start(v.load_template(BUNDLED), region="R")
    assert semantic_digest(proc.template.document) == proc.history[0].payload[
        "template_digest"]
    edited = _edited(tmp_path, "    default: 5\n", "    default: 6\n")
    with pytest.raises(v.ReplayError, match="changed without a new version"):
        v.Process.replay(edited, proc.history)
    relabelled = _edited(tmp_path, "Mindestzahl Unternehmen", "Mindestanzahl Unternehmen")
    assert proc == v.Process.replay(relabelled, proc.history)


def test_the_differences_are_bounded() -> None:
    """Many differences are cut to the limit and a count of the rest."""
    a = v.load_template(BUNDLED).document
    b = a.model_copy(update={"parameters": {
        k: p.model_copy(update={"max": 999}) for k, p in a.parameters.items()}})
    found = semantic_differences(a, b, limit=3)
    assert 4 == len(found)
    assert found[-1].startswith("... and ")
