"""Fixtures of the endpoint tests that need servers of their own: real CalDAV servers
(Radicale and Xandikos, docs/sync.md), one of each per test session, on loopback."""

from __future__ import annotations

import os

import pytest
from dav_support import DavServer, available


def need(component: str, reason: str) -> None:
    """Skip for a missing component, except under CI where it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{component} is required under CI: {reason}")
    pytest.skip(f"{component} not available: {reason}")


@pytest.fixture(scope="session", params=["radicale", "xandikos"])
def dav_server(request):
    """A running CalDAV server with a fresh store; every sync case runs against both."""
    if not available(request.param):
        need(request.param, f"pip install {request.param} (the test extras bring it)")
    server = DavServer(request.param).start()
    yield server
    server.close()
