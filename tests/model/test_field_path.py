"""The one resolver of field paths: through references, and why a path leads nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

import verantwortung as v
from tests.conftest import SHIPPED_TEMPLATES
from verantwortung.model.document import BUILTIN_COLLECTIONS, CollectionSpec, FieldSpec
from verantwortung.model.field_path import path_field, resolve_field
from verantwortung.model.rule_walk import walk
from verantwortung.model.rules import CountRule

COLLECTIONS = {
    "partners": CollectionSpec.model_validate({"label": {"de": "X", "en": "X"}, "fields": {
        "id": {"type": "id"}, "kind": {"type": "choice", "values": ["company", "other"]},
        "host": {"type": "ref", "to": "nowhere"}}}),
    "circle": CollectionSpec.model_validate({"label": {"de": "X", "en": "X"}, "fields": {
        "partner": {"type": "ref", "to": "partners"}, "speaker": {"type": "bool"}}}),
}


def test_a_path_follows_references() -> None:
    """partner.kind within circle ends in the kind of the partner a member names."""
    found = resolve_field(COLLECTIONS, "circle", "partner.kind")
    assert None is found.problem
    assert COLLECTIONS["partners"].fields["kind"] is found.field
    assert (COLLECTIONS["circle"].fields["partner"], found.field) == found.specs


@pytest.mark.parametrize(("collection", "path", "problem", "where", "rest"), [
    ("circle", "role", "unknown_field", "circle", "role"),
    ("circle", "partner.size", "unknown_field", "partners", "size"),
    ("circle", "speaker.x", "not_a_reference", "circle", "speaker.x"),
    ("circle", "partner.kind.x", "not_a_reference", "partners", "kind.x"),
    ("circle", "partner.host.x", "unknown_target", "nowhere", "x"),
    ("themes", "title", "unknown_collection", "themes", "title"),
])
def test_a_path_that_leads_nowhere_says_where_and_why(collection: str, path: str, problem: str,
                                                      where: str, rest: str) -> None:
    """The problem, the collection it is in and the rest of the path from there."""
    found = resolve_field(COLLECTIONS, collection, path)
    assert (problem, where, rest) == (found.problem, found.collection, found.rest)
    assert None is found.field
    assert rest.partition(".")[0] == found.name


def test_a_rule_path_reads_the_payload_or_a_record() -> None:
    """payload.x comes from the payload's fields; record.field from the collections."""
    reason = FieldSpec.model_validate({"type": "text"})
    assert reason is path_field("payload.reason", COLLECTIONS, {"reason": reason})
    assert None is path_field("payload.other", COLLECTIONS, {"reason": reason})
    assert COLLECTIONS["circle"].fields["speaker"] is path_field("circle.speaker",
                                                                  COLLECTIONS, {})
    assert None is path_field("circle", COLLECTIONS, {})  # a whole record has no field spec


@pytest.mark.parametrize("path", SHIPPED_TEMPLATES, ids=lambda p: p.name)
def test_every_filter_of_a_shipped_template_resolves(path: Path) -> None:
    """Each where: path of each count in a shipped template leads to a field."""
    tpl = v.load_template(path)
    collections = {**BUILTIN_COLLECTIONS, **tpl.collections}
    checks = [*(g for t in tpl.transitions for g in (*t.guards, *t.advisories)),
              *(g for e in tpl.events for g in e.guards), *tpl.invariants, *tpl.deadlines]
    counts = [n for c in checks for n in walk(c.spec.rule) if isinstance(n, CountRule)]
    assert counts
    for rule in counts:
        for key in rule.where:
            assert None is resolve_field(collections, rule.count, key).problem, (rule, key)
