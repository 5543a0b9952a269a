"""Plain helpers for tests (import as `from support import …`; `conftest` names clash)."""

from __future__ import annotations

from pathlib import Path


def write_clinic(content: Path, slug: str, text: str) -> Path:
    """Write (or replace) a clinic file in a content folder."""
    path = content / "clinics" / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def free_port_url() -> str:
    """A PostgreSQL URL on a loopback port where nothing listens (an unreachable database)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/ledig"
