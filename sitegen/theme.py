"""The clinic's brand colour (`theme_color`) as the pages' accent, at WCAG AA contrast.

The accent is the colour of links, of buttons' text and borders, and the
background of the primary button with white text; so it must reach 4.5:1 against
the page's white and its light grey (`--soft`, #f3f5f8). A colour that does is
used as it is; a lighter one is darkened, keeping its hue, until it does. The
clinic's own colour, unchanged, is the browser's `<meta name="theme-color">`.
"""

from __future__ import annotations

import hashlib

SOFT = "#f3f5f8"  # the lightest background the accent is written on (ledig.css --soft)
AA = 4.5


def rgb(color: str) -> tuple[int, int, int]:
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def hex_of(c: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(v))):02x}" for v in c)


def luminance(color: str) -> float:
    """WCAG 2.1 relative luminance."""
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def accent(color: str) -> str:
    """The clinic's colour, darkened just enough for 4.5:1 on the pages' light grey."""
    r, g, b = rgb(color)
    for step in range(101):
        k = 1 - step / 100
        candidate = hex_of((r * k, g * k, b * k))
        if contrast(candidate, SOFT) >= AA:
            return candidate
    return "#000000"


def theme_css(color: str) -> bytes:
    """The stylesheet that gives the pages the clinic's accent (white text on it)."""
    return (f":root {{ --brand: {accent(color)}; --brand-ink: #ffffff; }}\n").encode()


def theme_name(css: bytes) -> str:
    return f"theme.{hashlib.sha256(css).hexdigest()[:10]}.css"
