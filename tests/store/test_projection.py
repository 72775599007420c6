"""The store's process summaries: written with every append, equal to a full replay."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import verantwortung as v
from tests.conftest import ROOT
from verantwortung.store import projection
from verantwortung.store.schema import processes
from verantwortung.store.sql import EventStore
from verantwortung.testing import event_sequences
from verantwortung.testing.planner import Planner

SCHOOL_PATH = ROOT / "examples" / "school_partnership" / "schule_wirtschaft.yaml"
SCHOOL = v.load_template(SCHOOL_PATH)


def _stored(store: EventStore) -> dict[str, dict[str, Any]]:
    """Every summary as readers see it (its state from vt_summary_states, where it is)."""
    with store.engine.connect() as conn:
        chosen = select(processes).subquery()
        return {r.process_id: dict(r._mapping) for r in conn.execute(
            projection.summary_rows(conn, chosen))}


def _replayed(store: EventStore) -> dict[str, dict[str, Any]]:
    """Each process's summary as the log gives it: the small columns of a full replay,
    the state and indicators of a replay up to the row's ``state_version``."""
    out = {}
    stored = _stored(store)
    for info in store.list():
        proc = store.load(info.id, use_snapshot=False)
        row = {k: getattr(projection.summary_of(proc), k)
               for k in projection.Summary.__slots__}
        base = stored.get(info.id, {}).get("state_version") or proc.version
        then = projection.summary_of(v.Process.replay(proc.template, proc.history[:base]),
                                     started_at=row["started_at"])
        out[info.id] = row | {"state": then.state, "indicators": then.indicators,
                              "state_version": base}
    return out


def _exact(store: EventStore) -> None:
    """The rows equal the log, and what readers make of them equals a full replay."""
    assert _replayed(store) == _stored(store)
    for proc in projection.current(store).processes:
        replayed = store.load(proc.id, use_snapshot=False)
        assert (replayed, replayed.indicators()) == (proc, proc.indicators())
        version = replayed.version
        assert version - _stored(store)[proc.id]["state_version"] < projection.state_every(
            version)


def _school_story(store: EventStore) -> str:
    proc = v.Process.start(SCHOOL, region="Gera", at="2024-08-01")
    store.add(proc, str(SCHOOL_PATH))
    steps = [("business_joined", {"id": "b1", "name": "Bäckerei", "trade": "craft"}),
             ("business_joined", {"id": "b2", "name": "Werk", "trade": "industry"}),
             ("agreement_signed", {"signed_on": "2024-08-20"}), ("start_year", {}),
             ("placement_held", {"id": "x1", "business": "b1", "pupils": 4})]
    for day, (name, payload) in enumerate(steps, start=2):
        store.fire(proc.id, name, payload=payload, at=f"2024-09-{day:02d}")
    return proc.id


def test_every_append_keeps_the_summary_equal_to_a_replay(store_url: str) -> None:
    """After add and each fire, the stored summary is what a full replay computes."""
    with EventStore(store_url, snapshot_every=3) as store:
        pid = _school_story(store)
        _exact(store)
        row = _stored(store)[pid]
        assert ("school_year_1", 6, "2024-09-05T00:00:00+00:00", "placement_held") == (
            row["phase"], row["version"], row["phase_since"], row["last_kind"])
        assert 1 == row["state_version"]  # written by add; the next at 8
        [proc] = projection.current(store).processes
        figures = {i.code: i.value for i in proc.indicators()}
        assert (2, 4) == (figures["businesses"], figures["pupils_placed"])


def test_a_refused_fire_leaves_the_summary_as_it_was(store_url: str) -> None:
    """A refusal writes nothing: not an event, not a summary."""
    with EventStore(store_url) as store:
        pid = _school_story(store)
        before = _stored(store)
        with contextlib.suppress(v.TransitionRefused):
            store.fire(pid, "complete", at="2024-10-01")
        assert before == _stored(store)


