"""The clinic's logo (`logo:`): a file in `content/media/`, or an https URL with its size.

A file is read when the clinic file is, its pixel size taken from the file itself
(PNG, JPEG, SVG), so that the page can reserve its place (`width`/`height`: no
layout shift); the build copies it beside the clinic's pages under a name with
its hash. A URL needs `width` and `height` given. The logo is the clinic's file,
like its script: it does not count against our own code's page budget.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import replace
from pathlib import Path

from booking import Clinic, ConfigIssue

MEDIA = "media"
KINDS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
MAX_BYTES = 512 * 1024


def image_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """(width, height) in CSS pixels of a PNG, JPEG or SVG; None when it cannot tell."""
    if kind == "png" and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        w, h = struct.unpack(">II", data[16:24])
        return (w, h) if w and h else None
    if kind == "jpeg" and data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return (w, h) if w and h else None
            i += 2 + length
        return None
    if kind == "svg":
        head = data[:4096].decode("utf-8", "replace")
        tag = re.search(r"<svg\b[^>]*>", head, re.S)
        if not tag:
            return None
        def attr(name: str) -> str | None:
            m = re.search(rf'\b{name}\s*=\s*["\']\s*([0-9.]+)\s*(px)?\s*["\']', tag[0])
            return m[1] if m else None
        w, h = attr("width"), attr("height")
        if w and h:
            return round(float(w)), round(float(h))
        box = re.search(r'viewBox\s*=\s*["\']\s*[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)[ ,]+([0-9.]+)',
                        tag[0])
        if box:
            return round(float(box[1])), round(float(box[2]))
    return None


def read_logo(clinic: Clinic, file: str) -> tuple[Clinic, list[ConfigIssue]]:
    """The clinic with its logo file's bytes and size; issues name the `logo` key's line."""
    logo = clinic.logo
    if logo is None or logo.src.startswith("https://"):
        return clinic, []
    line = logo.line

    def issue(message: str) -> tuple[Clinic, list[ConfigIssue]]:
        return clinic, [ConfigIssue(file, line, "logo", message)]

    media = Path(file).resolve().parent.parent / MEDIA
    path = (media / logo.src).resolve()
    if media not in path.parents:
        return issue(f"'{logo.src}' must be a file in {MEDIA}/ beside clinics/ (no '..').")
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        return issue(f"'{logo.src}' must be a PNG, JPEG or SVG file.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return issue(f"cannot read {MEDIA}/{logo.src} ({exc.strerror or exc}); put the file "
                     "there or fix the name.")
    if len(data) > MAX_BYTES:
        return issue(f"{MEDIA}/{logo.src} is {len(data) // 1024} KB; a logo should be at most "
                     f"{MAX_BYTES // 1024} KB (an SVG, or a PNG around 300 px wide).")
    size = (logo.width, logo.height) if logo.width and logo.height else image_size(data, kind)
    if size is None:
        return issue(f"the size of {MEDIA}/{logo.src} cannot be read from the file; give it: "
                     "logo: {src: …, width: 160, height: 48}.")
    name = f"logo.{hashlib.sha256(data).hexdigest()[:10]}{path.suffix.lower()}"
    return replace(clinic, logo=replace(logo, width=size[0], height=size[1], data=data,
                                        file=name)), []


def media_stamp(content_dir: Path) -> str:
    """Names, sizes and times of the files in `content/media/`: a build redoes every clinic
    when one changes (a logo's bytes are not in its clinic file)."""
    folder = Path(content_dir) / MEDIA
    if not folder.is_dir():
        return ""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        st = path.stat()
        parts.append(f"{path.relative_to(folder)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
