"""The address a build of the pages was made for, as its manifest remembers it.

`sitegen build --preview-url URL` builds every clinic as a local preview at URL
(`make demo PORT=8471`); a later plain `sitegen build` into the same folder
keeps that address, and the commands that print an address — `sitegen link`,
`endpoint staff-user add` — print the one the built pages call, not the clinic
file's (README.md#sitegen-build). The manifest is the build's
(`sitegen/build.py`); this module is the one place its name and the key of the
address are read, so that the endpoint reads it without importing sitegen.
"""

from __future__ import annotations

import json
from pathlib import Path

#: the build's manifest in the build folder (docs/site.md)
MANIFEST = ".ledig-build.json"
#: the site folder `make build`, `make demo` and `sitegen build` use by default
DEFAULT_SITE = Path("_site")
#: what `--preview-url` takes to build, or print, the clinics' own addresses again
NONE = "none"


def remembered(site: Path) -> str | None:
    """The preview address the last build into `site` was made for; None when it was
    built for the clinics' own addresses, or there is no build there."""
    try:
        raw = json.loads((Path(site) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = raw.get("preview_url") if isinstance(raw, dict) else None
    return url if isinstance(url, str) and url else None


__all__ = ["DEFAULT_SITE", "MANIFEST", "NONE", "remembered"]
