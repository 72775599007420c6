"""The rule layer: custom rule registry (compilation of rules arrives with the engine)."""

from .registry import ENTRY_POINT_GROUP, RuleRegistry, registry

__all__ = ["ENTRY_POINT_GROUP", "RuleRegistry", "registry"]
