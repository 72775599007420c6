"""The pages for facilitators: server-rendered HTML, German first, no JavaScript needed.

Every form posts with the session's CSRF token and is answered post/redirect/get: a
step that passes redirects to the process page; one that is refused shows the page
again with the form as it was filled and every reason next to its field.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..engine.process import Process
from ..exceptions import ConcurrencyError, ParameterError, ProcessNotFound, TransitionRefused
from ..render.words import label
from .api import fire_as
from .auth import User, verify_password
from .context import COOKIE, WebContext, context_of
from .forms import payload_from_form
from .safety import csp_with_style
from .sessions import Session
from .views import Submitted, due_rows, history_rows, steps, timeline
from .words import LANGS, words

__all__ = ["http_error", "page_routes"]

_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


class _Page:
    """One page request: its context, session, user and language."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.ctx: WebContext = context_of(request)
        self.session: Session | None = self.ctx.session(request)
        self.new_session = self.session is None
        if self.session is None:
            self.session = self.ctx.sessions.new()
        self.user: User | None = self.ctx.page_user(request, self.session)
        asked = request.query_params.get("lang")
        self.lang = asked if asked in LANGS else self.ctx.lang
        self.w = words(self.lang)
        self.form: dict[str, list[str]] = {}

    def url(self, path: str, **query: Any) -> str:
        """``path`` in this page's language."""
        if self.lang != self.ctx.lang:
            query["lang"] = self.lang
        return f"{path}?{urlencode(query)}" if query else path

    def finish(self, response: Response) -> Response:
        """Set the session cookie on a new session (HttpOnly, SameSite=Strict)."""
        if self.new_session and self.session is not None:
            response.set_cookie(COOKIE, self.ctx.sessions.cookie(self.session), httponly=True,
                                samesite="strict", secure=self.ctx.secure_cookies, path="/",
                                max_age=self.ctx.sessions.max_age)
        response.headers["Cache-Control"] = "no-store"
        return response

    def html(self, template: str, status: int = 200, **values: Any) -> Response:
        """A page from the Jinja2 templates."""
        assert self.session is not None
        other = next(lang for lang in LANGS if lang != self.lang)
        text = self.ctx.jinja.get_template(template).render(
            w=self.w, lang=self.lang, url=self.url, csrf=self.session.csrf, user=self.user,
            local=self.ctx.local, signed_in=self.session.user is not None,
            other_lang=other, here=self.request.url.path, **values)
        return self.finish(HTMLResponse(text, status_code=status))

    def redirect(self, path: str, **query: Any) -> Response:
        """303 See Other to ``path`` (the GET of post/redirect/get)."""
        return self.finish(RedirectResponse(self.url(path, **query), status_code=303))

    def error(self, status: int, title: str, text: str) -> Response:
        """An error page in words."""
        return self.html("error.html", status, title=title, text=text)


def _guarded(handler: Callable[[_Page], Response], *, post: bool = False,
             sign_in: bool = True) -> Callable[[Request], Any]:
    """Wrap a page handler: the form read and checked for CSRF, the user signed in."""

    async def endpoint(request: Request) -> Response:
        form = await request.form() if post else None
        page = await run_in_threadpool(_Page, request)
        if form is not None:
            lang = form.get("lang")
            if isinstance(lang, str) and lang in LANGS:
                page.lang, page.w = lang, words(lang)
            token = form.get("csrf")
            assert page.session is not None
            if page.new_session or not page.session.csrf_ok(
                    token if isinstance(token, str) else None):
                return page.error(403, page.w("forbidden"), page.w("csrf"))
            page.form = {k: [v for v in form.getlist(k) if isinstance(v, str)]
                         for k in form}
        if sign_in and page.user is None:
            return page.redirect("/login")
        try:
            return await run_in_threadpool(handler, page)
        except ProcessNotFound:
            return page.error(404, page.w("not_found"), page.w("not_found_text"))

    return endpoint


# -- the pages --------------------------------------------------------------------------------


def _as_of(page: _Page) -> dt.date | None:
    """The date of ``?at=YYYY-MM-DD`` (None: today); ValueError for one that is no date."""
    text = page.request.query_params.get("at", "").strip()
    return dt.date.fromisoformat(text) if text else None


def _index(page: _Page) -> Response:
    try:
        at = _as_of(page)
    except ValueError:
        return page.error(400, page.w("bad_date"), page.w("bad_date_text"))
    due = {proc.id: due_rows(proc, page.lang, at) for proc in page.ctx.store.load_all()}
    rows = []
    for info in page.ctx.store.list():
        phase = info.phase
        if info.template in page.ctx.template_sources:
            tpl = page.ctx.template(info.template)
            phase = next((label(p.label, page.lang, p.id) for p in tpl.phases
                          if p.id == info.phase), info.phase)
        rows.append({"id": info.id, "region": info.region, "template": info.template,
                     "phase": phase, "version": info.version,
                     "updated": info.updated_at[:16].replace("T", " "),
                     "due": due.get(info.id, [])})
    return page.html("index.html", processes=rows, at=_day_text(at, page.lang),
                     at_iso=at.isoformat() if at else "")


