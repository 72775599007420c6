"""The OpenAPI 3.1 description of the API, with the payload schema of every event.

Written from the templates themselves (the same payload schemas the feed publishes,
``store.cloudevents.event_schemas``), so no model class repeats what a template says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..model.process import MIGRATED_EVENT, START_EVENT
from ..model.template import ProcessTemplate
from ..store.cloudevents import event_schemas

__all__ = ["openapi"]

_PROBLEM = {"$ref": "#/components/responses/Problem"}
_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _payloads(templates: Mapping[str, ProcessTemplate]) -> tuple[dict[str, Any], list[Any]]:
    """A schema per template and kind, and the FireRequest variants that use them."""
    schemas: dict[str, Any] = {}
    variants: list[Any] = []
    for tid, tpl in templates.items():
        for ce_type, doc in event_schemas(tpl).items():
            kind = ce_type.removeprefix("verantwortung.")
            if kind in (START_EVENT, MIGRATED_EVENT):  # written by the library only
                continue
            name = f"{tid}.{kind}"
            schemas[name] = {**doc["properties"]["data"]["properties"]["payload"],
                             "title": doc["title"]}
            variants.append({"type": "object", "title": name, "required": ["trigger"],
                             "additionalProperties": False, "properties": {
                                 "trigger": {"const": kind}, "payload": _ref(name),
                                 "actor": {"type": "string", "description": "the role to "
                                           "act in (one of yours); the name is yours"},
                                 "at": {"type": "string", "format": "date-time"}}})
    return schemas, variants


def _paths() -> dict[str, Any]:
    etag = {"ETag": {"schema": {"type": "string"}, "description": "the process version"}}
    return {
        "/api/processes": {
            "get": {"summary": "The processes", "responses": {"200": _json(
                {"type": "array", "items": _ref("ProcessInfo")}, "the processes")}},
            "post": {"summary": "Start a process", "requestBody": {"required": True,
                     "content": {"application/json": {"schema": _ref("NewProcess")}}},
                     "responses": {"201": {**_json(_ref("Process"), "the new process"),
                                           "headers": etag}, "422": _PROBLEM}}},
        "/api/processes/{id}": {"get": {
            "summary": "A process: phase, version, state", "parameters": _ID,
            "responses": {"200": {**_json(_ref("Process"), "the process"), "headers": etag},
                          "404": _PROBLEM}}},
        "/api/processes/{id}/options": {"get": {
            "summary": "What can be done next, and why not", "parameters": _ID,
            "responses": {"200": _json({"type": "array"}, "every trigger and event")}}},
        "/api/processes/{id}/events": {"post": {
            "summary": "Fire a trigger or record an event",
            "parameters": [*_ID, {"name": "If-Match", "in": "header", "required": False,
                                  "schema": {"type": "string"},
                                  "description": "the ETag read; 412 when it is stale"}],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("FireRequest")}}},
            "responses": {"201": _json({"type": "object"}, "the stored event"),
                          "400": _PROBLEM, "401": _PROBLEM, "403": _PROBLEM,
                          "404": _PROBLEM, "412": _PROBLEM, "422": _PROBLEM}}},
        "/api/processes/{id}/due": {"get": {
            "summary": "What is due in a process on a date (default today), overdue first",
            "parameters": [*_ID, {"name": "at", "in": "query", "required": False,
                                  "schema": {"type": "string", "format": "date"}}],
            "responses": {"200": _json({"type": "object"}, "the date and the due items"),
                          "400": _PROBLEM, "404": _PROBLEM}}},
        "/api/processes/{id}/history": {"get": {
            "summary": "Every event of a process", "parameters": _ID,
            "responses": {"200": _json({"type": "array"}, "the events in order")}}},
        "/api/feed": {"get": {
            "summary": "Every event of the store as CloudEvents, after a position",
            "parameters": [{"name": n, "in": "query", "schema": {"type": "integer",
                                                                 "minimum": 0}}
                           for n in ("after", "limit")],
            "responses": {"200": _json({"type": "object"}, "a page of the feed")}}},
    }


def openapi(templates: Mapping[str, ProcessTemplate]) -> dict[str, Any]:
    """The OpenAPI document of the API for these templates (by id)."""
    payloads, variants = _payloads(templates)
    reason = {"type": "object", "required": ["code", "message", "values"], "properties": {
        "code": {"type": "string"}, "values": {"type": "object"},
        "message": {"type": "object", "properties": {"de": {"type": "string"},
                                                     "en": {"type": "string"}}},
        "field": {"type": "string", "description": "the path of the field at fault"}}}
    schemas = {
        **payloads,
        "FireRequest": {"oneOf": variants} if variants else {"type": "object"},
        "NewProcess": {"type": "object", "required": ["template", "region"],
                       "additionalProperties": False, "properties": {
                           "template": {"enum": list(templates)},
                           "region": {"type": "string", "minLength": 1},
                           "parameters": {"type": "object"}}},
        "Process": {"type": "object", "required": ["id", "phase", "version"]},
        "ProcessInfo": {"type": "object", "required": ["id", "template", "phase"]},
        "Reason": reason,
        "Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "reasons": {"type": "array", "items": _ref("Reason")}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "verantwortung", "version": __version__,
                 "description": "Processes of the Verantwortungspartner method."},
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Problem": {"description": "RFC 9457 problem details", "content": {
                "application/problem+json": {"schema": _ref("Problem")}}}}},
        "security": [{"bearer": []}],
        "paths": _paths(),
    }
