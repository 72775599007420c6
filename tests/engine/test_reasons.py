"""The generic refusal reasons fill every placeholder of their messages."""

from __future__ import annotations

import re

import pytest

from verantwortung.engine.reasons import GENERIC, generic


@pytest.mark.parametrize("code", sorted(GENERIC))
def test_every_generic_message_fills_its_placeholders(code: str) -> None:
    """Given a value for each name it uses, a generic message keeps no braces or quotes."""
    de, en = GENERIC[code]
    names = set(re.findall(r"\{([^{}]*)\}", de + en))
    reason = generic(code, **{n: "X" for n in names if n.isidentifier()})
    for text in (reason.message_de, reason.message_en):
        assert "{" not in text and "}" not in text
        assert "'X'" not in text
