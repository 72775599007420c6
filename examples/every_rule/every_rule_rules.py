"""The custom rule of ``every_rule.yaml``, with the sample data the testing tools use.

A custom rule is Python, so ``verantwortung check`` cannot see what makes it pass.
``satisfied_by`` and ``broken_by`` tell it: steps written as in a scenario file; fields
a step leaves out (the partner's id, the member's partner) are filled in with fresh
ids and existing records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verantwortung.rules import Sample, registry

NAME = "every_rule_company_speaker"


def company_speaker(view: Any, payload: Mapping[str, Any], args: Mapping[str, Any]) -> bool:
    """A speaker of the initiative circle is a company."""
    for member in view.records("circle"):
        partner = view.lookup("partners", member.get("partner"))
        if member.get("speaker") and partner is not None and partner.get("kind") == "company":
            return True
    return False


def register() -> None:
    """Register the rule once (importing this module twice is harmless)."""
    if NAME not in registry:
        registry.add(
            NAME, company_speaker,
            satisfied_by=Sample(steps=(
                {"do": "partner_added", "with": {"kind": "company"}},
                {"do": "circle_member_joined", "with": {"speaker": True}},
            )),
            broken_by=Sample(),  # a new process has no speaker at all
        )


register()


register()  # importing the module is enough: `verantwortung --rules every_rule_rules.py ...`
