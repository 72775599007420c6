"""The engine: the only layer that imports ``transitions``; runs processes on templates."""
