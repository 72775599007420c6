"""Limits checked before the database, and imports validated like a replay."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import verantwortung as v

TPL = v.load_template("verantwortungspartner")


def _export() -> dict[str, Any]:
    proc = v.Process.start(TPL, region="Trier", at="2014-01-01")
    proc.fire("partner_added", payload={"id": "p1", "name": "A", "kind": "company"})
    return json.loads(proc.to_json())  # type: ignore[no-any-return]


def _event(n: int, **changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["history"][n].update(changes)


@pytest.mark.parametrize(("mangle", "words"), [
    (lambda d: d.update(template_version="9.9"), "written by template"),
    (_event(1, template_version="9.9"), "event 2 was written by template"),
    (lambda d: d["state"]["records"].update(partners=[]), "state is not what its history"),
    (lambda d: d.update(phase="kickoff"), "export says phase"),
    (_event(1, seq="2"), "'seq' must be a whole number"),
    (_event(1, seq=2.0), "'seq' must be a whole number"),
    (_event(0, seq=True), "'seq' must be a whole number"),
    (_event(1, at="2014-01-02T00:00:00"), "with a zone"),
    (lambda d: d.update(id="another"), "is not the process"),
    (_event(1, id="same"), None),
])
def test_forged_exports_are_refused_with_a_reason(tmp_path: Path, mangle: Any,
                                                  words: str | None) -> None:
    """An import is validated like a replay: forged fields are a ReplayError that says so."""
    data = _export()
    mangle(data)
    if words is None:  # the same id twice in one history
        data["history"][0]["id"] = "same"
        words = "more than once"
    with v.EventStore(f"sqlite:///{tmp_path / 's.sqlite3'}") as store:
        with pytest.raises(v.ReplayError, match=words):
            store.import_process(data)
        assert 0 == store.count()


@pytest.mark.parametrize("process_id", ["../etc", "a/b", "nul\x00id", "line\nbreak", "x" * 65])
def test_process_ids_that_are_not_plain_names_are_refused(store_url: str,
                                                          process_id: str) -> None:
    """A process id with a path part, a control character or too long is a StoreError."""
    proc = v.Process.start(TPL, region="Trier", process_id=process_id)
    with v.EventStore(store_url) as store:
        with pytest.raises(v.StoreError, match="process id"):
            store.add(proc)
        assert 0 == store.count()


def test_a_copy_of_an_export_under_another_id_says_which_event_clashes(store_url: str
                                                                       ) -> None:
    """Events already stored under another process are named, not 'process X is stored'."""
    data = _export()
    with v.EventStore(store_url) as store:
        store.import_process(data)
        copy = json.loads(json.dumps(data))
        for event in copy["history"]:
            event["process"] = "copy"
        copy["id"] = "copy"
        copy.pop("state")
        with pytest.raises(v.StoreError, match="is stored already, in process") as info:
            store.import_process(copy)
        assert "copy is already stored" not in str(info.value)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("template_version", "1" * 40, "template version has 40 characters"),
    ("actor", "facilitator:\x00", "actor holds a NUL"),
    ("kind", "k" * 70, "event kind has 70 characters"),
])
def test_the_same_limits_on_every_backend(store_url: str, field: str, value: str,
                                          words: str) -> None:
    """Texts PostgreSQL would refuse are refused before the database on both backends."""
    proc = v.Process.start(TPL, region="Trier")
    proc.fire("note_added", payload={"text": "x"})
    proc._history[1] = proc._history[1]._replace(**{field: value})
    with v.EventStore(store_url) as store:
        with pytest.raises(v.StoreError, match=words):
            store.add(proc)
        assert 0 == store.count()
