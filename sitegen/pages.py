"""Rendering one clinic's pages: plan its outputs, fill the templates, return bytes.

Pure apart from reading `sitegen/templates/` (package data, installed with the code) once
per process: a `Clinic` and the shared `Assets` go in, `{relative path: bytes}` comes out,
the same bytes for the same input (no clock, sorted JSON), so golden tests can hold them.

Outputs per clinic (docs/site.md): `<slug>/index.html`, `<slug>/<link-id>/index.html`,
`<slug>/avbestill/index.html`, `<slug>/venteliste/index.html` (the wait list's
offers), `<slug>/lenker/index.html` (the admin's page)
and `<slug>/snippets/<link-id or index>.html`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from booking import AppointmentType, BookingLink, Calendar, Clinic
from booking.model import origin_of
from booking.tracking import analytics_sources, is_html, read_snippet
from booking.urls import CANCEL_PATH, WAITLIST_PATH, cancel_page_url, page_url, waitlist_page_url
from common.words.pages import client_strings, strings
from sitegen.theme import theme_css, theme_name
from sitegen.urls import EMBED_MARK, embed_id, iframe_code

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = TEMPLATES / "assets"
URL_MARK = "\x00URL\x00"


@dataclass(frozen=True)
class Assets:
    """The shared CSS/JS: logical name → content-hashed path, their bytes, and for each
    ES module the modules it imports, directly or not (logical names, sorted)."""

    paths: dict[str, str]
    files: dict[str, bytes]
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: for each ES module, the modules it may load later by `import("./x.js")` (and
    #: all they import), beyond its static graph: not preloaded, fetched when needed
    lazy: dict[str, tuple[str, ...]] = field(default_factory=dict)


# A static import or re-export at the start of a line: `import … from "…"` (lists over
# several lines too), `import "…"`, `export … from "…"`. Group 3 is the specifier.
IMPORT = re.compile(r"""^([ \t]*(?:import|export)\b[^;"'`]*?\bfrom\s*|[ \t]*import\s*)"""
                    r"""(["'])([^"'\n]*)\2""", re.MULTILINE)
MODULE_PATH = re.compile(r"""(["'])\./[^"'\n]*\.js\1""")
# A dynamic import of a sibling, `import("./x.js")`: loaded only when the page needs it.
DYNAMIC = re.compile(r"""(\bimport\(\s*)(["'])(\./[A-Za-z0-9_-]+\.js)\2(?=\s*\))""")
SIBLING = re.compile(r"\./[A-Za-z0-9_-]+\.js")


def _module_deps(name: str, text: str, names: set[str]) -> tuple[list[str], list[str]]:
    """The files one JS file imports, statically and by `import("./x.js")`; each import
    must name another one as "./x.js"."""
    found: tuple[list[str], list[str]] = ([], [])
    for deps, pattern in zip(found, (IMPORT, DYNAMIC), strict=True):
        for m in pattern.finditer(text):
            spec = m.group(3)
            if not SIBLING.fullmatch(spec) or spec[2:] not in names or spec[2:] == name:
                raise ValueError(f"sitegen/templates/assets/{name}: import {spec!r} must name "
                                 'another file of sitegen/templates/assets as "./<name>.js"')
            deps.append(spec[2:])
    if (len(MODULE_PATH.findall(text)) != len(found[0]) + len(found[1])
            or len(re.findall(r"\bimport\s*\(", text)) != len(found[1])):
        raise ValueError(f'sitegen/templates/assets/{name}: a "./….js" path outside a static '
                         'import at the start of a line or an import("./….js"), which the '
                         "build would not rewrite")
    return found


def slim_js(text: str) -> str:
    """Our JavaScript as the pages load it: without indentation, blank lines and comment
    lines (a fifth of its bytes), every line otherwise as written — so line breaks, and
    with them automatic semicolons, stay where they were. A file with a string that spans
    lines (a template literal or a backslash at a line's end) is left whole."""
    lines = text.splitlines()
    if any(line.count("`") % 2 or line.endswith("\\") for line in lines):
        return text
    out: list[str] = []
    in_comment = False
    for line in lines:
        s = line.strip()
        if in_comment or s.startswith("/*"):
            in_comment = "*/" not in s
            s = "" if in_comment else s.split("*/", 1)[1].strip()
        if s and not s.startswith("//"):
            out.append(s)
    return "\n".join(out) + "\n"


def load_assets(folder: Path = ASSETS) -> Assets:
    """Read and content-hash the assets. The imports of an ES module are rewritten to
    the hashed names of the modules they import, which are hashed first: a module's
    name changes whenever a module it imports, directly or not, changes."""
    sources = {p.name: p.read_bytes() for p in sorted(folder.iterdir())
               if p.is_file() and not p.name.startswith(".")}
    texts = {n: d.decode("utf-8") for n, d in sources.items() if n.endswith(".js")}
    found = {n: _module_deps(n, t, set(texts)) for n, t in texts.items()}
    deps = {n: static for n, (static, _) in found.items()}
    later = {n: dynamic for n, (_, dynamic) in found.items()}
    paths: dict[str, str] = {}
    files: dict[str, bytes] = {}
    imports: dict[str, tuple[str, ...]] = {}
    lazy: dict[str, tuple[str, ...]] = {}

    def hashed(m: re.Match) -> str:
        return m.group(1) + m.group(2) + "./" + Path(paths[m.group(3)[2:]]).name + m.group(2)

    def add(name: str, chain: tuple[str, ...]) -> None:
        if name in paths:
            return
        if name in chain:
            raise ValueError("sitegen/templates/assets: modules import each other in a cycle: "
                             + " → ".join((*chain[chain.index(name):], name)))
        data = sources[name]
        if name in texts:
            for dep in (*deps[name], *later[name]):
                add(dep, (*chain, name))
            imports[name] = tuple(sorted({*deps[name], *(d for dep in deps[name]
                                                         for d in imports[dep])}))
            reach = {d for dep in (*deps[name], *later[name])
                     for d in (dep, *imports[dep], *lazy[dep])}
            lazy[name] = tuple(sorted(reach - {*imports[name], name}))
            data = slim_js(DYNAMIC.sub(hashed, IMPORT.sub(hashed, texts[name]))).encode()
        digest = hashlib.sha256(data).hexdigest()[:10]
        paths[name] = target = f"assets/{Path(name).stem}.{digest}{Path(name).suffix}"
        files[target] = data

    for name in sources:
        add(name, ())
    return Assets(paths, files, imports, lazy)


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"]), trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)


def offers(clinic: Clinic) -> dict[str, list[str]]:
    """Which online types each online calendar's online blocks offer (week and exceptions)."""
    out = {}
    for cal in clinic.online_calendars:
        if ids := [t.id for t in clinic.online_types if cal.offers(t.id)]:
            out[cal.id] = ids
    return out


def json_script(value: object) -> Markup:
    """JSON safe inside <script type="application/json"> (no `</script>` can close it)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # escaped above


def clinic_script(script: str | None) -> tuple[Markup | None, tuple[str, ...]]:
    """The clinic's own tracking script, baked in verbatim, and the CSP hashes of its code.

    Plain JavaScript is wrapped in <script> (a `</script` inside it is written
    `<\\/script`, which means the same to JavaScript) and allowed by its
    sha256; HTML (text starting with `<`) is inserted as it is, and each of its
    inline <script> elements is allowed by its own sha256 (`booking.tracking`;
    `sitegen check` refuses the inline code no hash can allow).
    """
    if not script or not script.strip():
        return None, ()
    text = script.replace("\r\n", "\n").replace("\r", "\n")  # as a browser reads the page
    if is_html(text):  # the clinic's own markup, on purpose
        return Markup(text), tuple(_sha256(code) for code in read_snippet(text).scripts)
    body = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return Markup(f"<script>{body}</script>"), (_sha256(body),)


def _sha256(code: str) -> str:
    return base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()


def csp(clinic: Clinic, page: str, script_hashes: tuple[str, ...]) -> str:
    """Content-Security-Policy for a page: our own files, the endpoint, the analytics hosts
    by name, the clinic's script by its hashes; never `https:` at large or inline code."""
    script, connect, img, frame = ["'self'"], [origin_of(clinic.endpoint_url) or "'self'"], \
        ["'self'", "data:"], ["'self'"] if page == "links" else []
    if clinic.logo is not None and clinic.logo.src.startswith("https://") \
            and (logo := origin_of(clinic.logo.src)):
        img.append(logo)
    if page != "links":
        analytics = analytics_sources(clinic.tracking)
        script.extend(analytics.script)
        script.extend(f"'sha256-{digest}'" for digest in script_hashes)
        connect.extend(analytics.connect)
        img.extend(analytics.img)
    parts = ["default-src 'none'", "script-src " + " ".join(dict.fromkeys(script)),
             "style-src 'self'", "img-src " + " ".join(dict.fromkeys(img)),
             "connect-src " + " ".join(dict.fromkeys(connect)),
             "frame-src " + (" ".join(frame) or "'none'"),
             "base-uri 'none'", "form-action 'none'", "object-src 'none'"]
    return "; ".join(parts)


@dataclass(frozen=True)
class Choices:
    """The calendars and types a page lets the patient pick from."""

    calendars: tuple[Calendar, ...]
    types: tuple[AppointmentType, ...]


def choices(clinic: Clinic, table: dict[str, list[str]], link: BookingLink | None) -> Choices:
    cals = [c for c in clinic.online_calendars if c.id in table]
    wanted = {t for ids in table.values() for t in ids}
    if link is not None and link.type:
        cals = [c for c in cals if link.type in table[c.id]]
    if link is not None and link.calendar:
        cals = [c for c in cals if c.id == link.calendar]
        wanted = set(table.get(link.calendar, ()))
    if link is not None and link.type:
        wanted &= {link.type}
    return Choices(tuple(cals), tuple(t for t in clinic.online_types if t.id in wanted))


def _config(clinic: Clinic, page: str, table: dict, link: BookingLink | None,
            lang: str) -> dict:
    send_names = clinic.tracking.send_names
    login = clinic.patient_login is not None and page == "booking"
    clinic_url = page_url(clinic)
    here = page_url(clinic, link.id if link else None)
    if page == "cancel":
        here = clinic_url = cancel_page_url(clinic)
    elif page == "venteliste":
        here = clinic_url = waitlist_page_url(clinic)
    index = clinic.booking_links.index(link) + 1 if link is not None else None
    tracking = {
        "ga": clinic.tracking.ga_measurement_id,
        "consent": clinic.tracking.consent,
        "send_names": send_names,
        "page_location": here if send_names else clinic_url,
        "page_title": clinic.name,
        "link": (link.id if send_names else index) if link is not None else None,
    }
    return {
        "page": page,
        "slug": clinic.slug,
        "name": clinic.name,
        "address": clinic.address,
        "phone": clinic.phone,
        "tz": clinic.timezone,
        "test_mode": clinic.test_mode,
        # the clinic file a booking page was built from: it compares it with the endpoint's
        **({"version": clinic.version} if page == "booking" else {}),
        "api": clinic.endpoint_url.rstrip("/") + f"/api/v1/clinics/{clinic.slug}",
        "cancel_url": cancel_page_url(clinic),
        "waitlist_url": waitlist_page_url(clinic),
        "page_url": page_url(clinic),
        "preset": {"calendar": link.calendar, "type": link.type} if link else {},
        "offers": table,
        "calendars": {c.id: {"name": c.name, "title": c.title} for c in clinic.online_calendars
                      if c.id in table},
        "types": {t.id: {"name": t.name, "duration": t.duration, "price": t.price,
                         "address": t.address or clinic.address, "info": t.info or "",
                         "notify": list(t.notify),
                         "cancel_hours": t.rules.cancellation_deadline_hours}
                  for t in clinic.online_types},
        "tracking": tracking,
        "t": client_strings(lang, login=login),
        # patient login (docs/patient-login.md): where the login starts; patient.js reads it
        **({"login": f"{clinic.endpoint_url.rstrip('/')}/patient/{clinic.slug}/login"}
           if login else {}),
        **({"iframe_template": iframe_code(clinic, URL_MARK, strings(lang)["title_booking"]
                                           .format(clinic=clinic.name), EMBED_MARK)}
           if page == "links" else {}),
    }


def _describe(clinic: Clinic, link: BookingLink) -> str:
    parts = []
    if link.calendar and (cal := clinic.calendar(link.calendar)):
        parts.append(cal.name)
    if link.type and (kind := clinic.type(link.type)):
        parts.append(kind.name)
    return ", ".join(parts)


def render_clinic(clinic: Clinic, assets: Assets) -> dict[str, bytes]:
    """Every output of one clinic, as `{path relative to the build folder: bytes}`."""
    env = environment()
    lang = clinic.language if clinic.language in ("nb", "nn", "en") else "nb"
    t = strings(lang)
    table = offers(clinic)
    script, script_hashes = clinic_script(clinic.tracking.script)
    slug = clinic.slug
    out: dict[str, bytes] = {}
    logo = None
    if clinic.logo is not None:
        if clinic.logo.data:
            out[f"{slug}/{clinic.logo.file}"] = clinic.logo.data
            logo = f"{slug}/{clinic.logo.file}"
        else:
            logo = clinic.logo.src
    theme = None
    if clinic.theme_color:
        css = theme_css(clinic.theme_color)
        theme = f"{slug}/{theme_name(css)}"
        out[theme] = css

    def render(template: str, path: str, page: str, link: BookingLink | None = None,
               **extra) -> None:
        root = "../" * path.count("/")

        def asset(name: str) -> str:
            return root + assets.paths[name]

        def modules(name: str) -> list[str]:
            """An entry module and all it imports, for <link rel="modulepreload">."""
            return [asset(n) for n in (name, *assets.imports[name])]

        ctx = {
            "lang": lang, "t": t, "clinic": clinic, "page": page, "asset": asset,
            "modules": modules,
            "csp": csp(clinic, page, script_hashes), "noindex": page == "links",
            "config": json_script(_config(clinic, page, table, link, lang)),
            "clinic_script": script if page != "links" else None,
            "send_names": clinic.tracking.send_names,
            "cancel_url": cancel_page_url(clinic),
            "login": clinic.patient_login is not None and page == "booking",
            "theme": root + theme if theme else None,
            "logo": (root + logo if logo and clinic.logo and clinic.logo.data else logo),
            **extra,
        }
        out[path] = env.get_template(template).render(ctx).encode()

    for link in (None, *clinic.booking_links):
        pick = choices(clinic, table, link)
        if link is None:
            path, title, heading = f"{slug}/index.html", t["title_booking"].format(
                clinic=clinic.name), t["heading_booking"]
        else:
            path, title, heading = (f"{slug}/{link.id}/index.html",
                                    f"{link.title} – {clinic.name}", link.title)
        render("booking.html", path, "booking", link, title=title, heading=heading,
               calendars=pick.calendars, types=pick.types,
               email_required=bool(pick.types) and all("email" in k.notify
                                                       for k in pick.types),
               email_any=any("email" in k.notify for k in pick.types))
    render("cancel.html", f"{slug}/{CANCEL_PATH}/index.html", "cancel",
           title=t["title_cancel"].format(clinic=clinic.name))
    render("venteliste.html", f"{slug}/{WAITLIST_PATH}/index.html", "venteliste",
           title=t["title_waitlist"].format(clinic=clinic.name))

    clinic_title = t["title_booking"].format(clinic=clinic.name)
    items = [{"title": t["links_clinic_page"], "preset": "", "url": page_url(clinic),
              "href": "../",
              "iframe": iframe_code(clinic, page_url(clinic), clinic_title, embed_id())}]
    out[f"{slug}/snippets/index.html"] = items[0]["iframe"].encode()
    for link in clinic.booking_links:
        url = page_url(clinic, link.id)
        code = iframe_code(clinic, url, f"{link.title} – {clinic.name}", embed_id(link.id))
        out[f"{slug}/snippets/{link.id}.html"] = code.encode()
        items.append({"title": link.title, "preset": _describe(clinic, link), "url": url,
                      "href": f"../{link.id}/", "iframe": code})
    pick = choices(clinic, table, None)
    render("links.html", f"{slug}/lenker/index.html", "links",
           title=t["title_links"].format(clinic=clinic.name), links=items,
           calendars=pick.calendars, types=pick.types, page_url=page_url(clinic),
           clinic_iframe=items[0]["iframe"], origins=clinic.origins)
    return out
