"""The pages: forms from payload fields, post/redirect/get, refusals, CSRF, sign-in, escaping."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from starlette.testclient import TestClient

from .conftest import KICKOFF_READY, PASSWORDS, XSS, csrf_of, fire, new_process


def _step_form(page: str, name: str) -> str:
    """The HTML of the step ``name`` on a process page."""
    found = re.search(rf'<section class="step[^"]*" id="step-{name}".*?</section>', page,
                      re.DOTALL)
    assert found is not None, f"no step {name}"
    return found.group(0)


def _post(client: TestClient, pid: str, name: str, data: dict[str, str | list[str]],
          *, lang: str = "de") -> object:
    page = client.get(f"/processes/{pid}?lang={lang}").text
    return client.post(f"/processes/{pid}/do/{name}", data={
        "csrf": csrf_of(page), "lang": lang, **data}, follow_redirects=False)


def test_the_start_page_lists_the_processes_with_their_phase(local: TestClient) -> None:
    """/ shows each process's region and phase label, in German first."""
    new_process(local, "Südthüringen")
    page = local.get("/").text
    assert "Südthüringen" in page
    assert "Vorbereitung" in page
    assert '<html lang="de">' in page
    assert "Preparation" in local.get("/?lang=en").text


def test_a_process_page_shows_every_reason_of_a_blocked_step(local: TestClient) -> None:
    """The kick-off's form is disabled and lists its four reasons in words."""
    pid = new_process(local)
    step = _step_form(local.get(f"/processes/{pid}").text, "hold_kickoff")
    assert 'data-state="blocked"' in step
    assert "<fieldset disabled>" in step
    for text in ("Der Initiativkreis hat 0 Unternehmen; die Mindestzahl ist 5.",
                 "Infrastruktur und Logistik sind noch nicht geklärt.",
                 "Es ist noch keine Prozessbegleitung benannt."):
        assert f"<li>{text}</li>" in step


def test_forms_are_generated_from_the_payload_fields(local: TestClient) -> None:
    """choice -> select with labels, ref -> select by name, bool -> checkbox, date -> date."""
    pid = new_process(local)
    fire(local, pid, "partner_added", {"id": "p1", "name": "Muster GmbH", "kind": "company"})
    page = local.get(f"/processes/{pid}").text
    partner = _step_form(page, "partner_added")
    assert '<select id="f-partner_added-kind" name="f.kind"' in partner
    assert '<option value="company">Unternehmen</option>' in partner
    member = _step_form(page, "circle_member_joined")
    assert '<option value="p1">Muster GmbH</option>' in member
    assert 'type="checkbox"' in member
    scheduled = _step_form(page, "event_scheduled")
    assert 'type="date"' in scheduled
    assert '<label for="f-partner_added-name">' in partner


def test_a_list_of_references_is_a_multi_select_of_names(local: TestClient) -> None:
    """A team's members (refs to partners) are chosen from the partners by name."""
    pid = new_process(local)
    for trigger, payload in [*KICKOFF_READY, ("hold_kickoff", {})]:
        fire(local, pid, trigger, payload)
    team = _step_form(local.get(f"/processes/{pid}").text, "team_formed")
    assert 'name="f.members" multiple' in team
    assert '<option value="c0">Firma 0</option>' in team
    response = _post(local, pid, "team_formed", {"f.id": "t", "f.name": "Team",
                                                 "f.members": ["c0", "c1"]})
    assert 303 == response.status_code  # type: ignore[attr-defined]
    teams = local.get(f"/api/processes/{pid}").json()["state"]["records"]["teams"]
    assert [["c0", "c1"]] == [t["members"] for t in teams]


def test_a_step_that_passes_redirects_to_the_process_page(local: TestClient) -> None:
    """Post/redirect/get: 303 to the process page, which says what was done."""
    pid = new_process(local)
    response = _post(local, pid, "partner_added", {"f.id": "p1", "f.name": "Muster GmbH",
                                                   "f.kind": "company"})
    assert 303 == response.status_code  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert f"/processes/{pid}?done=2" == location
    assert "Erledigt: Partner aufgenommen (Ereignis 2)." in local.get(location).text


