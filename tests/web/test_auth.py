"""Users file, passwords and tokens hashed with argon2, roles and the actor they give."""

from __future__ import annotations

from pathlib import Path

import pytest

from verantwortung.web import User, UsersFileError, hash_secret, load_users, local_user
from verantwortung.web.auth import verify_password, verify_token


def test_a_users_file_gives_each_user_a_role_and_hashes(tmp_path: Path) -> None:
    """name, role (or roles), password and token hashes are read from YAML."""
    digest = hash_secret("pw")
    path = tmp_path / "users.yaml"
    path.write_text(f"users:\n  - name: anna\n    role: facilitator\n    password: '{digest}'\n"
                    f"  - name: kim\n    roles: [coordinator, partner]\n    token: '{digest}'\n",
                    encoding="utf-8")
    anna, kim = load_users(path)
    assert (("facilitator",), True) == (anna.roles, verify_password(anna, "pw"))
    assert (("coordinator", "partner"), kim) == (kim.roles, verify_token([anna, kim], "pw"))


def test_problems_of_a_users_file_are_located(tmp_path: Path) -> None:
    """Every problem is reported at path:line:col with a code: no role, a plain secret."""
    path = tmp_path / "users.yaml"
    path.write_text("users:\n  - name: anna\n    password: '$argon2id$x'\n"
                    "  - name: paul\n    role: partner\n    password: geheim\n"
                    "  - name: kim\n    role: partner\n    colour: red\n    token: '$argon2id$x'\n",
                    encoding="utf-8")
    with pytest.raises(UsersFileError) as caught:
        load_users(path)
    lines = [str(d).removeprefix(str(path)) for d in caught.value.diagnostics]
    assert [":2:5: E102 user 'anna' needs a role (role: facilitator) or roles",
            ":6:15: E104 password of 'paul' must be an argon2 hash (from 'verantwortung "
            "serve --hash'), never the secret itself",
            ":9:5: E101 unknown key 'colour'; allowed keys are name, role, roles, password, "
            "token"] == lines


def test_a_users_file_that_is_no_yaml_mapping_is_located(tmp_path: Path) -> None:
    """A YAML syntax error and a file without users are reported with their position."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("users: [\n", encoding="utf-8")
    with pytest.raises(UsersFileError, match=r"broken\.yaml:\d+:\d+: E005"):
        load_users(broken)
    empty = tmp_path / "empty.yaml"
    empty.write_text("people: []\n", encoding="utf-8")
    with pytest.raises(UsersFileError, match=r"empty\.yaml:1:1: E102"):
        load_users(empty)


def test_the_actor_is_the_first_role_of_the_user_the_step_allows() -> None:
    """role:name from the user's roles that the step allows; the local user takes any."""
    kim = User("kim", ("partner", "coordinator"))
    assert "coordinator:kim" == kim.actor(("facilitator", "coordinator"))
    assert "partner:kim" == kim.actor(None)
    assert "partner:kim" == kim.actor(("facilitator",))  # refused by the engine
    assert "facilitator:local" == local_user().actor(("facilitator",), ("partner",))
