"""The web command: serve refuses other computers without users; --hash, --new-token."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from verantwortung.cli import main
from verantwortung.cli.serve import is_loopback

pytest.importorskip("starlette", reason="serve needs the extra [web]")


def test_serve_refuses_an_open_address_without_a_users_file(
        capsys: pytest.CaptureFixture[str]) -> None:
    """--host 0.0.0.0 without --users is a usage error: nobody would have to sign in."""
    assert 2 == main(["serve", "--host", "0.0.0.0"])
    assert "give --users FILE" in capsys.readouterr().err


def test_serve_reports_a_bad_users_file_located(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A users file with problems: each printed as path:line:col, exit 2, nothing served."""
    users = tmp_path / "users.yaml"
    users.write_text("users:\n  - name: anna\n    role: facilitator\n    password: plain\n",
                     encoding="utf-8")
    assert 2 == main(["serve", "--users", str(users), "--db", str(tmp_path / "s.sqlite3")])
    assert f"{users}:4:15: E104 password of 'anna' must be an argon2 hash" in \
        capsys.readouterr().err


def test_hash_prints_an_argon2_hash_of_standard_input(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """serve --hash reads a secret and prints its argon2id hash, never the secret."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("sys.stdin", io.StringIO("geheim\n"))
    assert 0 == main(["serve", "--hash"])
    digest = capsys.readouterr().out.strip()
    assert digest.startswith("$argon2id$")
    assert PasswordHasher().verify(digest, "geheim")


def test_new_token_prints_a_token_and_its_hash(capsys: pytest.CaptureFixture[str]) -> None:
    """serve --new-token: a random token for the client, its hash for the users file."""
    from argon2 import PasswordHasher

    assert 0 == main(["serve", "--new-token"])
    token_line, hash_line = capsys.readouterr().out.splitlines()
    token, digest = token_line.split(": ", 1)[1], hash_line.split(":  ", 1)[1]
    assert PasswordHasher().verify(digest, token)


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False), ("::", False)])
def test_only_loopback_addresses_count_as_this_computer(host: str, loopback: bool) -> None:
    """Which addresses serve may use without a users file."""
    assert loopback == is_loopback(host)


def test_serve_signs_sessions_with_a_key_kept_beside_the_users_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """With --users, serve makes USERS.session-key once and signs with it on every start;
    a key file that is no key is a usage error."""
    from verantwortung.web import hash_secret

    users = tmp_path / "users.yaml"
    users.write_text("users:\n  - name: anna\n    role: facilitator\n    password: "
                     f"'{hash_secret('pw')}'\n", encoding="utf-8")
    keys: list[bytes] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: keys.append(
        app.state.ctx.sessions._key))
    db = str(tmp_path / "s.sqlite3")
    for _ in range(2):
        assert 0 == main(["serve", "--users", str(users), "--db", db])
    assert 2 == len(keys)
    assert keys[0] == keys[1]
    assert (tmp_path / "users.yaml.session-key").is_file()
    assert "survive a restart" in capsys.readouterr().err
    (tmp_path / "bad.key").write_text("x\n", encoding="ascii")
    assert 2 == main(["serve", "--users", str(users), "--db", db,
                      "--session-key", str(tmp_path / "bad.key")])
    assert "at least 32 hex digits" in capsys.readouterr().err