def test_a_refusal_shows_the_form_again_with_its_reasons(local: TestClient) -> None:
    """A refused form comes back filled in, each field's problem next to it, status 422."""
    pid = new_process(local)
    response = _post(local, pid, "partner_added", {"f.id": "p1", "f.name": XSS,
                                                   "f.kind": ""})
    assert 422 == response.status_code  # type: ignore[attr-defined]
    step = _step_form(response.text, "partner_added")  # type: ignore[attr-defined]
    assert 'aria-invalid="true"' in step
    assert "Art fehlt." in step
    assert "partner_added:" not in step  # the field's label, no internal id
    assert f'value="{htmllib.escape(XSS)}"' in step
    assert 1 == local.get(f"/api/processes/{pid}").json()["version"]


def test_would_this_pass_evaluates_the_filled_form_without_storing(local: TestClient) -> None:
    """The preview button judges the filled form and stores nothing."""
    pid = new_process(local)
    response = _post(local, pid, "abort", {"f.reason": "Kein Thema", "preview": "1"})
    assert "Mit diesen Angaben ginge es." in response.text  # type: ignore[attr-defined]
    assert 1 == local.get(f"/api/processes/{pid}").json()["version"]


def test_a_form_without_its_csrf_token_is_refused(local: TestClient) -> None:
    """A post without the session's CSRF token (or with another) is 403 and changes nothing."""
    pid = new_process(local)
    local.get("/")
    for data in ({}, {"csrf": "forged"}):
        response = local.post(f"/processes/{pid}/do/note_added",
                              data={**data, "f.text": "x"}, follow_redirects=False)
        assert 403 == response.status_code
    stranger = TestClient(local.app)  # another browser, with a token it did not get
    token = csrf_of(local.get("/new?template=verantwortungspartner").text)
    response = stranger.post(f"/processes/{pid}/do/note_added",
                             data={"csrf": token, "f.text": "x"})
    assert 403 == response.status_code
    assert 1 == local.get(f"/api/processes/{pid}").json()["version"]


def test_the_session_cookie_is_httponly_and_samesite_strict(local: TestClient) -> None:
    """The cookie that carries the session cannot be read by scripts nor sent cross-site."""
    cookie = local.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie


def test_with_users_the_pages_ask_to_sign_in(secured: TestClient) -> None:
    """Without a session the pages redirect to /login; a wrong password is refused."""
    response = secured.get("/", follow_redirects=False)
    assert (303, "/login") == (response.status_code, response.headers["location"])
    page = secured.get("/login").text
    bad = secured.post("/login", data={"csrf": csrf_of(page), "name": "anna",
                                       "password": "wrong"})
    assert 401 == bad.status_code
    assert "stimmt nicht" in bad.text


def test_signing_in_gives_a_new_session_and_acts_as_the_user(secured: TestClient) -> None:
    """After sign-in, events recorded on the pages carry role:name of the user."""
    old = secured.get("/login")
    secured.post("/login", data={"csrf": csrf_of(old.text), "name": "anna",
                                 "password": PASSWORDS["anna"]})
    assert secured.cookies.get("vt_session") != old.cookies.get("vt_session")
    start = secured.get("/new?template=verantwortungspartner").text
    created = secured.post("/new", data={"csrf": csrf_of(start), "template":
                                         "verantwortungspartner", "region": "Harz"},
                           follow_redirects=False)
    pid = created.headers["location"].rsplit("/", 1)[-1]
    response = _post(secured, pid, "note_added", {"f.text": "Hallo"})
    assert 303 == response.status_code  # type: ignore[attr-defined]
    events = secured.app.state.ctx.store.events(pid)  # type: ignore[attr-defined]
    assert ["facilitator:anna", "facilitator:anna"] == [e.actor for e in events]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_partner_named_like_a_script_stays_text_on_every_page(local: TestClient,
                                                                lang: str) -> None:
    """The XSS probe is escaped on every page, in the region and in a partner's name."""
    pid = new_process(local, XSS)
    for trigger, payload in KICKOFF_READY:
        fire(local, pid, trigger, payload)
    fire(local, pid, "partner_added", {"id": "x", "name": XSS, "kind": "company"})
    fire(local, pid, "note_added", {"text": XSS})
    for path in ("/", f"/processes/{pid}", f"/processes/{pid}/history",
                 f"/processes/{pid}/report", f"/processes/{pid}/handbook",
                 f"/processes/{pid}/diagram", "/new?template=verantwortungspartner"):
        page = local.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert 200 == page.status_code, path
        assert XSS not in page.text, path
        assert "<script" not in page.text, path
    assert htmllib.escape(XSS) in local.get(f"/processes/{pid}").text


