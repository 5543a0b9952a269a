"""The booking page tells the patient why the identity number is asked for and links the
clinic's privacy page (`privacy_url`); the consent banner says what Google gets; the
e-mail field is optional where no type sends e-mail; `theme_color` becomes an accent
that keeps WCAG AA contrast, and the browser's theme colour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.content import load_clinic_bytes
from sitegen.build import build
from sitegen.theme import accent

SLUG = "fjordlegene"


def set_key(content: Path, key: str, value: str) -> None:
    path = content / "clinics" / f"{SLUG}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntimezone:", f"\n{key}: {value}\ntimezone:", 1),
                    encoding="utf-8")


def built(tmp_path: Path, content: Path, page: str = "") -> str:
    assert build(content, tmp_path / "out") == 0
    return (tmp_path / "out" / SLUG / page / "index.html").read_text(encoding="utf-8")


def test_the_identity_number_is_explained_with_the_privacy_page(tmp_path, content_dir):
    set_key(content_dir, "privacy_url", "https://fjordlegene.example/personvern")
    html = built(tmp_path, content_dir)
    why = re.search(r'<p class="hint" id="national_id-why">(.*?)</p>', html, re.S)[1]
    assert "journalen din" in why and "aldri i e-post eller SMS" in why
    assert 'href="https://fjordlegene.example/personvern"' in why
    assert 'aria-describedby="national_id-hint national_id-why national_id-msg"' in html
    assert html.count("https://fjordlegene.example/personvern") == 2  # and in the foot


def test_without_a_privacy_page_the_reason_stands_alone(tmp_path, content_dir):
    html = built(tmp_path, content_dir)
    assert 'id="national_id-why"' in html and "personvern" not in html


@pytest.mark.parametrize("value", ["fjordlegene.example/personvern", "mailto:x@y.no"])
def test_a_privacy_url_that_is_no_web_address_is_an_error(content_dir, value):
    set_key(content_dir, "privacy_url", value)
    path = content_dir / "clinics" / f"{SLUG}.yaml"
    clinic, issues = load_clinic_bytes(path.read_bytes(), slug=SLUG, file="f.yaml")
    assert clinic is None
    assert [(i.line, i.key) for i in issues] == [(5, "privacy_url")]


def test_the_consent_banner_says_what_google_gets(tmp_path, content_dir):
    path = content_dir / "clinics" / f"{SLUG}.yaml"
    path.write_text(path.read_text().replace("tracking:\n  consent: banner",
                                             "tracking:\n  consent: banner\n"
                                             "  ga_measurement_id: G-ABC123DEF4"))
    html = built(tmp_path, content_dir)
    assert "Google Analytics" in html and "IP-adresse" in html
    assert "uten informasjonskapsler" in html  # what "Nei takk" still sends (Consent Mode)
    assert "Vi sender aldri personopplysninger" not in html


def test_email_is_optional_where_no_type_sends_email(tmp_path, content_dir):
    html = built(tmp_path, content_dir)
    field = re.search(r'<input id="email"[^>]*>', html)[0]
    # the demo's types differ: some send e-mail, some not, so the page's script says
    # whether it is needed once the type is chosen (tests/browser/test_details_form.py)
    assert "required" not in field and "email-hint" in field
    assert '<p class="hint" id="email-hint"></p>' in html


def contrast(a: str, b: str) -> float:
    def lum(c: str) -> float:
        vals = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in vals]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("color", ["#ffcc00", "#7fd1ae", "#0b5cad", "#e30613", "#ffffff"])
def test_the_accent_keeps_aa_contrast_for_text_and_white_on_it(color):
    a = accent(color)
    assert contrast(a, "#f3f5f8") >= 4.5 and contrast(a, "#ffffff") >= 4.5
    if contrast(color, "#f3f5f8") >= 4.5:
        assert a == color  # a dark enough colour is the clinic's own


def test_theme_color_is_a_stylesheet_and_the_browsers_theme(tmp_path, content_dir):
    set_key(content_dir, "theme_color", '"#FFCC00"')
    html = built(tmp_path, content_dir)
    assert '<meta name="theme-color" content="#ffcc00">' in html
    href = re.search(r'<link rel="stylesheet" href="([^"]*theme\.[0-9a-f]{10}\.css)">', html)[1]
    css = (tmp_path / "out" / SLUG / href).resolve().read_text()
    brand = re.search(r"--brand: (#[0-9a-f]{6})", css)[1]
    assert contrast(brand, "#f3f5f8") >= 4.5
    assert "style-src &#39;self&#39;" in html  # no inline style: the colour is a file of its own


@pytest.mark.parametrize("value", ["yellow", '"#ffcc0"', "ffcc00"])
def test_a_theme_color_that_is_no_hex_colour_is_an_error(content_dir, value):
    set_key(content_dir, "theme_color", value)
    path = content_dir / "clinics" / f"{SLUG}.yaml"
    clinic, issues = load_clinic_bytes(path.read_bytes(), slug=SLUG, file="f.yaml")
    assert clinic is None
    assert [(i.line, i.key) for i in issues] == [(5, "theme_color")]


# -- the clinic's logo ---------------------------------------------------------------------

def png(width: int, height: int) -> bytes:
    import struct
    import zlib
    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_logo_file_is_copied_and_its_size_reserved(tmp_path, content_dir):
    (content_dir / "media").mkdir()
    (content_dir / "media" / "logo.png").write_bytes(png(240, 60))
    set_key(content_dir, "logo", "logo.png")
    html = built(tmp_path, content_dir)
    img = re.search(r'<p class="logo"><img src="([^"]+)" width="240" height="60" '
                    r'alt="Fjordlegene legesenter"></p>', html)
    assert img, html[:1500]
    assert (tmp_path / "out" / SLUG / img[1]).resolve().read_bytes() == png(240, 60)
    # a new logo file alone (the clinic file unchanged) rebuilds the pages
    (content_dir / "media" / "logo.png").write_bytes(png(300, 60))
    assert 'width="300" height="60"' in built(tmp_path, content_dir)


def test_an_svg_logo_gives_its_size_from_its_viewbox(tmp_path, content_dir):
    (content_dir / "media").mkdir()
    (content_dir / "media" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 48"><rect width="160" '
        'height="48" fill="#0b5cad"/></svg>')
    set_key(content_dir, "logo", "logo.svg")
    assert 'width="160" height="48"' in built(tmp_path, content_dir)


def test_a_logo_at_a_url_needs_its_size_and_joins_the_image_sources(tmp_path, content_dir):
    set_key(content_dir, "logo", "{src: 'https://cdn.fjordlegene.example/logo.svg', "
                                 "width: 160, height: 48}")
    html = built(tmp_path, content_dir)
    assert ('<img src="https://cdn.fjordlegene.example/logo.svg" width="160" height="48"'
            in html)
    assert "img-src &#39;self&#39; data: https://cdn.fjordlegene.example" in html


@pytest.mark.parametrize("value, says", [
    ("missing.png", "cannot read media/missing.png"),
    ("../clinics/fjordlegene.yaml", "must be a file in media/"),
    ("logo.gif", "must be a PNG, JPEG or SVG file"),
    ("https://cdn.fjordlegene.example/logo.png", "needs its size"),
])
def test_a_logo_that_cannot_be_shown_is_an_error_on_its_line(content_dir, value, says):
    (content_dir / "media").mkdir()
    set_key(content_dir, "logo", value)
    path = content_dir / "clinics" / f"{SLUG}.yaml"
    clinic, issues = load_clinic_bytes(path.read_bytes(), slug=SLUG, file=str(path))
    assert clinic is None
    assert [(i.line, i.key) for i in issues] == [(5, "logo")]
    assert says in issues[0].message
