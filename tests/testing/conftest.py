"""Fixtures for the testing helpers: enables pytest's own ``pytester`` fixture.

``pytest_plugins = ["pytester"]`` would be the usual spelling, but pytest refuses
``pytest_plugins`` in a conftest below the rootdir whenever that conftest is found
during collection (``pytest .`` or ``pytest /path/to/repo``), so the plugin is
registered from ``pytest_configure``, which pytest also calls for late conftests.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register the pytester plugin once, whichever way this conftest was loaded."""
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")
