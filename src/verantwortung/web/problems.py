"""Errors as RFC 9457 problem details (``application/problem+json``).

A refusal carries every reason as ``{code, message: {de, en}, values}``; an invalid
payload names the field of each reason in ``field`` (the path into the request body).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.responses import Response

from ..exceptions import RefusalReason

__all__ = ["PROBLEM_TYPE", "json_response", "problem", "reason_json"]

PROBLEM_TYPE = "application/problem+json"
_TYPES = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
          405: "method-not-allowed", 409: "conflict", 412: "precondition-failed",
          413: "too-large", 415: "unsupported-media-type", 422: "refused",
          428: "precondition-required", 500: "internal-error"}


def reason_json(reason: RefusalReason, where: str = "payload") -> dict[str, Any]:
    """A reason for the API: code, message in de and en, the values the rule saw."""
    out: dict[str, Any] = {"code": reason.code,
                           "message": {"de": reason.message_de, "en": reason.message_en},
                           "values": _plain(reason.seen), "hard": reason.hard}
    field = reason.seen.get("field") if reason.code == "invalid_payload" else None
    if isinstance(field, str) and field:
        out["field"] = f"{where}.{field}"
    return out


def _plain(value: Any) -> Any:
    """JSON-ready copy of the values a rule saw (frozen payload parts become plain)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None,
                  media_type: str = "application/json") -> Response:
    """A JSON response in UTF-8 (umlauts as they are)."""
    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return Response(body, status_code=status, headers=dict(headers or {}),
                    media_type=media_type)


def problem(status: int, title: str, detail: str = "", *,
            reasons: Iterable[RefusalReason] | None = None, where: str = "payload",
            headers: Mapping[str, str] | None = None, **extra: Any) -> Response:
    """A problem+json response; ``reasons`` become the ``reasons`` member."""
    body: dict[str, Any] = {"type": f"urn:verantwortung:problem:{_TYPES.get(status, status)}",
                            "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if reasons is not None:
        body["reasons"] = [reason_json(r, where) for r in reasons]
    body.update(extra)
    return json_response(body, status, headers, PROBLEM_TYPE)
