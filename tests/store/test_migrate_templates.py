"""Moving stored processes to a newer version: dry run, apply, races, nothing half done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

import verantwortung as v
from verantwortung.model.process import MIGRATED_EVENT
from verantwortung.store import migrate_templates as mt
from verantwortung.store.schema import events, processes, snapshots

from ._regions import STORIES, stored_regions

NEW_PATH = Path(__file__).parents[1] / "model" / "migration" / "verantwortungspartner-1.1.yaml"
OLD = v.load_template("verantwortungspartner", version="1.0")
NEW = v.load_template(NEW_PATH)
SOURCE = str(NEW_PATH.resolve())
BUNDLED = v.load_template("verantwortungspartner")  # 2.0, with its plan from 1.0


def _counts(store: v.EventStore) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in (processes, events, snapshots)}


def _rows(store: v.EventStore, pid: str) -> list[Any]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(events).where(
            events.c.process_id == pid).order_by(events.c.seq))]


def test_the_dry_run_names_the_blocked_regions_and_why(store_url: str) -> None:
    """Processes in many phases of 1.0: each judged; blocked ones say why; nothing changes."""
    with v.EventStore(store_url) as store:
        stored_regions(store, OLD)
        before = _counts(store)
        report = {c.region: c for c in mt.dry_run(store, NEW)}
        assert before == _counts(store)
    assert set(STORIES) == set(report)
    assert {r: STORIES[r][0] for r in STORIES} == {r: c.phase_after for r, c in report.items()}
    blocked = {r for r, c in report.items() if c.status == "blocked"}
    assert {"Altmark", "Elbe-Elster"} == blocked
    refused = report["Altmark"].refused
    assert [("hold_kickoff", ["circle_too_small"])] == [
        (r.trigger, [x.code for x in r.reasons]) for r in refused]
    assert "mindestens 6 sind nötig" in refused[0].reasons[0].message_de
    assert ["kickoff_with_enough_companies"] == [
        r.code for r in report["Elbe-Elster"].violations]


def test_apply_moves_the_ok_ones_and_changes_nothing_else(store_url: str) -> None:
    """Each ok process gets one template_migrated event; the blocked ones and every
    stored event stay as they were; migrated processes replay, round-trip and load."""
    with v.EventStore(store_url) as store:
        ids = stored_regions(store, OLD)
        before = {pid: _rows(store, pid) for pid in ids.values()}
        counts = _counts(store)
        done = {c.region: c for c in mt.apply(store, NEW, SOURCE, actor="facilitator")}
        moved = {r for r, c in done.items() if c.applied}
        assert set(STORIES) - {"Altmark", "Elbe-Elster"} == moved
        after = _counts(store)
        assert counts["vt_events"] + len(moved) == after["vt_events"]
        assert counts["vt_processes"] == after["vt_processes"]
        for region, pid in ids.items():
            rows = _rows(store, pid)
            assert before[pid] == rows[:len(before[pid])]  # no stored event rewritten
            proc = store.load(pid)
            if region not in moved:
                assert (rows, "1.0") == (before[pid], proc.template.version)
                continue
            assert (MIGRATED_EVENT, "1.1") == (proc.history[-1].kind, proc.template.version)
            assert proc == v.Process.replay(NEW, proc.history)
            assert proc == v.Process.from_json(NEW, proc.to_json())
            assert proc == store.load(pid, use_snapshot=False)
            assert (NEW.id, NEW.version) == (store.info(pid).template,
                                             store.info(pid).template_version)
        # a second run finds nothing left to do for the moved ones
        again = {c.region for c in mt.dry_run(store, NEW)}
        assert {"Altmark", "Elbe-Elster"} == again


def test_after_the_move_the_new_rules_apply_in_the_store(store_url: str) -> None:
    """A moved process records the renamed event and is judged by 1.1's threshold."""
    with v.EventStore(store_url) as store:
        ids = stored_regions(store, OLD)
        mt.apply(store, NEW, SOURCE)
        pid = ids["Bördeland"]
        proc, _ = store.fire(pid, "remark_added", payload={"text": "nach der Umstellung"})
        assert 2 == len(proc.records("notes"))
        with pytest.raises(v.TransitionRefused):
            store.fire(pid, "note_added", payload={"text": "altes Ereignis"})
        assert proc == store.load(pid)


