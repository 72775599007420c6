"""The HTTP JSON API: processes, options, events with If-Match, problem+json, roles, feed."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from .conftest import KICKOFF_READY, bearer, fire, new_process

KICKOFF_CODES = ["circle_too_small", "no_theme_identified", "logistics_open",
                 "no_facilitator"]


def test_creating_a_process_answers_201_with_its_id_and_etag(local: TestClient) -> None:
    """POST /api/processes gives 201, the process, ETag "1" and its Location."""
    response = local.post("/api/processes", json={"template": "verantwortungspartner",
                                                  "region": "Thüringen"})
    assert 201 == response.status_code
    body = response.json()
    assert ("preparation", 1, "Thüringen") == (body["phase"], body["version"], body["region"])
    assert '"1"' == response.headers["etag"]
    assert f"/api/processes/{body['id']}" == response.headers["location"]


def test_a_process_is_listed_and_shown_with_its_version_as_etag(local: TestClient) -> None:
    """GET /api/processes lists it; GET /api/processes/{id} carries ETag = version."""
    pid = new_process(local)
    fire(local, pid, "partner_added", {"id": "p1", "name": "Muster GmbH", "kind": "company"})
    assert [pid] == [row["id"] for row in local.get("/api/processes").json()]
    shown = local.get(f"/api/processes/{pid}")
    assert ('"2"', 2) == (shown.headers["etag"], shown.json()["version"])
    assert ["p1"] == [p["id"] for p in shown.json()["state"]["records"]["partners"]]


def test_options_name_every_reason_of_a_blocked_kickoff(local: TestClient) -> None:
    """GET …/options: the kick-off is blocked with its four reasons in the API's shape."""
    pid = new_process(local)
    options = {o["name"]: o for o in local.get(f"/api/processes/{pid}/options").json()}
    kickoff = options["hold_kickoff"]
    assert (False, KICKOFF_CODES) == (kickoff["allowed"],
                                      [r["code"] for r in kickoff["reasons"]])
    first = kickoff["reasons"][0]
    assert {"code", "message", "values", "hard"} == set(first)
    assert "Der Initiativkreis hat 0 Unternehmen; die Mindestzahl ist 5." == \
        first["message"]["de"]
    assert {"count": 0, "min": 5, "max": None, "collection": "circle"} == first["values"]


def test_a_refusal_is_422_problem_json_with_every_reason(local: TestClient) -> None:
    """A blocked trigger answers 422 application/problem+json carrying all reasons."""
    pid = new_process(local)
    response = fire(local, pid, "hold_kickoff")
    assert 422 == response.status_code
    assert "application/problem+json" == response.headers["content-type"]
    body = response.json()
    assert (422, "hold_kickoff", "preparation") == (body["status"], body["trigger"],
                                                    body["phase"])
    assert KICKOFF_CODES == [r["code"] for r in body["reasons"]]
    assert all(set(r["message"]) == {"de", "en"} for r in body["reasons"])
    assert 1 == local.get(f"/api/processes/{pid}").json()["version"]


def test_a_stale_if_match_is_412_and_writes_nothing(local: TestClient) -> None:
    """If-Match with an old version: 412 with the current ETag; the event is not stored."""
    pid = new_process(local)
    fire(local, pid, "note_added", {"text": "eins"})
    response = fire(local, pid, "note_added", {"text": "zwei"}, **{"If-Match": '"1"'})
    assert (412, '"2"') == (response.status_code, response.headers["etag"])
    assert 2 == response.json()["version"]
    assert 2 == local.get(f"/api/processes/{pid}").json()["version"]


def test_a_current_if_match_stores_the_event_and_answers_201(local: TestClient) -> None:
    """If-Match with the current version: 201 with the event and the new ETag."""
    pid = new_process(local)
    response = fire(local, pid, "note_added", {"text": "eins"}, **{"If-Match": '"1"'})
    assert (201, '"2"') == (response.status_code, response.headers["etag"])
    event = response.json()["event"]
    assert ("note_added", 2, {"text": "eins"}) == (event["kind"], event["seq"],
                                                   event["payload"])


