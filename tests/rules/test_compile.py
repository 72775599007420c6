"""Compiled rules: each kind, filters through references, and agreement with a naive count."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verantwortung.engine.state import Layout, State
from verantwortung.model.rules import Rule
from verantwortung.model.specs import CollectionSpec, FieldSpec, Text
from verantwortung.rules.compile import Reads, build_rule, compile_rule

COLLECTIONS = {
    "partners": CollectionSpec(label=Text(de="P", en="P"), fields={
        "id": FieldSpec(type="id"),
        "kind": FieldSpec(type="choice", values=["company", "chamber", "other"])}),
    "circle": CollectionSpec(label=Text(de="K", en="C"), fields={
        "partner": FieldSpec(type="ref", to="partners"),
        "speaker": FieldSpec(type="bool", required=False)}),
    "vision": CollectionSpec(label=Text(de="V", en="V"), single=True,
                             fields={"text": FieldSpec(type="text")}),
}
VALUES = {"need": 2}


def _rule(spec: dict[str, Any]) -> Any:
    from pydantic import TypeAdapter

    return compile_rule(TypeAdapter(Rule).validate_python(spec), COLLECTIONS, VALUES)


def _state(kinds: list[str], speakers: list[bool] | None = None) -> State:
    state = State("preparation", Layout.of(COLLECTIONS))
    for i, kind in enumerate(kinds):
        state.add("partners", {"id": f"p{i}", "kind": kind})
        state.add("circle", {"partner": f"p{i}", "speaker": (speakers or [False] * 99)[i]})
    return state


def test_count_through_a_reference() -> None:
    """where: {partner.kind: company} follows the reference into partners."""
    rule = _rule({"count": "circle", "where": {"partner.kind": "company"},
                  "min": {"param": "need"}})
    assert (False, {"count": 1, "min": 2, "max": None, "collection": "circle"}) == rule(
        _state(["company", "chamber"]), {})
    assert rule(_state(["company", "company"]), {})[0]


def test_count_with_a_list_filter_and_max() -> None:
    """A list in where means 'one of'; max bounds from above."""
    rule = _rule({"count": "partners", "where": {"kind": ["company", "chamber"]}, "max": 1})
    assert (False, 2) == (rule(_state(["company", "chamber", "other"]), {})[0],
                          rule(_state(["company", "chamber", "other"]), {})[1]["count"])


def test_present_single_record_field_and_payload() -> None:
    """present reads a single record, one of its fields, or the payload."""
    state = _state([])
    assert not _rule({"present": "vision"})(state, {})[0]
    state.add("vision", {"text": "2030"})
    assert _rule({"present": "vision"})(state, {})[0]
    assert _rule({"present": "vision.text"})(state, {})[0]
    assert not _rule({"present": "payload.reason"})(state, {"reason": ""})[0]
    assert _rule({"present": "payload.reason"})(state, {"reason": "weil"})[0]


def test_compare_and_junctions() -> None:
    """compare, all, any and not combine as logic says, merging what they saw."""
    state = _state(["company", "company", "other"])
    more = {"compare": {"left": {"count": "partners"}, "op": ">", "right": {"param": "need"}}}
    fewer = {"not": more}
    assert (True, {"left": 3, "right": 2, "op": ">"}) == _rule(more)(state, {})
    assert not _rule(fewer)(state, {})[0]
    assert _rule({"any": [fewer, more]})(state, {})[0]
    assert not _rule({"all": [fewer, more]})(state, {})[0]


def test_compare_with_missing_field_fails_instead_of_raising() -> None:
    """Comparing a missing field with a number is a failed rule, not a TypeError."""
    rule = _rule({"compare": {"left": {"field": "vision.text"}, "op": ">=", "right": 1}})
    assert not rule(_state([]), {})[0]


def test_custom_rules_receive_view_payload_args() -> None:
    """A custom rule is called with the record view, the payload and its args."""
    from pydantic import TypeAdapter

    calls: list[Any] = []

    def has(view: Any, payload: Any, args: Any) -> tuple[bool, dict[str, Any]]:
        calls.append(args)
        return len(view.records("partners")) >= args["n"], {"n": args["n"]}

    rule = compile_rule(TypeAdapter(Rule).validate_python({"custom": "has", "args": {"n": 1}}),
                        COLLECTIONS, VALUES, {"has": has})
    assert (True, {"n": 1}) == rule(_state(["other"]), {})
    assert [{"n": 1}] == calls


@given(st.lists(st.sampled_from(["company", "chamber", "other"]), max_size=12),
       st.lists(st.booleans(), min_size=12, max_size=12),
       st.sampled_from(["company", "chamber", "other"]), st.integers(0, 6))
def test_count_agrees_with_a_naive_count(kinds: list[str], speakers: list[bool], kind: str,
                                         bound: int) -> None:
    """For all records, the compiled count equals counting by hand."""
    state = _state(kinds, speakers)
    rule = _rule({"count": "circle", "where": {"partner.kind": kind, "speaker": True},
                  "min": bound})
    expected = sum(1 for k, s in zip(kinds, speakers, strict=False) if k == kind and s)
    ok, seen = rule(state, {})
    assert (expected >= bound, expected) == (ok, seen["count"])


@pytest.mark.parametrize("spec", [{"count": "circle"}, {"present": 3}, {"nope": 1}, {}])
def test_invalid_rule_specs_do_not_validate(spec: dict[str, Any]) -> None:
    """A rule without bounds, of the wrong shape or of no known kind is refused."""
    from pydantic import TypeAdapter, ValidationError

    with pytest.raises(ValidationError):
        TypeAdapter(Rule).validate_python(spec)


CHAMBERS_AT_MOST_ONE = {"count": "partners", "where": {"kind": "chamber"}, "max": 1}
ANY_PARTNERS = {"count": "partners", "min": 0}
TWO_COMPANIES = {"count": "partners", "where": {"kind": "company"}, "min": 2}


def test_all_reports_the_values_of_the_sub_rule_that_failed() -> None:
    """A failing all shows the count of its failing sub-rule, not of the last one."""
    state = _state(["chamber", "chamber"])
    ok, seen = _rule({"all": [CHAMBERS_AT_MOST_ONE, ANY_PARTNERS]})(state, {})
    assert (False, 2, 1) == (ok, seen["count"], seen["max"])


def test_all_reports_the_first_failing_sub_rule() -> None:
    """Of two failing sub-rules of an all, the first decides the values shown."""
    state = _state(["chamber", "chamber"])
    ok, seen = _rule({"all": [ANY_PARTNERS, CHAMBERS_AT_MOST_ONE, TWO_COMPANIES]})(state, {})
    assert (False, 2, 1, None) == (ok, seen["count"], seen["max"], seen["min"])


def test_any_reports_the_sub_rule_that_passed() -> None:
    """A passing any shows the values of its (first) passing sub-rule."""
    state = _state(["chamber", "company", "company"])
    ok, seen = _rule({"any": [CHAMBERS_AT_MOST_ONE, TWO_COMPANIES, ANY_PARTNERS]})(state, {})
    assert (True, 1, 1) == (ok, seen["count"], seen["max"])


def test_a_failing_any_reports_its_last_sub_rule() -> None:
    """A failing any shows what its last sub-rule saw (the condition an 'unless' guards)."""
    state = _state(["chamber", "chamber", "company"])
    ok, seen = _rule({"any": [TWO_COMPANIES, CHAMBERS_AT_MOST_ONE]})(state, {})
    assert (False, 2, 1) == (ok, seen["count"], seen["max"])


def test_nested_junctions_report_the_deciding_leaf() -> None:
    """Inside not and nested all/any, the values still come from the deciding sub-rule."""
    state = _state(["chamber", "chamber"])
    rule = _rule({"all": [{"not": {"count": "partners", "max": 0}},
                          {"any": [{"all": [ANY_PARTNERS, CHAMBERS_AT_MOST_ONE]}]},
                          ANY_PARTNERS]})
    ok, seen = rule(state, {})
    assert (False, 2, 1) == (ok, seen["count"], seen["max"])


def test_values_of_other_sub_rules_fill_the_gaps() -> None:
    """A placeholder only a passing sub-rule offers still gets that sub-rule's value."""
    state = _state(["chamber", "chamber"])
    state.add("vision", {"text": "2030"})
    ok, seen = _rule({"all": [{"present": "vision.text"}, CHAMBERS_AT_MOST_ONE]})(state, {})
    assert (False, 2, "2030") == (ok, seen["count"], seen["value"])


