"""The event store on SQLite and PostgreSQL: append, load, snapshots, queries, integrity."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import verantwortung as v
from tests.store import _workers

TPL = v.load_template("verantwortungspartner")


def _new(store: v.EventStore, region: str = "Trier") -> v.Process:
    proc = v.Process.start(TPL, region=region, at="2014-01-01")
    store.add(proc)
    return proc


def test_add_and_load(store_url: str) -> None:
    """A stored process loads back equal to the original."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        version = proc.version
        proc.fire("partner_added", payload={"id": "p1", "name": "Ä GmbH", "kind": "company"})
        assert 2 == store.append(proc, version)
        assert proc == store.load(proc.id)
        assert ["process_started", "partner_added"] == [e.kind for e in store.events(proc.id)]


def test_adding_the_same_process_twice_is_refused(store_url: str) -> None:
    """Ids are unique in the store."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        with pytest.raises(v.StoreError):
            store.add(proc)


def test_stale_writer_gets_concurrency_error_and_writes_nothing(store_url: str) -> None:
    """Two writers from the same version: the second gets ConcurrencyError, nothing lands."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        a, b = store.load(proc.id), store.load(proc.id)
        a.fire("note_added", payload={"text": "a"})
        b.fire("note_added", payload={"text": "b"})
        store.append(a, 1)
        with pytest.raises(v.ConcurrencyError) as info:
            store.append(b, 1)
        assert (1, 2) == (info.value.expected, info.value.actual)
        assert ["a"] == [e.payload["text"] for e in store.events(proc.id, after=1)]


def test_fire_retries_and_refusals_write_nothing(store_url: str) -> None:
    """store.fire loads, fires and appends; a refusal stores nothing."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        with pytest.raises(v.TransitionRefused):
            store.fire(proc.id, "hold_kickoff")
        assert 1 == store.info(proc.id).version
        loaded, fired = store.fire(proc.id, "note_added", payload={"text": "x"})
        assert (2, 2) == (loaded.version, fired.event.seq)


def test_snapshots_load_the_same_process(store_url: str) -> None:
    """Loading from a snapshot equals replaying the whole log."""
    with v.EventStore(store_url, snapshot_every=10) as store:
        proc = _new(store)
        for i in range(25):
            store.fire(proc.id, "note_added", payload={"text": str(i)})
        with_snapshot = store.load(proc.id)
        without = store.load(proc.id, use_snapshot=False)
        assert with_snapshot == without
        assert 26 == with_snapshot.version
        engine = create_engine(store_url)
        with engine.connect() as conn:
            seqs = [r[0] for r in conn.execute(text(
                "SELECT seq FROM vt_snapshots WHERE process_id = :p ORDER BY seq"),
                {"p": proc.id})]
        engine.dispose()
        assert [10, 20] == seqs


def test_list_filters(store_url: str) -> None:
    """list filters by template, phase and region."""
    with v.EventStore(store_url) as store:
        a = _new(store, "Trier")
        _new(store, "Emsdetten")
        store.fire(a.id, "abort", payload={"reason": "Test"})
        assert ["Emsdetten", "Trier"] == sorted(p.region for p in store.list())
        assert [a.id] == [p.id for p in store.list(phase="aborted")]
        assert ["Emsdetten"] == [p.region for p in store.list(region="Emsdetten")]
        assert [] == store.list(template="other")
        assert 2 == store.count()


def test_unknown_process(store_url: str) -> None:
    """Loading an unknown id raises ProcessNotFound."""
    with v.EventStore(store_url) as store, pytest.raises(v.ProcessNotFound):
        store.load("nope")


def test_corrupt_payload_names_process_and_sequence(store_url: str) -> None:
    """A corrupted payload row is reported with its process id and sequence number."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        store.fire(proc.id, "note_added", payload={"text": "x"})
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE vt_events SET payload = '{broken' WHERE seq = 2"))
        with pytest.raises(v.CorruptEventError) as info:
            store.load(proc.id)
        assert (proc.id, 2) == (info.value.process_id, info.value.seq)