def test_the_kickoff_passes_once_its_reasons_are_resolved(local: TestClient) -> None:
    """Partners, circle, theme, logistics and facilitator recorded: the kick-off is 201."""
    pid = new_process(local)
    for trigger, payload in KICKOFF_READY:
        assert 201 == fire(local, pid, trigger, payload).status_code
    response = fire(local, pid, "hold_kickoff")
    assert (201, "kickoff") == (response.status_code, response.json()["phase"])


def test_without_a_token_the_api_answers_401(secured: TestClient) -> None:
    """No token or an unknown one: 401 with a Bearer challenge."""
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic eA=="}):
        response = secured.get("/api/processes", headers=headers)
        assert 401 == response.status_code
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "application/problem+json" == response.headers["content-type"]


def test_a_partner_firing_the_kickoff_gets_403(secured: TestClient) -> None:
    """The role partner may not hold the kick-off: 403 with role_not_allowed."""
    pid = new_process(secured, **bearer("anna"))
    response = fire(secured, pid, "hold_kickoff", **bearer("paul"))
    assert 403 == response.status_code
    assert "role_not_allowed" in [r["code"] for r in response.json()["reasons"]]


def test_the_actor_of_an_event_is_the_signed_in_user(secured: TestClient) -> None:
    """The event's actor is role:name of the token's user; a body cannot name another."""
    pid = new_process(secured, **bearer("anna"))
    plain = fire(secured, pid, "note_added", {"text": "x"}, **bearer("anna"))
    assert "facilitator:anna" == plain.json()["event"]["actor"]
    posed = secured.post(f"/api/processes/{pid}/events", headers=bearer("anna"), json={
        "trigger": "note_added", "payload": {"text": "y"}, "actor": "facilitator:Mallory"})
    assert "facilitator:anna" == posed.json()["event"]["actor"]
    other_role = secured.post(f"/api/processes/{pid}/events", headers=bearer("anna"), json={
        "trigger": "note_added", "payload": {"text": "z"}, "actor": "coordinator"})
    assert 403 == other_role.status_code


def test_invalid_json_is_400_with_a_problem(local: TestClient) -> None:
    """A body that is no JSON, or no object, is 400 problem+json."""
    pid = new_process(local)
    for body in (b"{not json", b"[1, 2]", b"\xff\xfe"):
        response = local.post(f"/api/processes/{pid}/events", content=body,
                              headers={"Content-Type": "application/json"})
        assert 400 == response.status_code
        assert "application/problem+json" == response.headers["content-type"]


def test_an_invalid_payload_is_422_naming_the_field(local: TestClient) -> None:
    """Each wrong payload field is a reason whose field is its path in the body."""
    pid = new_process(local)
    response = fire(local, pid, "partner_added", {"id": "p1", "name": "", "kind": "shop"})
    assert 422 == response.status_code
    fields = [r.get("field") for r in response.json()["reasons"]]
    assert ["payload.name", "payload.kind"] == fields


def test_wrong_members_of_a_request_are_422_with_their_names(local: TestClient) -> None:
    """A missing trigger, a payload that is no object, an unknown member: each named."""
    pid = new_process(local)
    response = local.post(f"/api/processes/{pid}/events",
                          json={"payload": [1], "colour": "red"})
    assert 422 == response.status_code
    assert {"colour", "trigger", "payload"} == {e["field"] for e in response.json()["errors"]}


def test_json_bodies_must_say_so(local: TestClient) -> None:
    """A body sent as a form is 415: the API reads JSON only."""
    response = local.post("/api/processes", data={"template": "verantwortungspartner"})
    assert 415 == response.status_code


def test_an_unknown_process_is_404(local: TestClient) -> None:
    """GET and POST on a process that does not exist: 404 problem+json."""
    assert 404 == local.get("/api/processes/nope").status_code
    assert 404 == fire(local, "nope", "note_added", {"text": "x"}).status_code


