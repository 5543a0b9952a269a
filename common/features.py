"""Which features this installation has and this deployment runs (docs/features.md).

`LEDIG_FEATURES` names them: unset or `all` is every feature whose libraries are
installed (so a full install runs everything, as before there were features),
`none` is the core alone, otherwise a comma-separated list. The endpoint and
`sitegen check` read it alike, so a clinic file is refused by both for the same reason.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

from booking.features import FEATURES, NAMES, install_hint


class FeaturesError(ValueError):
    """LEDIG_FEATURES names a feature that does not exist or is not installed."""


def installed() -> frozenset[str]:
    """The features whose libraries import here (found, not imported: it stays cheap)."""
    return frozenset(f.name for f in FEATURES
                     if all(_findable(m) for m in f.modules))


def _findable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def running(env: Mapping[str, str]) -> frozenset[str]:
    """The features LEDIG_FEATURES in `env` turns on; FeaturesError names what is wrong."""
    value = env.get("LEDIG_FEATURES", "").strip().lower()
    have = installed()
    if value in ("", "all"):
        return have
    if value == "none":
        return frozenset()
    names = [n.strip() for n in value.split(",") if n.strip()]
    for name in names:
        if name not in NAMES:
            raise FeaturesError(f"LEDIG_FEATURES: '{name}' is not a feature; use all, none "
                                f"or any of {', '.join(NAMES)} (docs/features.md)")
        if name not in have:
            raise FeaturesError(f"LEDIG_FEATURES: the feature {name} is not installed: "
                                f"{install_hint(name)}")
    return frozenset(names)