def test_export_and_import(store_url: str, tmp_path: Path) -> None:
    """A process exported as JSON imports into another store equal to itself."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        store.fire(proc.id, "note_added", payload={"text": "x"})
        data = json.loads(store.load(proc.id).to_json())
    with v.EventStore(f"sqlite:///{tmp_path / 'other.sqlite3'}") as other:
        imported = other.import_process(data)
        assert imported == other.load(proc.id)


def test_concurrent_os_processes(store_url: str) -> None:
    """Four OS processes append at once: every event stored once, no gaps, replay agrees."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
    workers, each = 4, 8
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        results = pool.starmap(_workers.fire_notes,
                               [(store_url, proc.id, w, each) for w in range(workers)])
    assert workers * each == sum(accepted for accepted, _ in results)
    with v.EventStore(store_url) as store:
        history = store.events(proc.id)
        assert list(range(1, workers * each + 2)) == [e.seq for e in history]
        texts = sorted(e.payload["text"] for e in history[1:])
        assert sorted(f"w{w}-{i}" for w in range(workers) for i in range(each)) == texts
        loaded = store.load(proc.id, use_snapshot=False)
        assert store.info(proc.id).phase == loaded.phase
        assert workers * each + 1 == store.info(proc.id).version


def test_sigkill_during_appends_leaves_a_consistent_store(store_url: str) -> None:
    """A writer killed with SIGKILL mid-append leaves a store that opens and replays."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
    code = ("import sys; sys.path.insert(0, '.');"
            "from tests.store._workers import append_forever;"
            f"append_forever({store_url!r}, {proc.id!r})")
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", code], cwd=root)
    try:
        deadline = time.monotonic() + 30
        with v.EventStore(store_url) as store:
            while store.info(proc.id).version < 40 and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
    with v.EventStore(store_url) as store:
        info = store.info(proc.id)
        assert info.version >= 40
        loaded = store.load(proc.id)
        assert loaded == store.load(proc.id, use_snapshot=False)
        assert info.version == loaded.version == len(store.events(proc.id))


def test_fire_reuses_the_loaded_process_while_the_store_agrees(store_url: str,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    """store.fire reads a long history once; later calls only check where the log ends."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        loads: list[str] = []
        original = store.load
        monkeypatch.setattr(store, "load", lambda pid, **kw: loads.append(pid) or original(pid))
        for i in range(5):
            store.fire(proc.id, "note_added", payload={"text": str(i)})
        assert [proc.id] == loads
        assert 6 == store.info(proc.id).version


def test_fire_sees_what_other_writers_appended(store_url: str) -> None:
    """After another writer appends, store.fire reloads and builds on the stored state."""
    with v.EventStore(store_url) as store, v.EventStore(store_url) as other:
        proc = _new(store)
        store.fire(proc.id, "partner_added", payload={"id": "p1", "name": "A",
                                                      "kind": "company"})
        other.fire(proc.id, "partner_added", payload={"id": "p2", "name": "B",
                                                      "kind": "company"})
        with pytest.raises(v.TransitionRefused):  # p2 exists now: the cache was not trusted
            store.fire(proc.id, "partner_added", payload={"id": "p2", "name": "C",
                                                          "kind": "company"})
        latest, _ = store.fire(proc.id, "circle_member_joined", payload={"partner": "p2"})
        assert ["p1", "p2"] == [r["id"] for r in latest.records("partners")]


