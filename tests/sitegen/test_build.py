"""`sitegen build`: the outputs of docs/site.md, incremental rebuilds (nothing rewritten when
nothing changed, only the changed clinic's files otherwise), removal of stale outputs
(only files the build wrote), refusal of invalid content, progress, the asset budget,
the pages' languages, CSP and the clinic's own script."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from common.words.pages import CLIENT_KEYS, STRINGS
from sitegen.build import build

SLUG = "fjordlegene"
MANIFEST = ".ledig-build.json"  # the build's manifest (docs/site.md)
SMALL = """name: Klinikk {i}
language: {lang}
pages_url: https://example.no/booking/
endpoint_url: https://api.example.no
calendars:
  - id: a
    name: Lege A
    online: true
    week:
      mon: [{{start: "08:00", end: "12:00", types: [time]}}]
appointment_types:
  - {{id: time, name: Time, duration: 20, online: true, price: 300}}
booking_links:
  - {{id: lenke, title: Lenke, type: time}}
"""


# Our own JS and CSS (sitegen/templates/assets), and what a booking page loads of it.
MODULES = {"api.js", "booking.js", "cancel.js", "cancellation.js", "consent.js", "dom.js",
           "embed.js", "fields.js", "flow.js", "format.js", "ics.js", "links.js", "move.js",
           "page.js", "snippet.js", "steps.js", "tracking.js", "venteliste.js", "waiting.js",
           "waitlist.js", "session.js", "patient.js", "calendar.js", "daygrid.js", "place.js",
           "back.js"}
ASSET_NAMES = MODULES | {"boot.js", "identity.js", "ledig.css"}
#: fetched by import(): the wait list's form only when asked for, the day grid beside the
#: first days, the .ics at the receipt, Back/Forward and reload with the first step
LAZY = {"waiting.js", "waitlist.js", "calendar.js", "daygrid.js", "ics.js", "back.js",
        "place.js"}
# patient.js is loaded only by the pages of clinics with patient_login (the demo has none)
BOOKING_PAGE_ASSETS = ASSET_NAMES - {"cancel.js", "cancellation.js", "links.js", "snippet.js",
                                     "move.js", "venteliste.js", "patient.js"} - LAZY


def page_assets(out: Path, page: Path, lazy: bool = False) -> set[Path]:
    """Our own files a built page loads: its stylesheet and scripts, and every module they
    import, followed through the built (hash-named) files; with `lazy`, also what they
    may fetch later by import()."""
    html = page.read_text()
    todo = [(page.parent / ref).resolve()
            for ref in re.findall(r'(?:href|src)="([^"]*assets/[^"]+)"', html)]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if path.suffix == ".js":
            text = path.read_text()
            found = r'(?:\bfrom|^import|\bimport\()\s*"(\./[^"]+)"' if lazy \
                else r'(?:\bfrom|^import)\s*"(\./[^"]+)"'
            todo += [(path.parent / ref).resolve()
                     for ref in re.findall(found, text, re.MULTILINE)]
    assert all(p.is_relative_to(out.resolve()) and p.exists() for p in seen), seen
    return seen


def small(i: int, lang: str = "nb") -> str:
    return SMALL.format(i=i, lang=lang)


def run(content: Path, out: Path, **kwargs) -> tuple[int, str]:
    stream = io.StringIO()
    code = build(content, out, stream=stream, **kwargs)
    return code, stream.getvalue()


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """Every file's (inode, mtime_ns): a rewrite (os.replace) changes the inode."""
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_outputs_are_those_of_the_spec(content_dir, tmp_path):
    out = tmp_path / "_site"
    code, log = run(content_dir, out)
    assert code == 0, log
    files = set(snapshot(out))
    pages = {f"{SLUG}/index.html", f"{SLUG}/avbestill/index.html", f"{SLUG}/lenker/index.html",
             f"{SLUG}/venteliste/index.html", f"{SLUG}/snippets/index.html"}
    for link in ("influensa", "fastlege-hansen", "blodprove"):
        pages |= {f"{SLUG}/{link}/index.html", f"{SLUG}/snippets/{link}.html"}
    assets = {f for f in files if f.startswith("assets/")}
    assert files == pages | assets | {MANIFEST}
    assert {re.sub(r"\.[0-9a-f]{10}\.", ".", a) for a in assets} == {
        f"assets/{name}" for name in ASSET_NAMES}
    # the budget (docs/site.md): what each page loads of our own JS and CSS, as built
    for page in pages:
        if page.endswith("index.html"):
            loaded = page_assets(out, out / page)
            budget = sum(a.stat().st_size for a in loaded)
            assert budget <= 50 * 1024, f"{page} loads {budget} bytes; the budget is 50 KB"
    booking_page = {re.sub(r"\.[0-9a-f]{10}\.", ".", a.name)
                    for a in page_assets(out, out / SLUG / "index.html")}
    assert booking_page == BOOKING_PAGE_ASSETS
    later = {re.sub(r"\.[0-9a-f]{10}\.", ".", a.name)
             for a in page_assets(out, out / SLUG / "index.html", lazy=True)}
    assert later - booking_page == LAZY

    html = (out / SLUG / "influensa" / "index.html").read_text()
    assert "../../assets/ledig." in html and 'data-page="booking"' in html
    config = json.loads(re.search(r'id="ledig-config">(.*?)</script>', html).group(1))
    assert config["preset"] == {"calendar": None, "type": "influensavaksine"}
    assert config["api"] == "http://127.0.0.1:8000/api/v1/clinics/fjordlegene"
    assert config["cancel_url"] == "http://127.0.0.1:8000/fjordlegene/avbestill/"
    assert "TEST" in html  # test_mode
    admin = (out / SLUG / "lenker" / "index.html").read_text()
    assert '<meta name="robots" content="noindex, nofollow">' in admin
    assert "Klikk for å åpne lenken" in admin
    assert "lenker" not in (out / SLUG / "index.html").read_text()
    snippet = (out / SLUG / "snippets" / "influensa.html").read_text()
    assert snippet.startswith('<iframe id="ledig-fjordlegene-influensa" '
                              'src="http://127.0.0.1:8000/fjordlegene/influensa/"')
    assert "ledig:resize" in snippet


