"""The rule layer: compile declarative rules into callables; the custom rule registry."""

from .compile import Reads, build_rule, compile_rule
from .registry import ENTRY_POINT_GROUP, RuleRegistry, Sample, registry

__all__ = ["ENTRY_POINT_GROUP", "Reads", "RuleRegistry", "Sample", "build_rule", "compile_rule",
           "registry"]