def test_force_moves_a_blocked_process_named_one_by_one(store_url: str) -> None:
    """--force ID moves that blocked process too; the other blocked one stays."""
    with v.EventStore(store_url) as store:
        ids = stored_regions(store, OLD)
        done = {c.region: c for c in mt.apply(store, NEW, SOURCE, force={ids["Altmark"]})}
        assert (True, False) == (done["Altmark"].applied, done["Elbe-Elster"].applied)
        assert "1.1" == store.load(ids["Altmark"]).template.version


def test_a_writer_that_comes_first_is_retried_and_nothing_is_lost(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer appends between the read and the move: ConcurrencyError inside,
    then the process is judged again and moved with the writer's event kept."""
    with v.EventStore(store_url) as store:
        ids = stored_regions(store, OLD)
        pid = ids["Bördeland"]
        real = mt.write_move
        raced: list[int] = []

        def racing(st: v.EventStore, expected: int, new: v.Process, source: str) -> None:
            if not raced:
                raced.append(expected)
                with v.EventStore(store_url) as other:
                    other.fire(pid, "note_added", payload={"text": "dazwischen"})
                with pytest.raises(v.ConcurrencyError):
                    real(st, expected, new, source)
                raise v.ConcurrencyError(new.id, expected, expected + 1)
            real(st, expected, new, source)

        monkeypatch.setattr(mt, "write_move", racing)
        done = {c.region: c for c in mt.apply(store, NEW, SOURCE, region="Bördeland")}
        proc = store.load(pid)
        assert done["Bördeland"].applied
        assert [MIGRATED_EVENT, "note_added"] == [e.kind for e in proc.history[-1:-3:-1]]
        assert raced[0] + 2 == proc.version
        assert "dazwischen" in [n["text"] for n in proc.records("notes")]


def test_a_move_that_fails_midway_leaves_the_process_as_it_was(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The event, the index row and the template link are one transaction."""
    from verantwortung.store import templates as kept

    with v.EventStore(store_url) as store:
        ids = stored_regions(store, OLD)
        pid = ids["Harz"]
        before, info = _rows(store, pid), store.info(pid)

        def broken(*args: Any) -> None:
            raise v.StoreError("the disk is full")

        monkeypatch.setattr(kept, "link", broken)
        with pytest.raises(v.StoreError, match="disk is full"):
            mt.apply(store, NEW, SOURCE, region="Harz")
        assert (before, info) == (_rows(store, pid), store.info(pid))
        assert "1.0" == store.load(pid).template.version


def test_snapshots_of_the_old_version_are_not_used(store_url: str) -> None:
    """A snapshot taken under 1.0 does not stand in for the migrated state; the move
    writes a snapshot of its own, from which the process loads exactly."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        ids = stored_regions(store, OLD)
        pid = ids["Bördeland"]
        store.snapshot(pid)
        mt.apply(store, NEW, SOURCE, region="Bördeland")
        proc = store.load(pid)
        with store.engine.connect() as conn:
            seqs = list(conn.execute(select(snapshots.c.seq).where(
                snapshots.c.process_id == pid).order_by(snapshots.c.seq)).scalars())
        assert [proc.version - 1, proc.version] == seqs
        assert "1.1" == proc.template.version
        assert proc == v.Process.replay(NEW, proc.history)
        assert proc == store.load(pid, use_snapshot=False)
        store.fire(pid, "remark_added", payload={"text": "weiter"})
        assert store.load(pid) == store.load(pid, use_snapshot=False)


def test_a_snapshot_before_the_move_is_never_restored(store_url: str) -> None:
    """With only a 1.0 snapshot left, a moved process still loads by replay."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        pid = stored_regions(store, OLD)["Görlitz"]
        store.snapshot(pid)
        mt.apply(store, NEW, SOURCE, region="Görlitz")
        version = store.info(pid).version
        with store.engine.begin() as conn:
            conn.execute(snapshots.delete().where(snapshots.c.process_id == pid,
                                                  snapshots.c.seq == version))
        assert store.load(pid) == v.Process.replay(NEW, store.events(pid))


def test_an_unmapped_history_is_reported_and_left_alone(store_url: str) -> None:
    """Without a mapping for note_added, a process with a note is unmapped, named."""
    plan = NEW.migrations[0].model_copy(update={"events": {}})
    tpl = NEW.model_copy(update={"migrations": (plan,)})
    with v.EventStore(store_url) as store:
        ids = stored_regions(store, OLD)
        done = {c.region: c for c in mt.apply(store, tpl, SOURCE)}
        with store.engine.connect() as conn:
            moved = conn.execute(text("SELECT count(*) FROM vt_events WHERE kind = "
                                      "'template_migrated'")).scalar()
    assert "unmapped" == done["Görlitz"].status
    assert "note_added" in (done["Görlitz"].unmapped or "")
    assert "ok" == done["Harz"].status  # aborted before any note: nothing to map
    assert 1 == moved
    assert done["Harz"].applied
    assert ids


def test_a_moved_process_exports_and_imports_elsewhere(store_url: str, tmp_path: Path) -> None:
    """An export of a migrated process carries 1.1 and imports into another store exactly."""
    with v.EventStore(f"sqlite:///{tmp_path / 'first.sqlite3'}") as store:
        pid = stored_regions(store, OLD)["Fläming"]
        mt.apply(store, NEW, SOURCE, region="Fläming")
        data = store.export(pid)
        proc = store.load(pid)
    with v.EventStore(store_url) as store:
        assert proc == store.import_process(data) == store.load(pid)


def test_a_process_moved_by_another_run_counts_as_done(store_url: str) -> None:
    """Two runs at once: the second finds the process at 1.1 and moves nothing twice."""
    with v.EventStore(store_url) as store:
        pid = stored_regions(store, OLD)["Harz"]
        first = mt.apply(store, NEW, SOURCE, region="Harz")
        old = store.load(pid)
        again = mt.check(old, NEW)
        with store.engine.connect() as conn:
            moves = conn.execute(select(func.count()).select_from(events).where(
                events.c.process_id == pid, events.c.kind == MIGRATED_EVENT)).scalar()
    assert [True] == [c.applied for c in first]
    assert (True, "ok", 1) == (again.applied, again.status, moves)


# -- the bundled template's own move, 1.0 -> 2.0 ----------------------------------------


def test_the_bundled_2_0_plans_the_move_from_1_0() -> None:
    """2.0 declares a plan from 1.0 (names kept, so it maps nothing)."""
    plan = BUNDLED.plan_from("verantwortungspartner", "1.0")
    assert plan is not None
    assert ("2.0", "1.0") == (BUNDLED.version, OLD.version)


def test_bundled_1_0_processes_in_every_phase_move_to_2_0(store_url: str) -> None:
    """Dry run of 1.0 processes in eight phases: phases kept, nothing changed; apply moves
    each ok one with one template_migrated event; replay, JSON and load are exact, and a
    process that ended its guided phase in 1.0 lives on in 2.0's Verstetigung."""
    with v.EventStore(store_url) as store:
        ids = stored_regions(store, OLD)
        report = {c.region: c for c in mt.dry_run(store, BUNDLED)}
        assert {r: STORIES[r][0] for r in STORIES} == {r: c.phase_after for r, c in report.items()}
        assert all(c.new is not None for c in report.values())
        assert {r for r, c in report.items() if c.status == "ok"} == set(report), {
            r: [(x.trigger, [y.code for y in x.reasons]) for x in c.refused]
            for r, c in report.items()}
        assert {c.region for c in mt.dry_run(store, BUNDLED)} == set(STORIES)  # nothing moved
        moved = {c.region for c in mt.apply(store, BUNDLED, "verantwortungspartner") if c.applied}
        assert set(STORIES) == moved
        for pid in ids.values():
            proc = store.load(pid)
            assert (MIGRATED_EVENT, "2.0") == (proc.history[-1].kind, proc.template.version)
            assert proc == v.Process.replay(BUNDLED, proc.history)
            assert proc == v.Process.from_json(BUNDLED, proc.to_json())
            assert proc == store.load(pid, use_snapshot=False)
        goerlitz = store.load(ids["Görlitz"])
        assert "consolidation" == goerlitz.phase
        assert any(o.name == "conclude" and o.allowed for o in goerlitz.options())
