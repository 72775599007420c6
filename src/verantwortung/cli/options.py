"""The options several commands share, each declared once: ``--db``, ``--lang``,
``--format``, ``--at`` and ``-o``; the store that ``--db`` names; number arguments.

A command module asks for an option by calling one of the ``add_*`` functions on its
parser, with the words that fit the command (what ``--lang`` translates, which formats
``--format`` offers); the flag, its metavar and its choices live here only.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import EventStore

__all__ = ["DB_ENV", "DEFAULT_DB", "TEXT_OR_JSON", "Command", "add_at", "add_db",
           "add_format", "add_lang", "add_output", "db_url", "positive", "store_for",
           "whole"]

#: registers a command on the main parser: ``command(name, func)`` returns its parser
Command = Callable[[str, Callable[[argparse.Namespace], int]], argparse.ArgumentParser]

DB_ENV = "VERANTWORTUNG_DB"
DEFAULT_DB = "sqlite:///verantwortung.sqlite3"
TEXT_OR_JSON = "human-readable text (default) or JSON for scripts"
LANGUAGES = ("de", "en")


def add_db(p: argparse.ArgumentParser) -> None:
    """``--db URL``: the event store (read with :func:`store_for`)."""
    p.add_argument("--db", metavar="URL", help=f"store URL or SQLite file (env {DB_ENV}; "
                   f"default {DEFAULT_DB})")


def add_lang(p: argparse.ArgumentParser, what: str, *, default: str = "de",
             note: str = "") -> None:
    """``--lang de|en``: the language of ``what`` (help: "language of WHAT (default de)")."""
    p.add_argument("--lang", choices=list(LANGUAGES), default=default,
                   help=f"language of {what} (default {default}{note})")


def add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json"), *,
               help: str = TEXT_OR_JSON, required: bool = False) -> None:
    """``--format``: the first of ``choices`` is the default unless the option is required."""
    p.add_argument("--format", choices=list(choices), required=required,
                   default=None if required else choices[0], help=help)


def add_at(p: argparse.ArgumentParser, help: str) -> None:
    """``--at DATE``: when something happened, or the date to judge on."""
    p.add_argument("--at", metavar="DATE", help=help)


def add_output(p: argparse.ArgumentParser, what: str | None = None) -> None:
    """``-o FILE``: write to a file instead of standard output."""
    p.add_argument("-o", "--output", metavar="FILE",
                   help=f"write {what or 'to'} {'to ' if what else ''}FILE instead of stdout")


def db_url(value: str | None) -> str:
    """The store URL of ``--db`` (or ``VERANTWORTUNG_DB``); a plain path is a SQLite file."""
    url = value or os.environ.get(DB_ENV) or DEFAULT_DB
    return url if "://" in url else f"sqlite:///{url}"


def store_for(args: argparse.Namespace, *, create: bool = False) -> EventStore:
    """The store of ``--db``; only commands that write (``create=True``) may create it."""
    from ..store import EventStore

    return EventStore(db_url(args.db), create=create)


def whole(least: int, *, too_small: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number >= ``least`` (``too_small`` words the refusal)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"{value} {too_small or f'is less than {least}'}")
        return value
    return parse


def positive(text: str) -> float:
    """An argparse type: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} is not more than 0")
    return value
