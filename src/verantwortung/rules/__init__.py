"""The rule layer: compile declarative rules into callables; the custom rule registry."""

from .compile import Reads, build_rule, compile_rule
from .registry import ENTRY_POINT_GROUP, RuleRegistry, registry

__all__ = ["ENTRY_POINT_GROUP", "Reads", "RuleRegistry", "build_rule", "compile_rule", "registry"]