def test_a_rebuild_without_changes_rewrites_nothing(content_dir, tmp_path):
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    before = snapshot(out)
    code, log = run(content_dir, out)
    assert code == 0 and "0 rendered" in log and " 0 written" in log
    assert snapshot(out) == before


def test_a_change_to_one_clinic_rewrites_only_its_changed_files(content_dir, tmp_path,
                                                                 write_clinic_file):
    write_clinic_file(content_dir, "fjell", small(1))
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    before = snapshot(out)
    write_clinic_file(content_dir, "fjell", small(1).replace("Lege A", "Lege Aa"))
    code, log = run(content_dir, out)
    assert code == 0 and "1 rendered" in log, log
    after = snapshot(out)
    changed = {f for f in after if after[f] != before.get(f)}
    assert changed == {"fjell/index.html", "fjell/lenker/index.html", "fjell/lenke/index.html",
                       "fjell/avbestill/index.html", "fjell/venteliste/index.html", MANIFEST}
    # a change outside the pages (the title of the link only) touches only what shows it —
    # and the clinic's booking page, which carries the file's version (docs/site.md)
    before = after
    write_clinic_file(content_dir, "fjell", small(1).replace("Lege A", "Lege Aa")
                      .replace("title: Lenke", "title: Lenken"))
    assert run(content_dir, out)[0] == 0
    after = snapshot(out)
    assert {f for f in after if after[f] != before.get(f)} == {
        "fjell/index.html", "fjell/lenke/index.html", "fjell/lenker/index.html",
        "fjell/snippets/lenke.html", MANIFEST}