@pytest.mark.parametrize(("spec", "expected"), [
    ({"present": "payload.reason"}, Reads(("reason",), False)),
    ({"compare": {"left": {"field": "payload.n"}, "op": ">=", "right": {"param": "need"}}},
     Reads(("n",), False)),
    ({"all": [{"present": "payload.a"}, {"not": {"present": "payload.b"}}]},
     Reads(("a", "b"), False)),
    ({"any": [{"present": "payload.a"}, {"present": "vision"}]}, Reads(("a",), True)),
    ({"all": [{"present": "payload.a"}, {"count": "partners", "min": 1}]}, Reads(("a",), True)),
    ({"present": "vision.text"}, Reads((), True)),
    ({"compare": {"left": 1, "op": "<", "right": {"param": "need"}}}, Reads((), False)),
    ({"custom": "has"}, Reads((), True)),
], ids=["present", "compare", "junction", "any-record", "all-count", "record", "constants",
        "custom"])
def test_reads_tell_the_payload_from_the_records(spec: dict[str, Any], expected: Reads) -> None:
    """The compiler says which payload fields a rule reads and whether it reads records."""
    from pydantic import TypeAdapter

    compiled = build_rule(TypeAdapter(Rule).validate_python(spec), COLLECTIONS, VALUES,
                          {"has": lambda view, payload, args: True})
    assert (expected, bool(expected.payload) and not expected.records) == (
        compiled.reads, compiled.reads.input_only)


