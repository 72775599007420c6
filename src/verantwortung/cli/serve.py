"""The web command of the CLI: ``serve`` runs the web app and API with uvicorn.

Without ``--users`` it serves one local user with every role, and only on a loopback
address (a facilitator's laptop); any other address needs a users file. ``--hash``
prints the argon2 hash of a secret read from standard input, ``--new-token`` a fresh
API token and its hash, for the users file.
"""

from __future__ import annotations

import argparse
import ipaddress
import secrets
import sys

from .console import EXIT_OK, CommandUsageError, err, out
from .options import Command, add_db, add_lang, store_for

__all__ = ["add_commands", "is_loopback"]

_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this computer."""
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _web() -> None:
    try:
        import jinja2  # noqa: F401  # only checks that the extra is installed
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise CommandUsageError(f"the web app needs the extra [web]: pip install "
                                f"'verantwortung[web]' ({exc.name} is missing)") from None


def _secrets(args: argparse.Namespace) -> int:
    from ..web import hash_secret

    if args.new_token:
        token = secrets.token_urlsafe(32)
        out(f"token: {token}")
        out(f"hash:  {hash_secret(token)}")
        return EXIT_OK
    secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise CommandUsageError("--hash reads the secret from standard input; it was empty")
    out(hash_secret(secret))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app for facilitators and the HTTP API (extra [web])."""
    _web()
    if args.hash or args.new_token:
        return _secrets(args)
    from ..web import SessionKeyError, UsersFileError, create_app, load_users, session_key

    loopback = is_loopback(args.host)
    if args.users is None and not loopback:
        raise CommandUsageError(f"--host {args.host} is reachable from other computers: "
                                "give --users FILE (who may sign in, with which role)")
    try:
        users = load_users(args.users) if args.users is not None else None
    except UsersFileError as exc:
        for d in exc.diagnostics:
            err(str(d))
        raise CommandUsageError(f"--users {args.users} cannot be used") from None
    key_file = args.session_key or (f"{args.users}.session-key" if args.users else None)
    try:
        key = session_key(key_file) if key_file is not None else None
    except SessionKeyError as exc:
        raise CommandUsageError(str(exc)) from None
    import uvicorn

    with store_for(args, create=True) as store:
        hosts = ["localhost", "127.0.0.1", "::1", "[::1]"] if loopback else None
        app = create_app(store, users=users, lang=args.lang, allowed_hosts=hosts,
                         session_key=key)
        shown = f"[{args.host}]" if ":" in args.host else args.host
        if users is None:
            err(f"verantwortung serve: no users file, so one local user with every role "
                 f"works without signing in; only this computer reaches "
                 f"http://{shown}:{args.port}/")
        else:
            noun = "user" if len(users) == 1 else "users"
            err(f"verantwortung serve: {len(users)} {noun} from {args.users}, on "
                 f"http://{shown}:{args.port}/; sessions signed with the key in {key_file}, "
                 "so they survive a restart")
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                    server_header=False, proxy_headers=False)
    return EXIT_OK


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1 to 65535)")
    return value


def add_commands(command: Command) -> None:
    """Register serve on the main parser."""
    p = command("serve", cmd_serve)
    add_db(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: only this computer)")
    p.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    add_lang(p, "the pages", note="; ?lang=en switches")
    p.add_argument("--users", metavar="FILE",
                   help="YAML file of users with role and argon2 hashes of password and/or "
                        "API token (required for any address but loopback)")
    p.add_argument("--session-key", metavar="FILE",
                   help="file with the key that signs session cookies, made if missing "
                        "(default with --users: FILE.session-key beside the users file; "
                        "without either, sessions end when the server stops)")
    p.add_argument("--log-level", default="info",
                   choices=["critical", "error", "warning", "info", "debug"],
                   help="how much the server logs (default info)")
    p.add_argument("--hash", action="store_true",
                   help="instead: print the argon2 hash of a secret read from stdin")
    p.add_argument("--new-token", action="store_true",
                   help="instead: print a new API token and its argon2 hash")
