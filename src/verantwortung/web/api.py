"""The HTTP JSON API under ``/api``.

``ETag`` is the process version (``"7"``); ``POST …/events`` with ``If-Match: "7"``
writes only onto that version and answers 412 when another writer came first (without
``If-Match`` it retries like ``store.fire``). Refusals are 422 problem+json with every
reason; a role that may not take the step is 403, no or an unknown token 401.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..engine.process import Process
from ..exceptions import (
    ConcurrencyError,
    ParameterError,
    ProcessNotFound,
    TemplateError,
    TransitionRefused,
)
from ..model.process import Option, split_actor
from ..store.rows import StoreFired
from .auth import User
from .context import WebContext, context_of
from .openapi import openapi
from .problems import json_response, problem, reason_json

__all__ = ["FORBIDDEN_CODES", "api_routes", "fire_as", "option_json"]

#: reasons that mean "not you", answered with 403 instead of 422
FORBIDDEN_CODES = frozenset({"role_not_allowed", "unknown_role"})
_FEED_PAGE = 500


class _ProblemError(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def _body(raw: bytes, content_type: str) -> dict[str, Any]:
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise _ProblemError(problem(415, "Unsupported media type",
                               "send the request body as application/json"))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _ProblemError(problem(400, "Invalid JSON", f"the body is not valid JSON: {exc}",
                               errors=[{"field": "", "message": str(exc)}])) from None
    if not isinstance(data, dict):
        raise _ProblemError(problem(400, "Invalid JSON", "the body must be a JSON object",
                               errors=[{"field": "", "message": "expected an object"}]))
    return data


def _field_errors(data: dict[str, Any], spec: dict[str, tuple[type, bool]]) -> list[dict[str, str]]:
    """Each member of ``data`` that is missing, of the wrong type, or not known."""
    errors = [{"field": key, "message": f"{key!r} is not a member of this request; members "
               f"are {', '.join(spec)}"} for key in data if key not in spec]
    for key, (kind, required) in spec.items():
        if key not in data or data[key] is None:
            if required:
                errors.append({"field": key, "message": f"{key!r} is required"})
        elif not isinstance(data[key], kind) or isinstance(data[key], bool) is not (
                kind is bool):
            errors.append({"field": key, "message": f"{key!r} must be {kind.__name__}"})
    return errors


def _invalid(errors: list[dict[str, str]]) -> _ProblemError:
    return _ProblemError(problem(422, "Invalid request", "; ".join(e["message"] for e in errors),
                            errors=errors))


def option_json(o: Option) -> dict[str, Any]:
    """An option for the API, its reasons in the API's shape."""
    return {"name": o.name, "kind": o.kind, "allowed": o.allowed,
            "label": {"de": o.label_de, "en": o.label_en}, "target": o.target,
            "roles": list(o.roles) if o.roles is not None else None,
            "needs_input": list(o.needs_input),
            "reasons": [reason_json(r) for r in o.reasons],
            "advisories": [reason_json(r) for r in o.advisories]}


def _process_json(proc: Process) -> dict[str, Any]:
    return {"id": proc.id, "region": proc.region, "template": {
        "id": proc.template.id, "version": proc.template.version}, "phase": proc.phase,
        "final": proc.is_final, "version": proc.version, "state": proc.state()}


def _load(ctx: WebContext, process_id: str) -> Process:
    try:
        return ctx.store.load(process_id)
    except ProcessNotFound:
        raise _ProblemError(problem(404, "No such process",
                               f"there is no process {process_id!r}")) from None


def _version(header: str | None) -> int | None:
    """The version an ``If-Match`` header names (None: none given or ``*``)."""
    if header is None or header.strip() == "*":
        return None
    text = header.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise _ProblemError(problem(400, "Invalid If-Match",
                               'If-Match takes the ETag of the process, like "7"'))
    return int(text)


def _role_of(user: User, proc: Process, name: str, asked: str | None) -> str:
    """The actor ``role:name`` of this user for the step ``name`` (403 if they may not)."""
    try:
        allowed = proc.can(name).roles
    except KeyError:
        allowed = None  # an unknown step: the engine refuses it with unknown_trigger
    if asked is None:
        return user.actor(allowed, tuple(proc.template.roles))
    role = split_actor(asked).role
    if not (user.every_role or role in user.roles):
        raise _ProblemError(problem(403, "Not your role",
                               f"you act as {', '.join(user.roles)}, not as {role}"))
    return f"{role}:{user.name}"


def fire_as(ctx: WebContext, user: User, process_id: str, name: str, payload: Any,
            *, expected: int | None = None, role: str | None = None,
            at: str | None = None) -> StoreFired:
    """Fire ``name`` as ``user``: onto version ``expected`` (ConcurrencyError when the
    store moved on), or with retries. Raises TransitionRefused; ProcessNotFound."""
    return ctx.writer.fire(user, process_id, name, payload, expected=expected, at=at,
                           actor_of=lambda proc: _role_of(user, proc, name, role))


def _refused(refused: TransitionRefused) -> Response:
    forbidden = any(r.code in FORBIDDEN_CODES for r in refused.reasons)
    status = 403 if forbidden else 422
    title = "Not allowed for your role" if forbidden else "Refused"
    return problem(status, title, f"{refused.trigger} is refused in phase {refused.phase}",
                   reasons=refused.reasons, trigger=refused.trigger, phase=refused.phase)


# -- handlers (sync: run in the thread pool, the store blocks) ---------------------------------


