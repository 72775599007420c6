"""Store fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL tests need ``VERANTWORTUNG_TEST_PG_URL`` (``.ci/run`` starts a server and
sets it). Without it they are skipped locally, but fail in CI (``CI=true``), so a
missing server never turns into a green run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "VERANTWORTUNG_TEST_PG_URL"


def _pg_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set in CI: the PostgreSQL tests must run")
        pytest.skip(f"no PostgreSQL configured ({PG_ENV})")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    url = _pg_url()
    from sqlalchemy import create_engine

    from verantwortung.store.schema import metadata

    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    yield url
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
