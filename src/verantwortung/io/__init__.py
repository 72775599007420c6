"""Reading templates: safe YAML with positions, extends, validation, checks, schema."""