def _list(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    q = request.query_params
    rows = ctx.store.list(template=q.get("template"), phase=q.get("phase"),
                          region=q.get("region"))
    return json_response([r.to_dict() for r in rows])


def _create(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    errors = _field_errors(data, {"template": (str, True), "region": (str, True),
                                  "parameters": (dict, False)})
    if errors:
        raise _invalid(errors)
    if data["template"] not in ctx.template_sources:
        raise _invalid([{"field": "template", "message": f"unknown template "
                         f"{data['template']!r}; known are {', '.join(ctx.template_sources)}"}])
    try:
        tpl = ctx.template(data["template"])
        proc = Process.start(tpl, region=data["region"], parameters=data.get("parameters"),
                             actor=user.actor(None, tuple(tpl.roles)))
    except ParameterError as exc:
        raise _invalid([{"field": "parameters", "message": str(exc)}]) from None
    except ValueError as exc:
        raise _invalid([{"field": "region", "message": str(exc)}]) from None
    ctx.store.add(proc, ctx.template_sources[data["template"]])
    return json_response(_process_json(proc), 201, {
        **_etag(proc.version), "Location": f"/api/processes/{proc.id}"})


def _show(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    proc = _load(ctx, request.path_params["id"])
    return json_response(_process_json(proc), headers=_etag(proc.version))


def _options(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    proc = _load(ctx, request.path_params["id"])
    return json_response([option_json(o) for o in proc.options()],
                         headers=_etag(proc.version))


def _due(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    text = request.query_params.get("at", "").strip()
    try:
        at = dt.date.fromisoformat(text) if text else dt.datetime.now(dt.UTC).date()
    except ValueError:
        raise _ProblemError(problem(400, "Invalid date", f"at: {text!r} is not a date; "
                                    "write YYYY-MM-DD")) from None
    proc = _load(ctx, request.path_params["id"])
    return json_response({"at": at.isoformat(), "due": [d.to_dict() for d in proc.due(at=at)]},
                         headers=_etag(proc.version))


def _history(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    proc = _load(ctx, request.path_params["id"])
    return json_response([e.to_dict() for e in proc.history], headers=_etag(proc.version))


def _fire(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    errors = _field_errors(data, {"trigger": (str, True), "payload": (dict, False),
                                  "actor": (str, False), "at": (str, False)})
    if errors:
        raise _invalid(errors)
    pid = request.path_params["id"]
    expected = _version(request.headers.get("if-match"))
    try:
        proc, fired = fire_as(ctx, user, pid, data["trigger"], data.get("payload") or {},
                              expected=expected, role=data.get("actor"), at=data.get("at"))
    except ProcessNotFound:
        raise _ProblemError(problem(404, "No such process", f"there is no process {pid!r}")
                       ) from None
    except TransitionRefused as refused:
        return _refused(refused)
    except ConcurrencyError:
        now = ctx.store.info(pid).version
        return problem(412, "Stale version", f"the process is at version {now}; read it "
                       "again and retry", headers=_etag(now), version=now)
    return json_response({"event": fired.event.to_dict(), "version": proc.version,
                          "phase": proc.phase,
                          "advisories": [reason_json(a) for a in fired.advisories]}, 201,
                         {**_etag(proc.version),
                          "Location": f"/api/processes/{pid}/history#{fired.event.seq}"})


def _feed(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    from ..store.cloudevents import CloudEvents

    q = request.query_params
    numbers = {k: q.get(k, d) for k, d in (("after", "0"), ("limit", str(_FEED_PAGE)))}
    bad = [{"field": k, "message": f"{k} must be a whole number >= 0"}
           for k, v in numbers.items() if not v.isdigit()]
    if bad:
        raise _ProblemError(problem(400, "Invalid query", "; ".join(b["message"] for b in bad),
                               errors=bad))
    after, limit = int(numbers["after"]), min(int(numbers["limit"]), _FEED_PAGE)
    convert = CloudEvents(ctx.store)
    items = [convert(s) for s in ctx.store.read_all(after=after, limit=limit)]
    last = items[-1]["vtposition"] if items else after
    return json_response({"events": items, "last": last,
                          "next": f"/api/feed?after={last}"})


def _spec(ctx: WebContext, user: User, request: Request, data: dict[str, Any]) -> Response:
    return json_response(openapi({tid: ctx.template(tid) for tid in ctx.template_sources}))


Handler = Callable[[WebContext, User, Request, dict[str, Any]], Response]


def _endpoint(handler: Handler, *, body: bool = False) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        ctx = context_of(request)
        user = await run_in_threadpool(ctx.api_user, request)
        if user is None:
            return problem(401, "Not signed in", "send 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": 'Bearer realm="verantwortung"'})
        try:
            data = _body(await request.body(), request.headers.get("content-type", "")
                         ) if body else {}
            return await run_in_threadpool(handler, ctx, user, request, data)
        except _ProblemError as p:
            return p.response
        except TemplateError as exc:
            return problem(422, "Template does not load", str(exc))
    return endpoint


def api_routes() -> list[Route]:
    """The routes of the API."""
    return [
        Route("/api/processes", _endpoint(_list), methods=["GET"]),
        Route("/api/processes", _endpoint(_create, body=True), methods=["POST"]),
        Route("/api/processes/{id}", _endpoint(_show), methods=["GET"]),
        Route("/api/processes/{id}/options", _endpoint(_options), methods=["GET"]),
        Route("/api/processes/{id}/events", _endpoint(_fire, body=True), methods=["POST"]),
        Route("/api/processes/{id}/history", _endpoint(_history), methods=["GET"]),
        Route("/api/processes/{id}/due", _endpoint(_due), methods=["GET"]),
        Route("/api/feed", _endpoint(_feed), methods=["GET"]),
        Route("/api/openapi.json", _endpoint(_spec), methods=["GET"]),
    ]
