"""Loading from sealed snapshots: a lazy history, catch-up after other writers, corrupt rows."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

import verantwortung as v
from verantwortung.store import snapshot_text
from verantwortung.testing.strategies import event_sequences

TPL = v.load_template("verantwortungspartner")


def _with_notes(store: v.EventStore, n: int) -> v.Process:
    proc = v.Process.start(TPL, region="Trier", at="2014-01-01")
    for i in range(n):
        proc.fire("note_added", payload={"text": f"Notiz {i}"})
    store.add(proc)
    store.snapshot(proc.id)
    return proc


def test_a_load_from_a_snapshot_reads_only_the_events_after_it(store_url: str) -> None:
    """store.load of a snapshotted process holds the last event only, until asked for more."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, 300)
        loaded = store.load(proc.id)
        assert (301, 1) == (loaded.version, len(loaded._history))
        assert proc.history == loaded.history
        assert 301 == len(loaded._history)


def test_a_lazy_history_is_read_when_someone_asks(store_url: str) -> None:
    """history, export and comparison of a lazily loaded process see every event."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, 30)
        assert proc.to_dict() == store.load(proc.id).to_dict()
        assert proc == store.load(proc.id)
        assert proc.history == store.load(proc.id).history


@given(steps=event_sequences(TPL, max_steps=25), every=st.integers(2, 7),
       part_min=st.sampled_from([1, 2, 3, snapshot_text.PART_MIN]))
def test_a_lazily_loaded_process_equals_a_fully_replayed_one(
        tmp_path_factory: pytest.TempPathFactory, steps: list, every: int,  # type: ignore[type-arg]
        part_min: int) -> None:
    """For any story, snapshot interval and size from which a collection is a part of
    its own (decoded when read), load from a snapshot equals a full replay."""
    folder = tmp_path_factory.mktemp("lazy")
    with v.EventStore(f"sqlite:///{folder / 's.sqlite3'}", snapshot_every=every) as store, \
            mock.patch.object(snapshot_text, "PART_MIN", part_min):
        proc = v.Process.start(TPL, region="Trier", at="2014-01-01")
        store.add(proc)
        for step in steps:
            store.fire(proc.id, step.name, actor=step.actor, payload=dict(step.payload))
        replayed = v.Process.replay(TPL, store.events(proc.id))
        assert replayed == store.load(proc.id)
        assert replayed.state() == store.load(proc.id).state()
        assert replayed.history == store.load(proc.id).history


def test_a_load_decodes_a_large_collection_only_when_it_is_read(store_url: str) -> None:
    """The notes of a long history stay text after a load and after a note is added
    (nothing reads them); a report reads them, and sees every note in order."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, snapshot_text.PART_MIN + 4)
        loaded, _ = store.fire(proc.id, "note_added", payload={"text": "neu"})
        assert "notes" in (loaded._state._lazy or {})
        notes = [r["text"] for r in loaded.records("notes")]
        assert [*(f"Notiz {i}" for i in range(snapshot_text.PART_MIN + 4)), "neu"] == notes
        assert loaded._state._lazy is None
        assert v.Process.replay(TPL, store.events(proc.id)) == store.load(proc.id)


def test_a_part_changed_after_sealing_is_corrupt_when_read(store_url: str) -> None:
    """A large collection rewritten in the snapshot row loads (its first line is sealed)
    and raises a CorruptEventError naming the snapshot when its records are read."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, snapshot_text.PART_MIN)
        _corrupt(store, "UPDATE vt_snapshots SET state = replace(state, 'Notiz 7\"', "
                 "'Notiz 8\"')")
        loaded = store.load(proc.id)
        with pytest.raises(v.CorruptEventError, match="the records of notes") as info:
            loaded.records("notes")
        assert (proc.id, snapshot_text.PART_MIN + 1) == (info.value.process_id,
                                                         info.value.seq)


def test_fire_after_another_writer_applies_only_the_new_events(store_url: str,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    """store.fire catches up with another writer's events instead of loading again."""
    with v.EventStore(store_url) as store, v.EventStore(store_url) as other:
        proc = _with_notes(store, 5)
        store.fire(proc.id, "note_added", payload={"text": "mine"})
        other.fire(proc.id, "partner_added", payload={"id": "p2", "name": "B",
                                                      "kind": "company"})
        loads: list[str] = []
        monkeypatch.setattr(store, "load", lambda pid, **kw: loads.append(pid))
        latest, _ = store.fire(proc.id, "circle_member_joined", payload={"partner": "p2"})
        assert ([], 9) == (loads, latest.version)
        assert ["p2"] == [r["id"] for r in latest.records("partners")]


