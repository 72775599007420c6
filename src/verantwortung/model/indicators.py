"""The value of a key figure of one process: plain, immutable, JSON-ready data.

:meth:`Process.indicators` returns one :class:`Indicator` per indicator the template
declares, in the template's order. A figure is a whole number, or a breakdown: the
number per value of a field (``{company: 5, municipality: 1}``), with each value's
label in German and English beside it, so that a reader never sees a raw id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .process import FrozenDict, freeze

__all__ = ["Indicator"]


@dataclass(frozen=True, slots=True)
class Indicator:
    """A key figure: its code, labels in de and en, and its value.

    ``value`` is an ``int``, or for a breakdown a read-only mapping from each value of
    the ``by`` field to its number; ``parts`` then holds each value's labels
    (``{"company": {"de": "Unternehmen", "en": "Company"}}``). ``measure`` says what
    was measured: ``count``, ``sum`` or ``distinct``.
    """

    code: str
    label_de: str
    label_en: str
    measure: str
    value: int | FrozenDict
    parts: FrozenDict = field(default_factory=FrozenDict)
    description_de: str = ""
    description_en: str = ""

    @property
    def is_breakdown(self) -> bool:
        """True when the value is a mapping of numbers per value of a field."""
        return isinstance(self.value, dict)

    @property
    def total(self) -> int:
        """The number, or the sum of a breakdown's numbers."""
        return sum(self.value.values()) if isinstance(self.value, dict) else self.value

    def label(self, lang: str = "en") -> str:
        """The indicator's name in ``lang`` (de or en)."""
        return self.label_de if lang == "de" else self.label_en

    def description(self, lang: str = "en") -> str:
        """What it measures in ``lang`` (empty when the template says nothing)."""
        return self.description_de if lang == "de" else self.description_en

    def part_label(self, key: str, lang: str = "en") -> str:
        """The label of one value of a breakdown in ``lang`` (the value itself if none)."""
        labels = self.parts.get(key)
        return str(labels.get(lang) or key) if isinstance(labels, Mapping) else str(key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (what :meth:`from_dict` reads back)."""
        out: dict[str, Any] = {"code": self.code, "label": {"de": self.label_de,
                                                           "en": self.label_en},
                               "measure": self.measure,
                               "value": dict(self.value) if isinstance(self.value, dict)
                               else self.value}
        if self.parts:
            out["parts"] = {k: dict(v) for k, v in self.parts.items()}
        if self.description_de or self.description_en:
            out["description"] = {"de": self.description_de, "en": self.description_en}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Indicator:
        """The indicator :meth:`to_dict` wrote."""
        value = data["value"]
        description = data.get("description") or {}
        return cls(code=data["code"], label_de=data["label"]["de"],
                   label_en=data["label"]["en"], measure=data["measure"],
                   value=freeze(dict(value)) if isinstance(value, Mapping) else int(value),
                   parts=freeze(dict(data.get("parts") or {})),
                   description_de=description.get("de", ""),
                   description_en=description.get("en", ""))