def test_unstored_changes_to_a_returned_process_never_reach_the_store(store_url: str) -> None:
    """Firing on the process store.fire returned, without storing it, is forgotten."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        returned, _ = store.fire(proc.id, "note_added", payload={"text": "stored"})
        returned.fire("note_added", payload={"text": "never stored"})
        store.fire(proc.id, "note_added", payload={"text": "also stored"})
        texts = [e.payload.get("text") for e in store.events(proc.id, after=1)]
        assert ["stored", "also stored"] == texts


def test_a_copy_of_the_bundled_template_is_found_under_its_path(store_url: str,
                                                              tmp_path: Path) -> None:
    """A template file with the bundled id is stored by its path, not as the bundled one."""
    original = Path(TPL.files[0]).read_text(encoding="utf-8")
    copy = tmp_path / "copy.yaml"
    copy.write_text(original.replace("default: 5\n", "default: 1\n", 1), encoding="utf-8")
    tpl = v.load_template(copy)
    assert 1 == tpl.values["circle_min_companies"]
    proc = v.Process.start(tpl, region="R")
    with v.EventStore(store_url) as store:
        store.add(proc)
        assert proc == store.load(proc.id)


def test_append_refuses_events_built_on_another_history(store_url: str) -> None:
    """A process whose history differs from the store's cannot append on top of it."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        store.fire(proc.id, "note_added", payload={"text": "stored"})
        stranger = v.Process.replay(TPL, proc.history[:1])
        stranger.fire("note_added", payload={"text": "elsewhere"})
        stranger.fire("note_added", payload={"text": "more"})
        with pytest.raises(v.ConcurrencyError):
            store.append(stranger, 2)
        assert ["stored"] == [e.payload["text"] for e in store.events(proc.id, after=1)]


def test_a_nul_byte_never_reaches_a_database(store_url: str) -> None:
    """A NUL byte (which PostgreSQL refuses, SQLite keeps) is refused before any store."""
    with v.EventStore(store_url) as store:
        with pytest.raises(ValueError, match="control character"):
            v.Process.start(TPL, region="Nul\x00Region")
        proc = _new(store)
        with pytest.raises(v.TransitionRefused):
            store.fire(proc.id, "note_added", payload={"text": "a\x00b"})
        assert 1 == store.load(proc.id).version


def test_a_snapshot_of_the_wrong_shape_is_corrupt(store_url: str) -> None:
    """A snapshot row that is not a process state is reported with its sequence."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        store.fire(proc.id, "note_added", payload={"text": "x"})
        store.snapshot(proc.id)
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE vt_snapshots SET state = '[]'"))
        with pytest.raises(v.CorruptEventError) as info:
            store.load(proc.id)
        assert 2 == info.value.seq


@pytest.mark.parametrize("mangle", [
    lambda d: d.update(history=5),
    lambda d: d["history"][0]["payload"].pop("region"),
    lambda d: d["history"][0]["payload"].update(parameters=[1]),
])
def test_crafted_exports_are_refused(mangle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An export with a broken history is a ReplayError, not a crash."""
    proc = v.Process.start(TPL, region="R")
    data = json.loads(proc.to_json())
    mangle(data)
    with v.EventStore(f"sqlite:///{tmp_path / 's.sqlite3'}") as store, \
            pytest.raises(v.ReplayError):
        store.import_process(data)