def test_outputs_no_longer_produced_are_removed_but_not_other_files(content_dir, tmp_path,
                                                                      write_clinic_file):
    write_clinic_file(content_dir, "fjell", small(1))
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    (out / "robots.txt").write_text("User-agent: *\n")
    (out / "fjell" / "lenke" / "notes.txt").write_text("the admin's own file\n")
    write_clinic_file(content_dir, "fjell", small(1).split("booking_links:")[0])
    code, log = run(content_dir, out)
    assert code == 0 and "2 removed" in log, log
    assert not (out / "fjell" / "lenke" / "index.html").exists()
    assert not (out / "fjell" / "snippets" / "lenke.html").exists()
    assert (out / "fjell" / "lenke" / "notes.txt").exists()
    (content_dir / "clinics" / "fjell.yaml").unlink()
    assert run(content_dir, out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "assets", "fjell", SLUG,
                                                     "robots.txt"]
    assert [str(p.relative_to(out)) for p in (out / "fjell").rglob("*") if p.is_file()] == [
        "fjell/lenke/notes.txt"]


def test_a_deleted_clinic_folder_or_asset_is_written_again(content_dir, tmp_path):
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    good = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}
    css = next((out / "assets").glob("ledig.*.css"))
    js = next((out / "assets").glob("flow.*.js"))
    shutil.rmtree(out / SLUG)
    css.unlink()
    js.write_text("edited by hand")
    code, log = run(content_dir, out)
    assert code == 0 and "1 rendered" in log, log
    assert {p: p.read_bytes() for p in good} == good


