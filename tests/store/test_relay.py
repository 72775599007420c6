"""The relay: signed webhooks in order, retries with back-off, dead letters, resuming."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v
from tests.store._receiver import SECRET, Receiver, closed_port, running_receiver
from verantwortung.store.relay import Relay, list_dead_letters, sign, verify_signature

TPL = v.load_template("verantwortungspartner")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 that fails the first tries of every event."""
    with running_receiver() as state:
        yield state


def _store_with_notes(url: str, texts: list[str]) -> tuple[v.EventStore, str]:
    store = v.EventStore(url)
    proc = v.Process.start(TPL, region="Trier", at="2014-01-01")
    store.add(proc)
    for text in texts:
        store.fire(proc.id, "note_added", payload={"text": text})
    return store, proc.id


def test_every_event_arrives_once_in_order_and_a_poisoned_one_is_dead_lettered(
        store_url: str, receiver: Receiver) -> None:
    """Through failing first tries, each event is accepted once, in position order,
    signed; an event the receiver always refuses is listed as a dead letter."""
    store, pid = _store_with_notes(store_url, ["a", "poison", "b"])
    slept: list[float] = []
    relay = Relay(store, receiver.url, secret=SECRET, max_tries=3, backoff=0.001,
                  sleep=slept.append)
    result = relay.run(until_idle=True)
    assert (3, 1, 4) == (result.delivered, result.dead_lettered, result.position)
    assert [1, 2, 4] == [ce["vtposition"] for ce in receiver.accepted]
    assert ["verantwortung.process_started", "verantwortung.note_added",
            "verantwortung.note_added"] == [ce["type"] for ce in receiver.accepted]
    assert 0 == receiver.bad_signatures
    assert 4 * 2 == len(slept)
    assert all(0 < s <= 0.004 for s in slept)
    [dead] = list_dead_letters(store, "relay")
    assert (3, "note_added", 3, "HTTP 422 Unprocessable Entity") == (
        dead.position, dead.kind, dead.tries, dead.error)
    store.fire(pid, "note_added", payload={"text": "after a restart"})
    again = Relay(store, receiver.url, secret=SECRET, backoff=0.001, sleep=slept.append)
    result = again.run(until_idle=True)
    assert (1, 0, 5) == (result.delivered, result.dead_lettered, result.position)
    assert [1, 2, 4, 5] == [ce["vtposition"] for ce in receiver.accepted]
    store.close()


def test_an_unreachable_receiver_stops_the_relay_and_loses_nothing(
        store_url: str, receiver: Receiver) -> None:
    """A refused connection, after every try, stops the relay before the event; the next
    run delivers from there."""
    store, _ = _store_with_notes(store_url, ["a"])
    down = f"http://127.0.0.1:{closed_port()}/hooks"
    with pytest.raises(v.DeliveryError, match="after 2 tries") as info:
        Relay(store, down, secret=SECRET, max_tries=2, backoff=0.001).run(until_idle=True)
    assert "refused" in str(info.value).lower()
    assert [] == list_dead_letters(store)
    receiver.fail_first = 0
    result = Relay(store, receiver.url, secret=SECRET).run(until_idle=True)
    assert (2, [1, 2]) == (result.delivered, [ce["vtposition"] for ce in receiver.accepted])
    store.close()


def test_a_receiver_that_times_out_is_a_failed_try(store_url: str,
                                                   receiver: Receiver) -> None:
    """A receiver slower than the timeout counts as unreachable: the relay stops."""
    store, _ = _store_with_notes(store_url, [])
    receiver.delay = 0.5
    with pytest.raises(v.DeliveryError, match="timed out"):
        Relay(store, receiver.url, secret=SECRET, max_tries=1, timeout=0.1).run(
            until_idle=True)
    store.close()


@given(st.integers(1, 40), st.floats(0.001, 5), st.floats(0.01, 60))
def test_back_off_doubles_with_jitter_and_is_bounded(tries: int, base: float,
                                                    cap: float) -> None:
    """Each wait lies between half and all of min(cap, base * 2^(tries-1))."""
    relay = Relay.__new__(Relay)
    relay.backoff, relay.max_backoff = base, cap
    full = min(cap, base * 2 ** (tries - 1))
    assert full / 2 <= relay.delay(tries) <= full


@given(st.binary(max_size=200), st.binary(min_size=1, max_size=200))
def test_a_signature_holds_only_for_its_body_and_secret(body: bytes, other: bytes) -> None:
    """verify_signature accepts the signed body and refuses another or an old one."""
    stamp = str(int(time.time()))
    signature = sign(SECRET, stamp, body)
    assert signature.startswith("sha256=")
    assert len(signature) == 7 + 64
    assert verify_signature(SECRET, stamp, body, signature)
    assert not verify_signature(SECRET, stamp, body + other, signature)
    assert not verify_signature(b"other", stamp, body, signature)
    assert not verify_signature(SECRET, stamp, body, signature, now=int(stamp) + 301)
