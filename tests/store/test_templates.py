"""The store keeps the templates it runs: found again when their file moved or changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

import verantwortung as v
from verantwortung.store.templates import process_templates, templates

EXAMPLE = Path(__file__).parents[2] / "examples" / "migration" / "kreis-1.0.yaml"


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "kreis.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def _started(store: v.EventStore, path: Path) -> v.Process:
    proc = v.Process.start(v.load_template(path), region="Kreis Süd")
    proc.fire("member_joined", payload={"id": "m1", "name": "Firma", "kind": "firm"})
    store.add(proc)
    return proc


def test_add_keeps_the_template_once_per_digest(store_url: str, tmp_path: Path) -> None:
    """Two processes of one template: one template row, one link row each."""
    path = _copy(tmp_path)
    with v.EventStore(store_url) as store:
        a, b = _started(store, path), _started(store, path)
        with store.engine.connect() as conn:
            rows = conn.execute(select(templates.c.digest, templates.c.template,
                                       templates.c.version)).all()
            links = conn.execute(select(func.count()).select_from(process_templates)).scalar()
    assert [(a.template.digest, "kreis", "1.0")] == [tuple(r) for r in rows]
    assert 2 == links
    assert b.template.id == a.template.id


def test_load_works_when_the_template_file_is_gone(store_url: str, tmp_path: Path) -> None:
    """The kept template stands in for a file that was moved or deleted."""
    path = _copy(tmp_path)
    with v.EventStore(store_url) as store:
        proc = _started(store, path)
    path.unlink()
    with v.EventStore(store_url) as store:
        loaded = store.load(proc.id)
        loaded_again, _ = store.fire(proc.id, "memo_written", payload={"text": "weiter"})
    assert proc == loaded
    assert 3 == loaded_again.version


def test_a_semantic_edit_without_a_new_version_is_refused_with_the_change(
        store_url: str, tmp_path: Path) -> None:
    """The same id and version with other rules: the load names what differs."""
    path = _copy(tmp_path)
    with v.EventStore(store_url) as store:
        proc = _started(store, path)
    path.write_text(path.read_text(encoding="utf-8").replace("default: 3", "default: 4"),
                    encoding="utf-8")
    with v.EventStore(store_url) as store, pytest.raises(v.StoreError) as caught:
        store.load(proc.id)
    assert "changed without a new version" in str(caught.value)
    assert "parameters.members_min.default: 3 -> 4" in str(caught.value)


def test_a_wording_edit_loads_and_shows_the_new_words(store_url: str, tmp_path: Path) -> None:
    """A label-only edit keeps the digest: the file is used, with its new label."""
    path = _copy(tmp_path)
    with v.EventStore(store_url) as store:
        proc = _started(store, path)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Mindestzahl Mitglieder", "Mindestanzahl Mitglieder"), encoding="utf-8")
    with v.EventStore(store_url) as store:
        loaded = store.load(proc.id)
    assert proc == loaded
    assert "Mindestanzahl Mitglieder" == loaded.template.parameters["members_min"].label.de


def test_export_delete_import_load(store_url: str, tmp_path: Path) -> None:
    """An export carries its template: imported and loaded after the file is gone."""
    path = _copy(tmp_path)
    with v.EventStore(f"sqlite:///{tmp_path / 'first.sqlite3'}") as store:
        proc = _started(store, path)
        data = store.export(proc.id)
    path.unlink()
    with v.EventStore(store_url) as store:
        imported = store.import_process(data)
        assert proc == imported == store.load(proc.id)


def test_an_export_whose_carried_template_was_tampered_with_is_refused(
        tmp_path: Path) -> None:
    """The carried document must have the digest the export names."""
    path = _copy(tmp_path)
    with v.EventStore(f"sqlite:///{tmp_path / 'a.sqlite3'}") as store:
        data = store.export(_started(store, path).id)
    path.unlink()
    data["template_document"]["parameters"]["members_min"]["default"] = 1
    with v.EventStore(f"sqlite:///{tmp_path / 'b.sqlite3'}") as store:
        with pytest.raises(v.StoreError, match="not the one its digest names"):
            store.import_process(data)
        assert 0 == store.count()


def test_a_store_of_schema_3_gets_the_template_tables(tmp_path: Path) -> None:
    """Opening an older store adds the tables; its processes load from their source."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    with v.EventStore(url) as store:
        proc = _started(store, _copy(tmp_path))
        with store.engine.begin() as conn:
            process_templates.drop(conn)
            templates.drop(conn)
    with v.EventStore(url, create=False) as store:
        assert proc == store.load(proc.id)
        with store.engine.connect() as conn:
            assert 0 == conn.execute(select(func.count()).select_from(templates)).scalar()


def test_the_kept_definition_keeps_its_column_name(tmp_path: Path) -> None:
    """The kept template is still written to the ``document`` column: older stores read on."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'kept.db'}"
    with v.EventStore(url) as store:
        proc = v.Process.start(v.load_template("verantwortungspartner"), region="Trier")
        store.add(proc)
        with store.engine.connect() as conn:
            kept = conn.execute(text("SELECT document FROM vt_templates")).scalar_one()
    assert proc.template.definition_text() == kept
