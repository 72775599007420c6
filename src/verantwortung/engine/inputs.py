"""What a caller hands to ``fire`` besides the payload: the actor, the time, the name.

A web app passes these on from requests, so each is checked like a payload is: a
value that is not clean text, or a date beyond the horizon, is a refusal with a
reason, never an exception from deeper down.
"""

from __future__ import annotations

import datetime as dt
import reprlib

from ..model.process import Reason
from ..model.text import check_text
from .reasons import generic

__all__ = ["beyond_horizon", "clean_actor", "shown", "timestamp"]

_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 60


def shown(value: object) -> str:
    """A caller's value, shortened, for a message (it may be anything); a text without
    Python's quotes, for the message quotes it as people do."""
    text = _SHOWN.repr(value)
    if isinstance(value, str) and len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def clean_actor(actor: object) -> tuple[str, Reason | None]:
    """The actor as normalised text, or why it is refused (not text, control characters)."""
    if not isinstance(actor, str):
        return "", generic("invalid_actor", actor=shown(actor),
                           problem_de="ist kein Text", problem_en="is not a text")
    text, problem = check_text(actor, "line")
    if problem is not None:
        return "", generic("invalid_actor", actor=shown(actor), problem_de=problem.de,
                           problem_en=problem.en)
    return text, None


def beyond_horizon(when: dt.datetime, horizon: dt.timedelta | None) -> Reason | None:
    """``timestamp_in_future`` when ``when`` lies more than ``horizon`` after the clock."""
    if horizon is None:
        return None
    now = dt.datetime.now(dt.UTC)
    if when <= now + horizon:
        return None
    hours = int(horizon.total_seconds() // 3600)
    return generic("timestamp_in_future", at=when.isoformat(), now=now.isoformat(
        timespec="minutes"), hours=hours)


def timestamp(at: dt.datetime | dt.date | str | None) -> dt.datetime:
    if at is None:
        return dt.datetime.now(dt.UTC)
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError as exc:
            raise ValueError(f"timestamp {at!r} is not ISO 8601 (YYYY-MM-DD[THH:MM])") from exc
    if not isinstance(at, (dt.datetime, dt.date)):
        raise ValueError(f"timestamp {at!r} is not a date, a datetime or ISO 8601 text")
    if not isinstance(at, dt.datetime):
        at = dt.datetime(at.year, at.month, at.day)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