def _day_text(at: dt.date | None, lang: str) -> str:
    from ..rules.dates import human_date

    return human_date(at or dt.datetime.now(dt.UTC).date(), lang)


def _parameters(page: _Page, template_id: str) -> list[dict[str, Any]]:
    tpl = page.ctx.template(template_id)
    return [{"name": name, "label": label(spec.label, page.lang, name), "type": spec.type,
             "default": spec.default, "min": spec.min, "max": spec.max}
            for name, spec in tpl.parameters.items()]


def _new(page: _Page) -> Response:
    chosen = page.request.query_params.get("template")
    templates = [(tid, label(page.ctx.template(tid).title, page.lang, tid))
                 for tid in page.ctx.template_sources]
    params = (_parameters(page, chosen) if chosen is not None
              and chosen in page.ctx.template_sources else None)
    return page.html("new.html", templates=templates, chosen=chosen, parameters=params,
                     errors=[], region="")


def _parse_parameters(page: _Page, template_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in _parameters(page, template_id):
        raw = (page.form.get(f"p.{p['name']}") or [""])[-1].strip()
        if p["type"] == "bool":
            value: Any = raw == "on"
        elif not raw:
            continue
        elif p["type"] in ("int", "number"):
            try:
                value = int(raw) if p["type"] == "int" else float(raw)
            except ValueError:
                value = raw  # the template's check names what it expected
        else:
            value = raw
        if value != p["default"]:
            out[p["name"]] = value
    return out


def _create(page: _Page) -> Response:
    tid = (page.form.get("template") or [""])[-1]
    region = (page.form.get("region") or [""])[-1].strip()
    if tid not in page.ctx.template_sources:
        return page.redirect("/new")
    assert page.user is not None
    tpl = page.ctx.template(tid)
    try:
        proc = Process.start(tpl, region=region, parameters=_parse_parameters(page, tid),
                             actor=page.user.actor(None, tuple(tpl.roles)))
    except (ParameterError, ValueError) as exc:
        templates = [(t, label(page.ctx.template(t).title, page.lang, t))
                     for t in page.ctx.template_sources]
        return page.html("new.html", 422, templates=templates, chosen=tid,
                         parameters=_parameters(page, tid), errors=[str(exc)], region=region)
    page.ctx.store.add(proc, page.ctx.template_sources[tid])
    return page.redirect(f"/processes/{proc.id}")


def _process_page(page: _Page, proc: Process, status: int = 200,
                  submitted: Submitted | None = None, notice: str = "",
                  at: dt.date | None = None) -> Response:
    triggers, events, elsewhere = steps(proc, page.lang, submitted)
    phase = proc.template.phase(proc.phase)
    return page.html("process.html", status, proc=proc, phase=label(phase.label, page.lang),
                     due=due_rows(proc, page.lang, at), at=_day_text(at, page.lang),
                     at_iso=at.isoformat() if at else "",
                     timeline=timeline(proc, page.lang), triggers=triggers, events=events,
                     elsewhere=elsewhere, notice=notice, final=proc.is_final,
                     history=history_rows(proc, page.lang)[:5])


def _show(page: _Page) -> Response:
    try:
        at = _as_of(page)
    except ValueError:
        return page.error(400, page.w("bad_date"), page.w("bad_date_text"))
    proc = page.ctx.store.load(page.request.path_params["id"])
    notice = ""
    done = page.request.query_params.get("done", "")
    if done.isdigit() and 0 < int(done) <= proc.version:
        event = proc.history[int(done) - 1]
        notice = page.w("done", label=history_rows(proc, page.lang)[-int(done)].label,
                        seq=event.seq)
    return _process_page(page, proc, notice=notice, at=at)


def _do(page: _Page) -> Response:
    pid, name = page.request.path_params["id"], page.request.path_params["name"]
    proc = page.ctx.store.load(pid)
    assert page.user is not None
    payload = payload_from_form(proc.template, name, page.form)
    values = {k[2:]: v if len(v) > 1 else v[-1] for k, v in page.form.items()
              if k.startswith("f.") and v}
    if "preview" in page.form:
        actor = page.user.actor(proc.can(name).roles, tuple(proc.template.roles))
        option = proc.can(name, actor=actor, payload=payload)
        return _process_page(page, proc, submitted=Submitted(
            name, values, option.reasons, preview=option.allowed))
    version = (page.form.get("version") or [""])[-1]
    try:
        proc, fired = fire_as(page.ctx, page.user, pid, name, payload,
                              expected=int(version) if version.isdigit() else None)
    except TransitionRefused as refused:
        return _process_page(page, proc, 422, Submitted(name, values, refused.reasons,
                                                        refused=True))
    except ConcurrencyError:
        proc = page.ctx.store.load(pid)
        return _process_page(page, proc, 409, Submitted(name, values), page.w("stale"))
    return page.redirect(f"/processes/{pid}", done=fired.event.seq)


def _history(page: _Page) -> Response:
    proc = page.ctx.store.load(page.request.path_params["id"])
    return page.html("history.html", proc=proc, rows=history_rows(proc, page.lang))


def _own_page(page: _Page, text: str) -> Response:
    """A self-contained page of the renderers: allowed exactly its own style element."""
    styles = _STYLE.findall(text)
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode() \
        if len(styles) == 1 else "none"
    return page.finish(HTMLResponse(text, headers={
        "Content-Security-Policy": csp_with_style(digest)}))


def _report(page: _Page) -> Response:
    from ..render import report

    proc = page.ctx.store.load(page.request.path_params["id"])
    return _own_page(page, report(proc, lang=page.lang))


def _portfolio(page: _Page) -> Response:
    from ..render import portfolio
    from ..store import projection

    listed = projection.current(page.ctx.store)
    return _own_page(page, portfolio(listed.processes, "html", page.lang,
                                     started=listed.started))


def _handbook(page: _Page) -> Response:
    from ..render import handbook

    proc = page.ctx.store.load(page.request.path_params["id"])
    return _own_page(page, handbook(proc.template, lang=page.lang, fmt="html"))


def _diagram(page: _Page) -> Response:
    from ..render import diagram, graphviz_available

    proc = page.ctx.store.load(page.request.path_params["id"])
    dot = graphviz_available()
    text = "" if dot else diagram(None, proc, fmt="mermaid", lang=page.lang)
    return page.html("diagram.html", proc=proc, graphviz=dot, mermaid=text)


def _diagram_svg(page: _Page) -> Response:
    from ..render import diagram

    proc = page.ctx.store.load(page.request.path_params["id"])
    svg = diagram(None, proc, fmt="svg", lang=page.lang)
    return page.finish(Response(svg, media_type="image/svg+xml", headers={
        "Content-Security-Policy": "default-src 'none'"}))


def _login_form(page: _Page) -> Response:
    return page.html("login.html", failed=False, name="")


def _login(page: _Page) -> Response:
    name = (page.form.get("name") or [""])[-1].strip()
    password = (page.form.get("password") or [""])[-1]
    user = next((u for u in page.ctx.users or () if u.name == name), None)
    if user is None or not verify_password(user, password):
        return page.html("login.html", 401, failed=True, name=name)
    assert page.session is not None
    page.ctx.sessions.drop(page.session)  # a new id on sign-in: no session fixation
    page.session, page.new_session = page.ctx.sessions.new(user), True
    return page.redirect("/")


def _logout(page: _Page) -> Response:
    assert page.session is not None
    page.ctx.sessions.drop(page.session)
    response = page.redirect("/login" if not page.ctx.local else "/")
    response.delete_cookie(COOKIE, path="/")
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    """An unknown address or method: problem+json under /api, a page in words elsewhere."""
    status = int(getattr(exc, "status_code", 500))
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        from .problems import problem

        return problem(status, str(getattr(exc, "detail", "")) or "Error")
    page = await run_in_threadpool(_Page, request)
    if status == 404:
        return page.error(404, page.w("not_found"), page.w("not_found_text"))
    return page.error(status, page.w("forbidden"), str(getattr(exc, "detail", "")))


def page_routes() -> list[Route]:
    """The routes of the pages."""
    return [
        Route("/", _guarded(_index), methods=["GET"]),
        Route("/new", _guarded(_new), methods=["GET"]),
        Route("/portfolio", _guarded(_portfolio), methods=["GET"]),
        Route("/new", _guarded(_create, post=True), methods=["POST"]),
        Route("/processes/{id}", _guarded(_show), methods=["GET"]),
        Route("/processes/{id}/do/{name}", _guarded(_do, post=True), methods=["POST"]),
        Route("/processes/{id}/history", _guarded(_history), methods=["GET"]),
        Route("/processes/{id}/report", _guarded(_report), methods=["GET"]),
        Route("/processes/{id}/handbook", _guarded(_handbook), methods=["GET"]),
        Route("/processes/{id}/diagram", _guarded(_diagram), methods=["GET"]),
        Route("/processes/{id}/diagram.svg", _guarded(_diagram_svg), methods=["GET"]),
        Route("/login", _guarded(_login_form, sign_in=False), methods=["GET"]),
        Route("/login", _guarded(_login, post=True, sign_in=False), methods=["POST"]),
        Route("/logout", _guarded(_logout, post=True, sign_in=False), methods=["POST"]),
    ]