def _corrupt(store: v.EventStore, sql: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(sql))


@pytest.mark.parametrize(("sql", "seq"), [
    ("UPDATE vt_events SET payload = '{\"text\": \"forged\"}' WHERE seq = 3", 3),
    ("UPDATE vt_events SET actor = 'intruder' WHERE seq = 2", 2),
    ("DELETE FROM vt_events WHERE seq = 4", 4),
    ("UPDATE vt_events SET payload = '{\"text\": \"forged\"}' WHERE seq > 5", 6),
])
def test_an_event_rewritten_under_a_snapshot_is_noticed_on_load(store_url: str, sql: str,
                                                                 seq: int) -> None:
    """A row changed after it was written is a CorruptEventError on load, naming the row."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, 8)
        store.load(proc.id)  # a load before the change is fine
        _corrupt(store, sql)
        with pytest.raises(v.CorruptEventError, match="changed or removed after") as info:
            store.load(proc.id)
        assert (proc.id, seq) == (info.value.process_id, info.value.seq)


@pytest.mark.parametrize("sql", [
    "UPDATE vt_events SET payload = '{\"text\": \"forged\"}' WHERE seq = 3",
    "UPDATE vt_events SET actor = 'intruder' WHERE seq = 2",
    "DELETE FROM vt_events WHERE seq = 4",
])
def test_a_rewrite_without_its_mark_is_caught_by_the_snapshot_digest(store_url: str,
                                                                     sql: str) -> None:
    """With its edit mark removed, a changed row under a snapshot still fails its digest."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, 8)
        _corrupt(store, sql)
        _corrupt(store, "DELETE FROM vt_event_edits")
        with pytest.raises(v.CorruptEventError, match="not the ones it was taken from") as info:
            store.export(proc.id)
        assert (proc.id, 9) == (info.value.process_id, info.value.seq)


def test_a_row_written_again_unchanged_leaves_no_mark(store_url: str) -> None:
    """An UPDATE that changes no value, or only the position, is no edit."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, 3)
        _corrupt(store, "UPDATE vt_events SET payload = payload, actor = actor")
        _corrupt(store, "UPDATE vt_events SET position = position + 0")
        assert proc == store.load(proc.id)


@pytest.mark.parametrize("state", [
    '{"phase": "nowhere", "records": {}, "single": {}}',
    '{"phase": "preparation", "records": {"partners": 5}, "single": {}}',
    '{"phase": "preparation", "records": {"partners": [5]}, "single": {}}',
    '{"phase": "preparation", "records": {"unknown": []}, "single": {}}',
    "[" * 100_000 + "]" * 100_000,
])
def test_a_malformed_snapshot_is_corrupt_and_names_its_row(store_url: str,
                                                           state: str) -> None:
    """A snapshot row with a bad state, even with a fitting seal, is a CorruptEventError."""
    from verantwortung.store.rows import seal

    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, 3)
        with store.engine.begin() as conn:
            digest = conn.execute(text("SELECT history_digest FROM vt_snapshots")).scalar()
            conn.execute(text("UPDATE vt_snapshots SET state = :s, state_digest = :d"),
                         {"s": state, "d": seal(digest, state)})
        with pytest.raises(v.CorruptEventError) as info:
            store.load(proc.id)
        assert (proc.id, 4) == (info.value.process_id, info.value.seq)


def test_a_payload_nested_deeply_is_corrupt(store_url: str) -> None:
    """A payload nested 100,000 deep is a CorruptEventError naming its row, not a crash."""
    with v.EventStore(store_url) as store:
        proc = _with_notes(store, 2)
        deep = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE vt_events SET payload = :p WHERE seq = 3"), {"p": deep})
        with pytest.raises(v.CorruptEventError) as info:
            store.load(proc.id, use_snapshot=False)
        assert (proc.id, 3) == (info.value.process_id, info.value.seq)


def test_a_snapshot_without_a_seal_is_not_trusted(store_url: str) -> None:
    """A snapshot from before schema 3 (no digests) is passed over: the events replay."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, 4)
        _corrupt(store, "UPDATE vt_snapshots SET state = '{\"phase\": \"kickoff\"}', "
                 "history_digest = NULL, state_digest = NULL")
        loaded = store.load(proc.id)
        assert ("preparation", 5) == (loaded.phase, len(loaded._history))
        assert proc == loaded


