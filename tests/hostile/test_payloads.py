"""Items 7-9: abusive calls are refusals with reasons; the text policy; the time horizon."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.model.text import LIMITS, check_text, id_key

TPL = v.load_template("verantwortungspartner")
PARTNER = {"id": "p1", "name": "Muster GmbH", "kind": "company"}


def _proc() -> v.Process:
    return v.Process.start(TPL, region="Thüringen", at="2012-01-01")


def _refused(proc: v.Process, name: Any, **kwargs: Any) -> list[str]:
    """The reason codes of a fire that must be refused."""
    kwargs.setdefault("at", "2012-01-02")
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire(name, **kwargs)
    return [r.code for r in info.value.reasons]


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("payload", [{"text": _nested(10_000)}, _nested(100_000),
                                     {"text": [[[[[[[[[["x"]]]]]]]]]]}])
def test_a_deep_payload_is_refused(payload: dict[str, Any]) -> None:
    """Payloads nested thousands deep are invalid_payload, not a RecursionError."""
    assert ["invalid_payload"] == _refused(_proc(), "note_added", payload=payload)


def test_a_cyclic_payload_is_refused() -> None:
    """A list that holds itself is refused, not walked forever."""
    loop: list[Any] = []
    loop.append(loop)
    assert ["invalid_payload"] == _refused(_proc(), "note_added", payload={"text": loop})


@pytest.mark.parametrize("actor", [5, b"facilitator", ["facilitator"], "facilitator:\ud800",
                                   "coordinator:\udcff", "facilitator:A\x00", "coordinator:\u202e",
                                   "facilitator:" + "x" * 300, "facilitator:A\nB"])
def test_a_bad_actor_is_refused(actor: Any) -> None:
    """An actor that is no clean one-line text is invalid_actor."""
    assert ["invalid_actor"] == _refused(_proc(), "note_added", actor=actor,
                                         payload={"text": "x"})


@pytest.mark.parametrize("name", [["hold_kickoff"], 5, None, {"a": 1}])
def test_a_trigger_name_that_is_no_text_is_refused(name: Any) -> None:
    """A list or number as trigger name is unknown_trigger, not a TypeError."""
    assert ["unknown_trigger"] == _refused(_proc(), name)


def test_a_date_far_in_the_future_is_refused_and_changes_nothing() -> None:
    """``at="9999-12-31"`` is timestamp_in_future; later events are still accepted."""
    proc = _proc()
    assert ["timestamp_in_future"] == _refused(proc, "note_added", payload={"text": "x"},
                                               at="9999-12-31")
    proc.fire("note_added", payload={"text": "x"}, at="2012-01-03")
    assert 2 == proc.version


def test_the_horizon_is_one_day_and_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within a day of the clock is fine; the horizon is the class's ``max_future``."""
    now = dt.datetime.now(dt.UTC)
    proc = v.Process.start(TPL, region="R", at=now - dt.timedelta(days=1))
    proc.fire("note_added", payload={"text": "x"}, at=now + dt.timedelta(hours=23))
    assert ["timestamp_in_future"] == _refused(proc, "note_added", payload={"text": "x"},
                                               at=now + dt.timedelta(days=2))
    monkeypatch.setattr(v.Process, "max_future", dt.timedelta(days=7))
    proc.fire("note_added", payload={"text": "x"}, at=now + dt.timedelta(days=2))
    assert 3 == proc.version


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("id", "p\x001", "control_character"), ("id", "p\n1", "control_character"),
    ("id", "p\u202e1", "bidi_control"), ("id", "p\u200b1", "invisible_character"),
    ("name", "A\u202eB", "bidi_control"), ("name", "A\x00B", "control_character"),
    ("name", "A\ud800", "string_unicode"), ("id", "x" * 101, "too_long"),
])
def test_the_text_policy_refuses_with_a_reason(field: str, value: str, problem: str) -> None:
    """Control, bidi and invisible characters and over-long texts are refused, named."""
    proc = _proc()
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("partner_added", payload={**PARTNER, field: value}, at="2012-01-02")
    assert [("invalid_payload", problem)] == [(r.code, r.seen["problem"])
                                              for r in info.value.reasons]


@pytest.mark.parametrize("second", ["P1", "ｐ１", "p\u0031"])
def test_ids_that_read_alike_collide(second: str) -> None:
    """``P1``, fullwidth ``ｐ１`` and ``p1`` are one id: the second is refused."""
    proc = _proc()
    proc.fire("partner_added", payload=PARTNER, at="2012-01-02")
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("partner_added", payload={**PARTNER, "id": second}, at="2012-01-03")
    assert ["invalid_payload"] == [r.code for r in info.value.reasons]


def test_texts_are_stored_in_nfc() -> None:
    """A decomposed ``é`` is stored composed, so one name typed two ways is one text."""
    proc = _proc()
    proc.fire("partner_added", payload={**PARTNER, "name": "Cafe\u0301"}, at="2012-01-02")
    assert "Caf\u00e9" == proc.records("partners")[0]["name"]


@pytest.mark.parametrize("region", ["x" * 17_000, "Th\u202eüringen", "A\x00", "\ud800"])
def test_a_region_outside_the_policy_is_refused(region: str) -> None:
    """A region of 17,000 characters or with control characters cannot start a process."""
    with pytest.raises(ValueError, match="region"):
        v.Process.start(TPL, region=region)


@given(st.text(max_size=300), st.sampled_from(sorted(LIMITS)))
def test_the_text_policy_holds_for_every_text(text: str, kind: Any) -> None:
    """Every text is refused, or comes back NFC, within its limit, and stable."""
    clean, problem = check_text(text, kind)
    if problem is None:
        assert clean == check_text(clean, kind)[0]
        assert len(text) <= LIMITS[kind]
        assert not any(ch in clean for ch in "\x00\r\u202e")


@given(st.text(max_size=20))
def test_id_keys_fold_case_and_width(text: str) -> None:
    """The id key ignores case and compatibility forms, and is idempotent."""
    assert id_key(text) == id_key(id_key(text)) == id_key(text.upper())