def test_a_template_is_named_by_id_never_by_path(local: TestClient) -> None:
    """Only the templates the server offers can start a process; a file path is refused."""
    for template in ("../../etc/passwd", "process_templates/verantwortungspartner.yaml"):
        response = local.post("/api/processes", json={"template": template, "region": "X"})
        assert 422 == response.status_code
        assert "template" == response.json()["errors"][0]["field"]


def test_bad_parameters_and_an_empty_region_are_422(local: TestClient) -> None:
    """Parameters out of range and an empty region are refused, naming the member."""
    response = local.post("/api/processes", json={"template": "verantwortungspartner",
                                                  "region": "X",
                                                  "parameters": {"milestones_max": 99}})
    assert (422, "parameters") == (response.status_code, response.json()["errors"][0]["field"])
    response = local.post("/api/processes", json={"template": "verantwortungspartner",
                                                  "region": " "})
    assert (422, "region") == (response.status_code, response.json()["errors"][0]["field"])


def test_history_lists_every_event_in_order(local: TestClient) -> None:
    """GET …/history: the events, the start first."""
    pid = new_process(local)
    fire(local, pid, "note_added", {"text": "x"})
    kinds = [e["kind"] for e in local.get(f"/api/processes/{pid}/history").json()]
    assert ["process_started", "note_added"] == kinds


def test_the_feed_continues_after_a_position(local: TestClient) -> None:
    """GET /api/feed?after=N: CloudEvents after N, and where to continue."""
    pid = new_process(local)
    fire(local, pid, "note_added", {"text": "x"})
    page = local.get("/api/feed?after=1").json()
    assert [2] == [e["vtposition"] for e in page["events"]]
    assert ("verantwortung.note_added", pid) == (page["events"][0]["type"],
                                                 page["events"][0]["subject"])
    assert "/api/feed?after=2" == page["next"]
    assert [] == local.get("/api/feed?after=2").json()["events"]
    assert 400 == local.get("/api/feed?after=-1").status_code


def test_openapi_carries_the_payload_schema_of_every_event(local: TestClient) -> None:
    """/api/openapi.json: a schema per event of each template, and FireRequest over them."""
    spec = local.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    partner = schemas["verantwortungspartner.partner_added"]
    assert ["id", "name", "kind"] == partner["required"]
    assert "company" in partner["properties"]["kind"]["enum"]
    triggers = {v["properties"]["trigger"]["const"] for v in schemas["FireRequest"]["oneOf"]}
    assert {"hold_kickoff", "partner_added", "abort"} <= triggers
    assert "/api/processes/{id}/events" in spec["paths"]


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(["trigger", "payload", "actor", "at", "x"]),
                            _JSON, max_size=5))
def test_no_request_body_makes_the_server_fail(local: TestClient, body: dict[str, Any]) -> None:
    """Whatever JSON object is posted as an event, the answer is 201 or a 4xx problem."""
    pid = new_process(local)
    response = local.post(f"/api/processes/{pid}/events", json=body)
    assert response.status_code in (201, 400, 403, 422)
    if response.status_code != 201:
        assert "application/problem+json" == response.headers["content-type"]


def test_due_lists_what_is_due_on_a_date_and_refuses_a_date_that_is_none(
        local: TestClient) -> None:
    """GET …/due?at=DATE: the date and the items as due() gives them; 400 for no date."""
    import datetime as dt

    pid = new_process(local)
    kickoff = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=5)).isoformat()
    fire(local, pid, "event_scheduled", {"kind": "kickoff", "date": kickoff})
    later = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=40)).isoformat()
    body = local.get(f"/api/processes/{pid}/due?at={later}").json()
    assert later == body["at"]
    assert ["kickoff_overdue"] == [d["code"] for d in body["due"]]
    assert "has not been held yet" in body["due"][0]["message_en"]
    bad = local.get(f"/api/processes/{pid}/due?at=soon")
    assert (400, "application/problem+json") == (bad.status_code,
                                                 bad.headers["content-type"])
    assert "/api/processes/{id}/due" in local.get("/api/openapi.json").json()["paths"]
