"""Plain data: the template format, the compiled template, the rule vocabulary."""