def test_verify_writes_again_a_page_deleted_or_edited_by_hand(content_dir, tmp_path, capsys):
    from sitegen.cli import main

    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    page = out / SLUG / "index.html"
    good = page.read_bytes()
    page.unlink()
    (out / SLUG / "avbestill" / "index.html").write_text("edited by hand")
    assert main(["build", "--verify", "--content", str(content_dir), "--out", str(out)]) == 0
    assert "1 rendered" in capsys.readouterr().err
    assert page.read_bytes() == good
    assert b"edited by hand" not in (out / SLUG / "avbestill" / "index.html").read_bytes()
    assert " 0 written" in run(content_dir, out, verify=True)[1]


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The clinic files the build reads; every file counts as older than the racy window."""
    import sitegen.build as build_module

    seen: list[str] = []
    real = build_module.read_clinic

    def read(path: str) -> bytes:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(build_module, "read_clinic", read)
    monkeypatch.setattr(build_module, "RACY_NS", -10**15)
    return seen


def test_an_unchanged_clinic_file_is_not_read_and_a_changed_one_rebuilds_its_clinic_alone(
        content_dir, tmp_path, write_clinic_file, reads):
    for i in (1, 2):
        write_clinic_file(content_dir, f"fjell{i}", small(i))
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    assert sorted(reads) == ["fjell1.yaml", "fjell2.yaml", "fjordlegene.yaml"]
    reads.clear()
    code, log = run(content_dir, out)
    assert code == 0 and "0 rendered" in log and " 0 written" in log, log
    assert reads == []
    before = snapshot(out)
    path = write_clinic_file(content_dir, "fjell2", small(2).replace("Lege A", "Lege Aa"))
    code, log = run(content_dir, out)
    assert code == 0 and "1 rendered" in log, log
    assert reads == ["fjell2.yaml"]
    after = snapshot(out)
    assert {f.split("/")[0] for f in after if after[f] != before.get(f)} == {"fjell2", MANIFEST}
    # the same size and mtime put back after an edit: the ctime still tells
    reads.clear()
    st = path.stat()
    path.write_text(small(2).replace("Lege A", "Lege Ab"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    code, log = run(content_dir, out)
    assert code == 0 and "1 rendered" in log, log
    assert reads == ["fjell2.yaml"] and "Lege Ab" in (out / "fjell2" / "index.html").read_text()


def test_a_clinic_file_changed_just_before_the_build_is_read_again(content_dir, tmp_path,
                                                                   monkeypatch):
    import sitegen.build as build_module

    seen: list[str] = []
    real = build_module.read_clinic
    monkeypatch.setattr(build_module, "read_clinic", lambda path: seen.append(path) or real(path))
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    seen.clear()
    # the demo's file was copied a moment ago: inside the racy window, so its stat is not
    # trusted (a second write in the same timestamp tick would not change it)
    code, log = run(content_dir, out)
    assert code == 0 and "0 rendered" in log, log
    assert [Path(p).name for p in seen] == ["fjordlegene.yaml"]
    assert "source" not in json.loads((out / MANIFEST).read_text())["clinics"][SLUG]


@pytest.mark.parametrize("what", ["template", "asset"])
def test_a_changed_template_or_asset_rebuilds_every_clinic(content_dir, tmp_path,
                                                           write_clinic_file, reads,
                                                           monkeypatch, what):
    import sitegen.build as build_module
    from sitegen import pages

    write_clinic_file(content_dir, "fjell", small(1))
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    templates = tmp_path / "templates"
    shutil.copytree(pages.TEMPLATES, templates)
    if what == "template":
        base = templates / "base.html"
        base.write_text(base.read_text().replace("</body>", "<!-- changed --></body>"))
    else:
        with (templates / "assets" / "ledig.css").open("a") as f:
            f.write("/* changed */\n")
        monkeypatch.setattr(build_module, "_ASSETS", pages.load_assets(templates / "assets"))
    monkeypatch.setattr(pages, "TEMPLATES", templates)
    pages.environment.cache_clear()  # the Jinja2 environment of the copy
    reads.clear()
    code, log = run(content_dir, out)
    assert code == 0 and "2 rendered" in log, log
    assert sorted(reads) == ["fjell.yaml", "fjordlegene.yaml"]
    page = (out / "fjell" / "index.html").read_text()
    if what == "template":
        assert "<!-- changed -->" in page
    else:
        css = re.search(r'assets/(ledig\.[0-9a-f]{10}\.css)', page).group(1)
        assert (out / "assets" / css).read_text().endswith("/* changed */\n")
        assert len(list((out / "assets").glob("ledig.*.css"))) == 1  # the old one removed
    assert "0 rendered" in run(content_dir, out)[1]
    monkeypatch.undo()
    pages.environment.cache_clear()


def test_invalid_content_writes_nothing(content_dir, tmp_path, write_clinic_file):
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    before = snapshot(out)
    write_clinic_file(content_dir, "fjell", small(1).replace("duration: 20", "duraton: 20"))
    code, log = run(content_dir, out)
    assert code == 1
    assert re.search(r"fjell\.yaml:\d+", log) and "duraton" in log
    assert snapshot(out) == before


def test_clinic_option_builds_one_clinic_and_leaves_the_others(content_dir, tmp_path,
                                                                write_clinic_file):
    write_clinic_file(content_dir, "fjell", small(1))
    out = tmp_path / "_site"
    assert run(content_dir, out, clinic="fjell")[0] == 0
    assert (out / "fjell" / "index.html").exists() and not (out / SLUG).exists()
    assert run(content_dir, out)[0] == 0
    before = snapshot(out)
    assert run(content_dir, out, clinic="fjell")[0] == 0
    assert snapshot(out) == before, "other clinics' outputs stay"
    code, log = run(content_dir, out, clinic="nope")
    assert code == 1 and "nope.yaml" in log


def test_many_clinics_show_progress_and_build_alike_in_parallel(tmp_path, write_clinic_file):
    content = tmp_path / "many"
    for i in range(60):
        write_clinic_file(content, f"klinikk-{i:02d}", small(i, ("nb", "nn", "en")[i % 3]))
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    code, log = run(content, serial, jobs=1)
    assert code == 0 and "rendered 60/60 clinics" in log, log
    assert run(content, parallel, jobs=2)[0] == 0
    files = sorted(str(p.relative_to(serial)) for p in serial.rglob("*") if p.is_file())
    assert len(files) == 60 * 7 + len(ASSET_NAMES) + 1 and files[0] == MANIFEST
    for rel in files[1:]:  # not the manifest: it holds mtimes
        assert (serial / rel).read_bytes() == (parallel / rel).read_bytes(), rel


def test_languages_have_the_same_strings(content_dir, tmp_path, write_clinic_file):
    keys = set(STRINGS["nb"])
    assert set(STRINGS["nn"]) == keys and set(STRINGS["en"]) == keys
    assert set(CLIENT_KEYS) <= keys
    for lang in ("nn", "en"):
        write_clinic_file(content_dir, f"k-{lang}", small(1, lang))
    assert run(content_dir, tmp_path / "_site")[0] == 0
    for lang, word in (("nn", "Kva gjeld timen?"), ("en", "What is the appointment for?")):
        html = (tmp_path / "_site" / f"k-{lang}" / "index.html").read_text()
        assert f'<html lang="{lang}">' in html and word in html


def test_clinic_script_is_baked_in_verbatim_and_allowed_by_hash(content_dir, tmp_path):
    path = content_dir / "clinics" / f"{SLUG}.yaml"
    script = 'window.seen = "<b>"; // </script> in a comment\nconsole.log(1 < 2 && 3 > 2);'
    block = "tracking:\n  ga_measurement_id: G-ABC123DEF4\n  script: |\n" + "".join(
        f"    {line}\n" for line in script.splitlines())
    text = re.sub(r"(?ms)^tracking:\n(  .*?\n)+", block, path.read_text())
    path.write_text(text)
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    html = (out / SLUG / "index.html").read_text()
    # baked in verbatim, but for `</script`, which is written `<\/script` (the same to
    # JavaScript); the CSP allows exactly the text between the tags by its sha256
    body = ('window.seen = "<b>"; // <\\/script> in a comment\n'
            'console.log(1 < 2 && 3 > 2);\n')
    assert f"<script>{body}</script>" in html
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert f"&#39;sha256-{digest}&#39;" in csp and "googletagmanager" in csp
    assert "unsafe-inline" not in csp
    assert "sha256" not in (out / SLUG / "lenker" / "index.html").read_text(), \
        "no tracking on the admin's page"


def with_tracking(content: Path, block: str) -> None:
    """Replace the demo clinic's `tracking:` section."""
    path = content / "clinics" / f"{SLUG}.yaml"
    path.write_text(re.sub(r"(?ms)^tracking:\n(  .*?\n)+", lambda _: block, path.read_text()))