def test_compare_texts_of_records_and_payload() -> None:
    """compare == and != work on texts: a record's field against the payload or a constant."""
    state = _state([])
    state.add("vision", {"text": "2030"})
    same = _rule({"compare": {"left": {"field": "vision.text"}, "op": "==",
                              "right": {"field": "payload.text"}}})
    other = _rule({"compare": {"left": {"field": "vision.text"}, "op": "!=", "right": "2030"}})
    assert (True, False) == (same(state, {"text": "2030"})[0], same(state, {"text": "2040"})[0])
    assert (False, {"left": "2030", "right": "2030", "op": "!="}) == other(state, {})


class _DatedView:
    """Records of one collection, judged on a day."""

    def __init__(self, records: list[dict[str, object]], at: object) -> None:
        self._records, self.at, self.last_at = records, at, None

    def records(self, collection: str) -> list[dict[str, object]]:
        return self._records

    def single(self, collection: str) -> None:
        return None

    def lookup(self, collection: str, record_id: object) -> None:
        return None


def test_a_months_rule_counts_whole_calendar_months_and_says_where_it_changes() -> None:
    """since ... unit: months, max: 6 passes up to six whole months; its edge is the day after."""
    import datetime as dt

    from pydantic import TypeAdapter

    from verantwortung.model.rules import Rule
    from verantwortung.model.specs import CollectionSpec, FieldSpec, Text
    from verantwortung.rules.compile import build_timed

    rule = TypeAdapter(Rule).validate_python(
        {"since": "meetings", "field": "date", "unit": "months", "max": 6})
    meetings = {"meetings": CollectionSpec(label=Text(de="T", en="M"),
                                           fields={"date": FieldSpec(type="date")})}
    timed = build_timed(rule, meetings, {})
    fn, [edges] = timed.fn, timed.edges
    records = [{"date": "2012-01-31"}, {"date": "2012-02-29"}]  # the latest counts

    def judged(day: dt.date, recs: list[dict[str, object]]) -> tuple[bool, object]:
        ok, seen = fn(_DatedView(recs, day), {})
        return ok, seen["months"]

    assert [(True, 6), (True, 6), (False, 7), (False, None)] == [
        judged(dt.date(2012, 8, 29), records), judged(dt.date(2012, 9, 28), records),
        judged(dt.date(2012, 9, 29), records), judged(dt.date(2012, 9, 29), [])]
    assert dt.date(2012, 9, 29) in edges(_DatedView(records, dt.date(2013, 1, 1)),
                                         dt.date(2013, 1, 1))
