"""The /portfolio page: every process on one self-contained page, signed-in users only."""

from __future__ import annotations

from starlette.testclient import TestClient

from .conftest import fire, new_process


def test_the_portfolio_page_shows_every_region(local: TestClient) -> None:
    """Two regions, one of them blocked; the page keeps its own style under the CSP."""
    first = new_process(local, region="Ilmtal")
    new_process(local, region="<b>Saale</b>")
    fire(local, first, "facilitator_assigned", {"name": "Anna Schmidt"})
    response = local.get("/portfolio?lang=en")
    assert 200 == response.status_code
    text = response.text
    assert "Portfolio of regions" in text
    assert "Ilmtal" in text
    assert "&lt;b&gt;Saale&lt;/b&gt;" in text
    assert "<b>Saale" not in text
    assert "2 of 2 regions are blocked by the rule:" in text
    csp = response.headers["content-security-policy"]
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    assert "script" not in csp


def test_the_portfolio_page_needs_a_signed_in_user(secured: TestClient) -> None:
    """Without a session: to the sign-in page, nothing shown."""
    response = secured.get("/portfolio", follow_redirects=False)
    assert response.status_code in (302, 303, 401)
    assert "Portfolio" not in response.text