def test_rebuild_writes_the_summaries_again_from_the_log(store_url: str) -> None:
    """Summaries lost or wrong are rebuilt from the events, equal to a replay."""
    with EventStore(store_url) as store:
        pid = _school_story(store)
        with store.engine.begin() as conn:
            conn.execute(projection.summaries.update().values(phase="planning", version=1))
        assert 1 == projection.rebuild(store)
        assert _replayed(store) == _stored(store)
        assert 6 == _stored(store)[pid]["state_version"]  # rebuilt: the state of now
        with store.engine.begin() as conn:
            conn.execute(projection.summaries.delete())
        assert 1 == projection.rebuild(store, [pid])
        _exact(store)


def test_a_store_without_summaries_gets_them_as_it_goes(tmp_path: Any) -> None:
    """A store from before the table: opening creates it; the next append fills the row;
    until then the portfolio replays."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    with EventStore(url) as store:
        pid = _school_story(store)
    with EventStore(url) as store, store.engine.begin() as conn:
        projection.summaries.drop(conn)
    with EventStore(url) as store:
        assert {} == _stored(store)
        [proc] = projection.current(store).processes
        assert proc == store.load(pid)
        store.fire(pid, "placement_held", payload={"id": "x2", "business": "b2",
                                                   "pupils": 2}, at="2024-10-01")
        _exact(store)


def test_current_restores_what_a_load_gives(store_url: str) -> None:
    """Processes from their summaries equal processes loaded from the log."""
    with EventStore(store_url) as store:
        pid = _school_story(store)
        other = v.Process.start(v.load_template("verantwortungspartner"), region="Ilmtal")
        store.add(other)
        listed = projection.current(store)
        got = {p.id: p for p in listed.processes}
        assert {pid, other.id} == set(got)
        for p in got.values():
            assert store.load(p.id, use_snapshot=False) == p
            assert store.load(p.id).indicators() == p.indicators()
        assert "2024-08-01" == listed.started[pid].date().isoformat()


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(steps=event_sequences(SCHOOL, max_steps=20))
def test_summaries_equal_a_replay_whatever_happened(tmp_path: Any, steps: list[Any]) -> None:
    """Any story, written step by step through the store: summary == replay."""
    proc = Planner(SCHOOL).run(steps)
    assert proc is not None
    url = f"sqlite:///{tmp_path / f'p{abs(hash(tuple(map(str, steps))))}.sqlite3'}"
    with EventStore(url, snapshot_every=4) as store:
        first = v.Process.replay(SCHOOL, proc.history[:1])
        store.add(first, str(SCHOOL_PATH))
        for e in proc.history[1:]:
            store.fire(proc.id, e.kind, actor=e.actor, payload=dict(e.payload), at=e.at)
            _exact(store)


def test_an_append_writes_the_state_only_every_state_every_events(store_url: str) -> None:
    """One note per append: the state is written at each multiple of 8 (and by add), the
    small columns with every append; a batch that crosses a multiple writes it too."""
    tpl = v.load_template("verantwortungspartner")
    with EventStore(store_url, snapshot_every=0) as store:
        proc = v.Process.start(tpl, region="Saale")
        store.add(proc)
        seen = []
        for i in range(20):
            proc.fire("note_added", payload={"text": f"n{i}"})
            store.append(proc, proc.version - 1)
            row = _stored(store)[proc.id]
            seen.append((row["version"], row["state_version"], row["last_kind"]))
        assert [(n, n // 8 * 8 or 1, "note_added") for n in range(2, 22)] == seen
        for size, written in ((2, 16), (10, 33)):  # 21 -> 23: no multiple of 8; 23 -> 33
            version = proc.version
            for i in range(size):
                proc.fire("note_added", payload={"text": f"b{i}"})
            store.append(proc, version)
            assert written == _stored(store)[proc.id]["state_version"]
        _exact(store)


def test_a_summary_table_from_before_state_version_gets_the_column(tmp_path: Any) -> None:
    """A table written before ``state_version`` (its state is of ``version``) gets the
    column when the store opens; readers take its rows as they are, appends go on."""
    url = f"sqlite:///{tmp_path / 'older.sqlite3'}"
    with EventStore(url) as store:
        pid = _school_story(store)
        old = projection.summary_of(store.load(pid, use_snapshot=False))  # state of now
        with store.engine.begin() as conn:
            projection.summaries.drop(conn)
            conn.exec_driver_sql(
                "CREATE TABLE vt_summaries (process_id VARCHAR(64) PRIMARY KEY REFERENCES "
                "vt_processes (id), version INTEGER NOT NULL, phase VARCHAR(64) NOT NULL, "
                "started_at VARCHAR(40) NOT NULL, phase_since VARCHAR(40) NOT NULL, "
                "last_at VARCHAR(40) NOT NULL, last_kind VARCHAR(64) NOT NULL, "
                "indicators TEXT NOT NULL, state TEXT NOT NULL)")
            conn.execute(projection.summaries.insert().values(
                {k: getattr(old, k) for k in old.__slots__ if k != "state_version"}))
    with EventStore(url) as store:
        assert None is _stored(store)[pid]["state_version"]
        [proc] = projection.current(store).processes
        assert store.load(pid, use_snapshot=False) == proc
        store.fire(pid, "placement_held", payload={"id": "x2", "business": "b2",
                                                   "pupils": 2}, at="2024-10-01")
        _exact(store)


def test_an_append_does_not_write_the_state_row_again(tmp_path: Any) -> None:
    """The state lives in vt_summary_states, written only every state_every events: the
    per-append UPDATE touches a row of small columns, however large the records grow
    (SQLite writes a whole row again when one of its columns changes)."""
    tpl = v.load_template("verantwortungspartner")
    with EventStore(f"sqlite:///{tmp_path / 's.sqlite3'}", snapshot_every=0) as store:
        proc = v.Process.start(tpl, region="Saale")
        store.add(proc)
        for i in range(12):
            store.fire(proc.id, "note_added", payload={"text": f"n{i}"})
        with store.engine.connect() as conn:
            own = conn.execute(select(projection.summaries.c.state)).scalars().all()
            kept = conn.execute(select(projection.summary_states)).one()
        _exact(store)
        history = store.events(proc.id)
    assert [""] == own  # no copy of the records in the row every append writes
    assert 8 == kept.state_version
    assert v.Process.replay(tpl, history[:8]).state() == json.loads(kept.state)


@given(start=st.integers(1, 5_000), sizes=st.lists(st.integers(1, 300), max_size=60))
def test_the_state_is_never_state_every_events_behind(start: int, sizes: list[int]) -> None:
    """Whatever batches are appended, the state written last is fewer than
    ``state_every(version)`` events behind, and that is at most 1/32 of the history
    (or 8 events)."""
    written, version = start, start
    for size in sizes:
        since, version = version, version + size
        if projection.writes_state(since, version):
            written = version
        every = projection.state_every(version)
        assert version - written < every <= max(projection.STATE_EVERY_MIN, version // 32)


def test_a_summary_moved_on_while_the_portfolio_reads_it_is_loaded_instead(
        store_url: str, monkeypatch: Any) -> None:
    """Another writer writes the state between the read of the summaries and the read of
    the log: that process is loaded from the log, equal to a replay, never an error."""
    tpl = v.load_template("verantwortungspartner")
    with EventStore(store_url) as store, EventStore(store_url) as other:
        proc = v.Process.start(tpl, region="Elster")
        store.add(proc)
        for i in range(6):
            store.fire(proc.id, "note_added", payload={"text": f"n{i}"})
        logs = projection._logs

        def racing(conn: Any, chosen: Any) -> Any:
            other.fire(proc.id, "note_added", payload={"text": "dazwischen"})  # 7 -> 8
            return logs(conn, chosen)

        monkeypatch.setattr(projection, "_logs", racing)
        [got] = projection.current(store).processes
        assert 8 == _stored(store)[proc.id]["state_version"]
        assert store.load(proc.id, use_snapshot=False) == got