def test_an_unknown_process_page_is_404_in_words(local: TestClient) -> None:
    """A process that does not exist: a 404 page, not a traceback."""
    response = local.get("/processes/nope")
    assert 404 == response.status_code
    assert "gibt es nicht" in response.text


def test_a_new_process_starts_from_a_template_with_its_parameters(local: TestClient) -> None:
    """/new shows the template's parameters; a changed one is stored with the process."""
    page = local.get("/new?template=verantwortungspartner").text
    assert 'name="p.milestones_max"' in page
    response = local.post("/new", data={"csrf": csrf_of(page), "template":
                                        "verantwortungspartner", "region": "Harz",
                                        "p.milestones_max": "4"}, follow_redirects=False)
    assert 303 == response.status_code
    pid = response.headers["location"].rsplit("/", 1)[-1]
    history = local.get(f"/api/processes/{pid}/history").json()
    assert {"milestones_max": 4} == history[0]["payload"]["parameters"]


def test_the_report_page_allows_exactly_its_own_style(local: TestClient) -> None:
    """The report keeps its inline style under a CSP that names that style's hash only."""
    pid = new_process(local)
    csp = local.get(f"/processes/{pid}/report").headers["content-security-policy"]
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    assert "unsafe-inline" not in csp
    assert "script" not in csp


def test_the_history_names_referenced_records_by_name(local: TestClient) -> None:
    """A theme chosen by id reads as its title in the history, not as the id."""
    pid = new_process(local)
    fire(local, pid, "theme_proposed", {"id": "t1", "title": "Fachkräfte sichern"})
    fire(local, pid, "theme_selected", {"theme": "t1"})
    page = local.get(f"/processes/{pid}/history").text
    assert '<span class="k">Thema:</span> Fachkräfte sichern</span>' in page


def test_the_process_page_and_the_start_page_show_what_is_due(local: TestClient) -> None:
    """A kick-off scheduled and not held: both pages list it as overdue, as of a date."""
    import datetime as dt

    pid = new_process(local, "Saalekreis")
    today = dt.datetime.now(dt.UTC).date()
    kickoff = today + dt.timedelta(days=10)
    assert 201 == fire(local, pid, "event_scheduled",
                       {"kind": "kickoff", "date": kickoff.isoformat()}).status_code
    later = (today + dt.timedelta(days=30)).isoformat()
    page = local.get(f"/processes/{pid}?at={later}").text
    assert 'data-due="kickoff_overdue" data-severity="overdue"' in page
    assert "Auftaktveranstaltung überfällig" in page
    assert "hat noch nicht stattgefunden" in page
    assert 'data-due="meeting_upcoming"' in local.get(f"/processes/{pid}").text
    start = local.get(f"/?at={later}&lang=en").text
    assert 'data-due="kickoff_overdue"' in start
    assert "Kick-off overdue" in start
    early = local.get(f"/processes/{pid}?at={today.isoformat()}&lang=en").text
    assert "Due on" in early
    assert 'data-due="kickoff_overdue"' not in early


def test_a_date_that_is_no_date_is_a_page_in_words(local: TestClient) -> None:
    """?at=tomorrow is answered 400 with what to write instead; nothing else happens."""
    pid = new_process(local)
    for path in (f"/processes/{pid}?at=tomorrow", "/?at=2013-13-01"):
        response = local.get(path)
        assert 400 == response.status_code
        assert "JJJJ-MM-TT" in response.text