def test_the_schema_2_snapshots_get_their_digest_columns(tmp_path: Path) -> None:
    """Opening a store of schema 2 adds the snapshot digests and changes no event row."""
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    with v.EventStore(url, snapshot_every=0) as store:
        proc = _with_notes(store, 3)
    engine = create_engine(url)
    with engine.begin() as conn:
        before = conn.execute(text("SELECT * FROM vt_events ORDER BY seq")).all()
        for column in ("history_digest", "state_digest"):
            conn.execute(text(f"ALTER TABLE vt_snapshots DROP COLUMN {column}"))
    engine.dispose()
    with v.EventStore(url) as store:
        assert proc == store.load(proc.id)
        with store.engine.connect() as conn:
            assert before == conn.execute(text("SELECT * FROM vt_events ORDER BY seq")).all()



# -- every stored process at once ---------------------------------------------------------


def test_load_all_gives_each_process_as_load_does_a_page_in_four_queries(
        store_url: str) -> None:
    """load_all equals load for each process (with and without snapshots) in list order,
    and reads a page of processes in four queries, not three per process."""
    from sqlalchemy import event

    from verantwortung.store import loading

    with v.EventStore(store_url, snapshot_every=0) as store:
        made = [_with_notes(store, n) for n in (0, 3, 40)]  # snapshotted at their end
        for n in (5, 1):
            proc = v.Process.start(TPL, region="Emsdetten", at="2014-01-01")
            for i in range(n):
                proc.fire("note_added", payload={"text": f"N {i}"})
            store.add(proc)  # no snapshot
            made.append(proc)
        store.fire(made[2].id, "note_added", payload={"text": "after the snapshot"})
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        rows = store._rows(None, None, None)
        statements.clear()
        loaded = list(loading.load_all(store, rows, page=len(rows)))
        assert 4 == len(statements)
        assert [info.id for info in store.list()] == [p.id for p in loaded]
        for proc in loaded:
            assert store.load(proc.id) == proc
            assert proc.history == store.load(proc.id, use_snapshot=False).history
        assert {p.id for p in made} == {p.id for p in store.load_all()}
        assert [p.id for p in store.list(region="Emsdetten")] == [
            p.id for p in store.load_all(region="Emsdetten")]
        assert 5 == len(list(loading.load_all(store, rows, page=2)))


def test_load_all_names_a_corrupt_process(store_url: str) -> None:
    """A corrupted payload in one stored process is a CorruptEventError naming it."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        good, bad = _with_notes(store, 2), v.Process.start(TPL, region="Kaputt")
        bad.fire("note_added", payload={"text": "x"})
        store.add(bad)
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE vt_events SET payload = '{broken' "
                              "WHERE process_id = :p AND seq = 2"), {"p": bad.id})
        with pytest.raises(v.CorruptEventError) as caught:
            list(store.load_all())
        assert bad.id in str(caught.value)
        assert good.id not in str(caught.value)


def test_due_of_a_lazily_loaded_process_does_not_read_its_earlier_events(
        store_url: str) -> None:
    """due() in the first phase (no phase entry yet) takes the start from the loaded start
    event: the earlier events stay unread, and the items are those of a full replay."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = v.Process.start(TPL, region="Trier", at="2014-01-01")
        proc.fire("event_scheduled", payload={"kind": "kickoff", "date": "2014-02-01"},
                  at="2014-01-02")
        for i in range(20):
            proc.fire("note_added", payload={"text": f"Notiz {i}"}, at="2014-01-03")
        store.add(proc)
        store.snapshot(proc.id)
        loaded = store.load(proc.id)
        due = loaded.due(at="2014-06-01")
        assert 1 == len(loaded._history)
        assert ["kickoff_overdue", "process_stalled"] == [d.code for d in due]
        assert proc.due(at="2014-06-01") == due


def test_a_correction_after_a_snapshot_refolds_on_load(store_url: str) -> None:
    """A correction stored after a snapshot is applied on load; load equals a full replay."""
    with v.EventStore(store_url, snapshot_every=0) as store:
        proc = _with_notes(store, 5)
        first = proc.history[1].id
        store.fire(proc.id, "event_corrected", actor="facilitator", payload={
            "event": first, "reason": "Tippfehler", "payload": {"text": "Notiz null"}})
        store.fire(proc.id, "note_added", payload={"text": "danach"})
        loaded = store.load(proc.id)
        assert ["Notiz null", "danach"] == [loaded.records("notes")[i]["text"] for i in (0, -1)]
        assert loaded == v.Process.replay(TPL, store.events(proc.id))
        assert "Notiz 0" == store.export(proc.id)["history"][1]["payload"]["text"]