def test_resolve_takes_an_id_or_its_unique_start(store_url: str) -> None:
    """resolve finds a process by its full id or any unique prefix; '%' and '_' are literal."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        assert proc.id == store.resolve(proc.id)
        assert proc.id == store.resolve(proc.id[:5])
        for text_ in ("", "%", "_", proc.id + "x"):
            with pytest.raises(v.ProcessNotFound):
                store.resolve(text_)


def test_resolve_refuses_an_ambiguous_start(store_url: str) -> None:
    """A prefix shared by several ids raises AmbiguousProcessId with every candidate."""
    with v.EventStore(store_url) as store:
        ids = [_new(store).id for _ in range(40)]
        first = next(c for c in "0123456789abcdef" if sum(i[0] == c for i in ids) > 1)
        with pytest.raises(v.AmbiguousProcessId) as caught:
            store.resolve(first)
    assert sorted(i for i in ids if i[0] == first) == list(caught.value.candidates)


def test_a_store_opened_for_reading_is_never_created(store_url: str, tmp_path: Path) -> None:
    """create=False raises StoreNotFound for a missing file or tables, and creates neither."""
    missing = tmp_path / "nothing.sqlite3"
    with pytest.raises(v.StoreNotFound):
        v.EventStore(f"sqlite:///{missing}", create=False)
    assert not missing.exists()
    with pytest.raises(v.StoreNotFound):  # a database without the store's tables
        v.EventStore(store_url, create=False)
    with v.EventStore(store_url) as store:
        _new(store)
    with v.EventStore(store_url, create=False) as store:
        assert 1 == store.count()


def test_export_records_where_the_template_comes_from(store_url: str) -> None:
    """export adds template_source and the template itself, so import_process needs no
    source for it."""
    with v.EventStore(store_url) as store:
        proc = _new(store)
        data = store.export(proc.id)
        with pytest.raises(v.ProcessNotFound):
            store.export("nope")
    assert "verantwortungspartner" == data["template_source"]
    added = {"template_source", "template_digest", "template_document"}
    assert proc.to_dict() == {k: val for k, val in data.items() if k not in added}
    assert added <= set(data)


def test_fire_backs_off_with_jitter_within_its_retry_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lost races wait a random, doubling time; after the store's retries, ConcurrencyError."""
    import verantwortung.store.sql as sql

    waits: list[float] = []
    monkeypatch.setattr(sql.time, "sleep", waits.append)
    with v.EventStore(f"sqlite:///{tmp_path / 's.sqlite3'}", retries=4,
                      retry_delay=0.01) as store:
        proc = _new(store)

        def always_lose(p: v.Process, expected: int) -> int:
            raise v.ConcurrencyError(p.id, expected, expected + 1)

        monkeypatch.setattr(store, "append", always_lose)
        with pytest.raises(v.ConcurrencyError):
            store.fire(proc.id, "note_added", payload={"text": "x"})
    assert 4 == len(waits)
    assert all(0 <= w <= 0.01 * 2 ** i for i, w in enumerate(waits))
    assert len(set(waits)) > 1  # jitter: not one fixed delay


def test_a_retry_budget_that_is_not_a_count_is_refused() -> None:
    """The retry budget is a setting checked when the store opens."""
    with pytest.raises(ValueError, match="retries"):
        v.EventStore("sqlite://", retries=-1)


def test_a_process_of_an_earlier_version_keeps_loading(store_url: str) -> None:
    """A process written with 1.0 (recorded as the bare bundled id) loads with 1.0, even
    though the bare id now names 2.0; export and import keep the version."""
    old = v.load_template("verantwortungspartner", version="1.0")
    proc = v.Process.start(old, region="Trier", at="2014-01-01")
    proc.fire("partner_added", payload={"id": "a", "name": "A", "kind": "company"},
              at="2014-01-02")
    with v.EventStore(store_url) as store:
        store.add(proc, "verantwortungspartner")
        loaded = store.load(proc.id)
        data = store.export(proc.id)
    assert ("1.0", proc) == (loaded.template.version, loaded)
    assert "verantwortungspartner" == data["template_source"]
    assert "1.0" == data["template_version"]


def test_fire_returns_a_named_result_that_still_unpacks(store_url: str) -> None:
    """store.fire gives StoreFired: .process and .fired, and proc, fired = ... as before."""
    with v.EventStore(store_url) as store:
        pid = _new(store).id
        result = store.fire(pid, "note_added", payload={"text": "eins"})
        proc, fired = result
        assert v.StoreFired is type(result)
        assert (proc, fired) == (result.process, result.fired)
        assert (2, "note_added") == (result.process.version, result.fired.event.kind)
        assert store.load(pid) == result.process


def test_payloads_from_the_store_cannot_change_the_history(store_url: str) -> None:
    """Payloads store.fire returns or load reads raise when changed; replay still agrees."""
    with v.EventStore(store_url) as store:
        pid = _new(store).id
        proc, fired = store.fire(pid, "partner_added",
                                 payload={"id": "p1", "name": "A GmbH", "kind": "company"})
        loaded = store.load(pid)
        with pytest.raises(TypeError):
            fired.event.payload["kind"] = "association"  # type: ignore[index]
        with pytest.raises(TypeError):
            loaded.history[0].payload["region"] = "anderswo"  # type: ignore[index]
        assert "company" == store.load(pid).history[-1].payload["kind"]
        assert proc == v.Process.replay(TPL, proc.history) == loaded
