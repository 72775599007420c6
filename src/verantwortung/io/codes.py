"""Stable diagnostic codes. E: error (the template does not load), W: warning.

C-codes come from exploring a template with data (``verantwortung check``), S-codes
from checking a scenario file against its template; both are errors.

Codes never change meaning; new problems get new codes. ``verantwortung codes``
prints this table.
"""

from __future__ import annotations

__all__ = ["CODES", "severity_of"]

CODES: dict[str, str] = {
    # reading the file
    "E001": "file cannot be read",
    "E002": "file too large",
    "E003": "file is not UTF-8",
    "E004": "file is empty",
    "E005": "YAML syntax error",
    "E006": "duplicate key",
    "E007": "tag not allowed or does not fit its value",
    "E008": "nesting too deep",
    "E009": "document expands to too many values (alias bomb)",
    "E010": "top level is not a mapping",
    "E011": "more than one YAML document",
    "E012": "invalid mapping key",
    # the format
    "E101": "unknown key",
    "E102": "missing required key",
    "E103": "wrong type",
    "E104": "invalid value",
    # references
    "E201": "unknown phase",
    "E203": "unknown role",
    "E204": "unknown parameter",
    "E205": "unknown collection",
    "E206": "unknown field",
    "E207": "unknown placeholder in a message",
    "E208": "unknown custom rule",
    "E209": "parameter of the wrong type",
    "E210": "id used twice",
    "E211": "message placeholder is not a plain name",
    "E212": "field is not a date",
    "E213": "message forms picked by a value the rule does not offer",
    "E214": "indicator reads a field of the wrong type",
    "E215": "records an event removes are referred to",
    # the phase graph
    "E301": "no initial phase",
    "E302": "more than one initial phase",
    "E303": "unreachable phase",
    "E304": "phase cannot reach a final phase",
    "E305": "transition out of a final phase",
    "E306": "series bounds invalid",
    "E307": "parameter bounds or default invalid",
    "E308": "no final phase",
    "E309": "trigger has two transitions from the same phase",
    "E310": "deadline in a final phase",
    # extends
    "E401": "base template cannot be found",
    "E402": "extends cycle or chain too long",
    "E403": "merge directive without effect",
    # migration plans (migrates_from)
    "E501": "migration plan maps onto an unknown phase",
    "E502": "migration plan maps onto an unknown event, trigger or parameter",
    "E503": "migration plan renames form a cycle",
    "E504": "migration plan from this template's own version, or two plans from one version",
    # exploration with data (verantwortung check)
    "C001": "phase cannot be reached with any data",
    "C002": "guard can never pass",
    "C003": "phase is a trap: no transition out of it can pass",
    "C004": "invariant violated",
    "C005": "transition never taken",
    "C006": "deadline never becomes due",
    # scenario files (verantwortung validate and run, before the first step)
    "S001": "scenario: unknown trigger or event",
    "S002": "scenario: unknown role",
    "S003": "scenario: unknown reason or advisory code",
    "S004": "scenario: unknown phase",
    "S005": "scenario: unknown payload field",
    "S006": "scenario: date goes backwards",
    "S007": "scenario: unknown deadline code",
    # warnings
    "W101": "text missing in German or English",
    "W301": "method: no kick-off phase",
    "W302": "method: milestone meetings outside three to five",
    "W303": "method: no closing event",
    "W304": "method: no consolidation phase",
    "W401": "guard never refuses in exploration",
    "W402": "exploration stopped: its budget ran out",
    "W403": "deadline, once due, is never cleared",
}


def severity_of(code: str) -> str:
    """``error`` for E-, C- and S-codes, ``warning`` for W-codes."""
    return "warning" if code.startswith("W") else "error"
