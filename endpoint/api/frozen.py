"""JSON documents held as constants, made read-only (docs/architecture.md, one state).

A module-level dict is state anyone can change for every app in the process; the
OpenAPI description is built once at import and must stay as built. `frozen` turns
a document's dicts into read-only mappings and its lists into tuples; `thawed`
gives back a plain copy to serialise or to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any


def frozen(document: Any) -> Any:
    """`document` with every dict read-only and every list a tuple, all the way down."""
    if isinstance(document, Mapping):
        return MappingProxyType({key: frozen(value) for key, value in document.items()})
    if isinstance(document, (list, tuple)):
        return tuple(frozen(item) for item in document)
    return document


def thawed(document: Any) -> Any:
    """A plain copy of a `frozen` document: dicts and lists, as JSON has them."""
    if isinstance(document, Mapping):
        return {key: thawed(value) for key, value in document.items()}
    if isinstance(document, (list, tuple)):
        return [thawed(item) for item in document]
    return document


__all__ = ["frozen", "thawed"]