def policy_of(page: Path) -> dict[str, list[str]]:
    """The page's Content-Security-Policy, directive by directive."""
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"',
                    page.read_text()).group(1).replace("&#39;", "'")
    return {d.split()[0]: d.split()[1:] for d in csp.split("; ")}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


MATOMO_JS = """var _paq = window._paq = window._paq || [];
_paq.push(['trackPageView']);
(function() {
  var u="https://matomo.fjord.example/";
  _paq.push(['setTrackerUrl', u+'matomo.php']); _paq.push(['setSiteId', '1']);
  var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];
  g.async=true; g.src=u+'matomo.js'; s.parentNode.insertBefore(g,s);
})();
"""


def test_the_booking_pages_policy_names_the_analytics_hosts(content_dir, tmp_path):
    with_tracking(content_dir, "tracking:\n  script: |\n" + "".join(
        f"    {line}\n" for line in MATOMO_JS.splitlines()))
    assert run(content_dir, tmp_path)[0] == 0
    policy = policy_of(tmp_path / SLUG / "index.html")
    matomo = "https://matomo.fjord.example"
    assert (policy["script-src"], policy["img-src"], policy["connect-src"][1:],
            policy["frame-src"]) == (["'self'", matomo, sha256(MATOMO_JS)],
                                     ["'self'", "data:", matomo], [matomo], ["'none'"])


PLAUSIBLE_HTML = """<script defer data-domain="fjord.example" src="https://plausible.io/js/script.js"></script>
<script>window.plausible = window.plausible || function () {
  (window.plausible.q = window.plausible.q || []).push(arguments); };</script>
"""


def test_an_html_snippets_inline_script_is_allowed_by_its_hash_alone(content_dir, tmp_path):
    with_tracking(content_dir, "tracking:\n  script: |\n" + "".join(
        f"    {line}\n" for line in PLAUSIBLE_HTML.splitlines()))
    assert run(content_dir, tmp_path)[0] == 0
    html = (tmp_path / SLUG / "index.html").read_text()
    inline = PLAUSIBLE_HTML.split("<script>")[1].split("</script>")[0]
    assert PLAUSIBLE_HTML in html  # as the clinic wrote it
    assert policy_of(tmp_path / SLUG / "index.html")["script-src"] == [
        "'self'", "https://plausible.io", sha256(inline)]


def test_build_is_deterministic(content_dir, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run(content_dir, a)[0] == 0 and run(content_dir, b)[0] == 0
    for path in a.rglob("*.html"):
        assert path.read_bytes() == (b / path.relative_to(a)).read_bytes()


def test_cli_build_and_link(content_dir, tmp_path, capsys):
    from sitegen.cli import main

    assert main(["build", "--content", str(content_dir), "--out", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / SLUG / "index.html").exists()
    assert main(["link", "--clinic", SLUG, "--type", "influensavaksine", "--content",
                 str(content_dir)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("http://127.0.0.1:8000/fjordlegene/influensa/\n")
    assert '<iframe id="ledig-fjordlegene-influensa"' in printed


@pytest.fixture
def write_clinic_file():
    def write(content: Path, slug: str, text: str) -> Path:
        path = content / "clinics" / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        # a rewrite within the same clock tick must still count as a change
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1))
        return path

    return write


def test_clinic_option_keeps_the_assets_other_clinics_still_link_to(content_dir, tmp_path,
                                                                     write_clinic_file,
                                                                     monkeypatch):
    import sitegen.build as build_module
    from sitegen import pages

    write_clinic_file(content_dir, "fjell", small(1))
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0

    def linked(slug: str, page: str = "**/") -> set[str]:
        """The assets a clinic's pages link to, and those their modules fetch by import()."""
        found = {a for html in (out / slug).glob(page + "index.html")
                 for a in re.findall(r'"(?:\.\./)+(assets/[^"]+)"', html.read_text())}
        lazy = {"assets/" + m for a in found if a.endswith(".js")
                for m in re.findall(r'import\("\./([^"]+)"\)', (out / a).read_text())}
        # and what those import (the day grid's calendar.js)
        return found | lazy | {"assets/" + m for a in lazy
                               for m in re.findall(r'from "\./([^"]+)"', (out / a).read_text())}

    old = linked(SLUG)
    assert {re.sub(r"\.[0-9a-f]{10}\.", ".", a) for a in linked(SLUG, "")} == {
        f"assets/{name}" for name in BOOKING_PAGE_ASSETS | LAZY}
    assert {re.sub(r"\.[0-9a-f]{10}\.", ".", a) for a in old} == {
        f"assets/{name}" for name in ASSET_NAMES - {"patient.js"}}  # no patient_login here
    assert all((out / a).exists() for a in old)
    # a change to the CSS: new content-hashed name, a new engine
    changed = tmp_path / "assets"
    changed.mkdir()
    for source in pages.ASSETS.iterdir():
        (changed / source.name).write_bytes(source.read_bytes())
    with (changed / "ledig.css").open("a") as f:
        f.write("/* changed */\n")
    monkeypatch.setattr(build_module, "_ASSETS", pages.load_assets(changed))
    engine = build_module.engine_hash()
    monkeypatch.setattr(build_module, "engine_hash", lambda: engine + "-changed")

    assert run(content_dir, out, clinic="fjell")[0] == 0
    assert linked("fjell") != old and all((out / a).exists() for a in linked("fjell"))
    assert linked(SLUG) == old, "not rebuilt"
    missing = [a for a in old if not (out / a).exists()]
    assert missing == [], "a one-clinic build removed assets other clinics link to"
    manifest = json.loads((out / MANIFEST).read_text())
    # patient.js, written for clinics with patient_login, which none of these has
    unlinked = {a for a in manifest["assets"] if a.startswith("assets/patient.")}
    assert len(unlinked) == 1  # the CSS changed, not patient.js
    assert set(manifest["assets"]) == old | linked("fjell") | unlinked
    # a full build brings every page up to date, then removes what none links to
    code, log = run(content_dir, out)
    assert code == 0 and "1 removed" in log, log
    assert linked(SLUG) == linked("fjell")
    assert {str(p.relative_to(out)) for p in (out / "assets").iterdir()} == linked(SLUG) | unlinked
    assert set(json.loads((out / MANIFEST).read_text())["assets"]) == linked(SLUG) | unlinked


def test_embeds_of_one_clinic_have_distinct_iframe_ids(content_dir, tmp_path, capsys):
    from sitegen.cli import main

    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    ids = {}
    for snippet in sorted((out / SLUG / "snippets").iterdir()):
        text = snippet.read_text()
        [frame_id] = re.findall(r'<iframe id="([^"]+)"', text)
        assert f'document.getElementById("{frame_id}")' in text, "the script finds its own"
        ids[snippet.stem] = frame_id
    assert ids == {name: f"ledig-{SLUG}-{name}" for name in
                   ("blodprove", "fastlege-hansen", "index", "influensa")}
    # `sitegen link` with a query's preset: neither the clinic's page nor a link
    assert main(["link", "--clinic", SLUG, "--calendar", "berg", "--type", "kort",
                 "--content", str(content_dir)]) == 0
    printed = capsys.readouterr().out
    assert f'<iframe id="ledig-{SLUG}-index-berg-kort"' in printed
    assert f'getElementById("ledig-{SLUG}-index-berg-kort")' in printed
    # the admin's page makes the same ids for its own presets
    html = (out / SLUG / "lenker" / "index.html").read_text()
    config = json.loads(re.search(r'id="ledig-config">(.*?)</script>', html).group(1))
    assert config["iframe_template"].count(f"ledig-{SLUG}-\x00EMBED\x00") == 2


LOGIN = """patient_login:
  issuer: https://idp.example.no
  client_id: ledig
  client_secret_env: LEDIG_OIDC_SECRET
  acr_values: idporten-loa-substantial
"""


def test_patient_login_adds_its_module_to_the_booking_pages_only(content_dir, tmp_path,
                                                                 write_clinic_file):
    write_clinic_file(content_dir, "fjell", small(1) + LOGIN)
    out = tmp_path / "_site"
    assert run(content_dir, out)[0] == 0
    names = {}
    for page in ("fjell/index.html", "fjell/lenke/index.html", "fjell/avbestill/index.html",
                 f"{SLUG}/index.html"):
        loaded = page_assets(out, out / page)
        budget = sum(a.stat().st_size for a in loaded)
        assert budget <= 50 * 1024, f"{page} loads {budget} bytes; the budget is 50 KB"
        names[page] = {re.sub(r"\.[0-9a-f]{10}\.", ".", a.name) for a in loaded}
    assert "patient.js" in names["fjell/index.html"] and "patient.js" in names[
        "fjell/lenke/index.html"]
    assert "patient.js" not in names["fjell/avbestill/index.html"]
    assert "patient.js" not in names[f"{SLUG}/index.html"]
    html = (out / "fjell" / "index.html").read_text()
    config = json.loads(re.search(r'id="ledig-config">(.*?)</script>', html).group(1))
    assert config["login"] == "https://api.example.no/patient/fjell/login"
    assert config["t"]["my_bookings"] == "Mine timer" and 'id="login"' in html
    demo = (out / SLUG / "index.html").read_text()
    assert 'id="login"' not in demo and '"login"' not in demo
