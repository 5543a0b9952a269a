"""`sitegen.pages.load_assets`: ES modules under content-hashed names. Every import
is rewritten to the hashed name of the module it imports, so the built files resolve
each other; a change to a module renames it and every module that imports it,
directly or not, and nothing else; imports the build could not rewrite stop it; and
each page preloads exactly the modules its entry module reaches."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sitegen import pages
from sitegen.build import build

SLUG = "fjordlegene"
BUILT_IMPORT = re.compile(r"""^(?:import|export)\b[^;"']*?\bfrom\s*"\./([^"]+)";$""", re.M)
BUILT_DYNAMIC = re.compile(r"""\bimport\("\./([^"]+)"\)""")


def stem(path: str) -> str:
    """assets/flow.0123456789.js → flow.js"""
    return re.sub(r"\.[0-9a-f]{10}\.", ".", Path(path).name)


def test_built_imports_name_built_files():
    assets = pages.load_assets()
    built = {Path(p).name for p in assets.files}
    modules = 0
    for path, data in assets.files.items():
        if not path.endswith(".js"):
            continue
        text = data.decode()
        names = BUILT_IMPORT.findall(text)
        modules += bool(names)
        assert all(name in built for name in names), (path, names)
        # no import left with a source name (it would load a file that is not there)
        assert not re.search(r"""["']\./[A-Za-z0-9_-]+\.js["']""", text), path
    assert modules >= 6
    booking = assets.files[assets.paths["booking.js"]].decode()
    assert {stem(n) for n in BUILT_IMPORT.findall(booking)} == {
        "api.js", "dom.js", "fields.js", "flow.js", "format.js", "page.js", "steps.js",
        "session.js"}
    # by import(), under their hashed names: the wait list's form when asked for, the .ics
    # at the receipt, Back/Forward with the first step
    assert [stem(n) for n in BUILT_DYNAMIC.findall(booking)] == ["waitlist.js", "ics.js",
                                                                 "back.js"]


def copy_assets(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    shutil.copytree(pages.ASSETS, folder)
    return folder


def test_a_change_renames_the_module_and_those_that_import_it(tmp_path):
    before = pages.load_assets().paths
    folder = copy_assets(tmp_path)
    with (folder / "format.js").open("a") as f:
        f.write("export const changed = 1;\n")  # code: a comment alone is not in the build
    after = pages.load_assets(folder).paths
    renamed = {name for name in before if before[name] != after[name]}
    # format.js, and what imports it, statically or by import(): flow.js, page.js,
    # steps.js, daygrid.js, waitlist.js, move.js, patient.js, place.js, back.js and the
    # entries above them
    assert renamed == {"format.js", "flow.js", "page.js", "steps.js", "daygrid.js",
                       "waitlist.js", "move.js", "place.js", "back.js",
                       "booking.js", "cancel.js", "links.js", "venteliste.js", "patient.js"}


def test_the_same_sources_give_the_same_names(tmp_path):
    assert pages.load_assets(copy_assets(tmp_path)).paths == pages.load_assets().paths


@pytest.mark.parametrize(("source", "complaint"), [
    ('import {x} from "flow.js";\n', "must name another file"),
    ('import {x} from "../flow.js";\n', "must name another file"),
    ('import {x} from "./nowhere.js";\n', "must name another file"),
    ('import {x} from "./a.js";\n', "must name another file"),  # itself
    ('const m = import("./" + name);\n', "outside a static import"),
    ('const m = import(`./flow.js`);\n', "outside a static import"),
    ('const m = import("./nowhere.js");\n', "must name another file"),
    ('const x = 1; import {y} from "./flow.js";\n', "outside a static import"),
])
def test_imports_the_build_cannot_rewrite_stop_it(tmp_path, source, complaint):
    folder = copy_assets(tmp_path)
    (folder / "a.js").write_text(source)
    with pytest.raises(ValueError, match=complaint):
        pages.load_assets(folder)


def test_an_import_list_over_several_lines_is_rewritten(tmp_path):
    folder = copy_assets(tmp_path)
    (folder / "a.js").write_text('import {\n  fmt,\n  has,\n} from "./format.js";\n'
                                 'export {texts} from "./format.js";\nimport "./dom.js";\n')
    assets = pages.load_assets(folder)
    text = assets.files[assets.paths["a.js"]].decode()
    fmt, dom = (Path(assets.paths[n]).name for n in ("format.js", "dom.js"))
    assert text == (f'import {{\nfmt,\nhas,\n}} from "./{fmt}";\n'
                    f'export {{texts}} from "./{fmt}";\nimport "./{dom}";\n')
    assert assets.imports["a.js"] == ("dom.js", "format.js")


def test_a_dynamic_import_is_rewritten_and_not_preloaded(tmp_path):
    folder = copy_assets(tmp_path)
    (folder / "a.js").write_text('import {fmt} from "./format.js";\n'
                                 'export const later = () => import("./b.js");\n')
    (folder / "b.js").write_text('import {row} from "./dom.js";\nexport const b = row;\n')
    assets = pages.load_assets(folder)
    text = assets.files[assets.paths["a.js"]].decode()
    assert f'import("./{Path(assets.paths["b.js"]).name}")' in text
    assert assets.imports["a.js"] == ("format.js",)  # preloaded
    assert assets.lazy["a.js"] == ("b.js", "dom.js")  # fetched when asked for
    # b.js changes: a.js, which names it, is renamed too
    with (folder / "b.js").open("a") as f:
        f.write("export const changed = 1;\n")  # code: a comment alone is not in the build
    assert pages.load_assets(folder).paths["a.js"] != assets.paths["a.js"]


def test_modules_that_import_each_other_stop_the_build(tmp_path):
    folder = copy_assets(tmp_path)
    (folder / "a.js").write_text('import {b} from "./b.js";\nexport const a = 1;\n')
    (folder / "b.js").write_text('import {a} from "./a.js";\nexport const b = a;\n')
    with pytest.raises(ValueError, match="cycle: a.js → b.js → a.js"):
        pages.load_assets(folder)


def test_each_page_preloads_the_modules_its_entry_reaches(content_dir, tmp_path):
    out = tmp_path / "_site"
    assert build(content_dir, out) == 0

    def reached(entry: str) -> set[str]:
        """Follow the built files' imports, as the browser does."""
        seen, todo = set(), [entry]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += BUILT_IMPORT.findall((out / "assets" / name).read_text())
        return seen

    for page, entry in (("index.html", "booking"), ("influensa/index.html", "booking"),
                        ("avbestill/index.html", "cancel"), ("lenker/index.html", "links"),
                        ("venteliste/index.html", "venteliste")):
        html = (out / SLUG / page).read_text()
        preloaded = re.findall(r'<link rel="modulepreload" href="(?:\.\./)+assets/([^"]+)">', html)
        scripts = re.findall(r'<script (?:type="module" )?src="(?:\.\./)+assets/([^"]+)">', html)
        module = re.findall(r'<script type="module" src="(?:\.\./)+assets/([^"]+)">', html)
        assert [stem(m) for m in module] == [entry + ".js"], page
        assert set(preloaded) == reached(module[0]) and len(preloaded) == len(set(preloaded))
        # boot.js first, a classic script; identity.js (classic) only where it is used
        assert stem(scripts[0]) == "boot.js"
        assert ("identity.js" in {stem(s) for s in scripts}) == (entry == "booking")


def test_the_pages_load_our_javascript_without_indentation_and_comment_lines():
    from sitegen.pages import slim_js

    source = ("/* The module's head,\n   two lines. */\nimport {a} from \"./a.js\";\n\n"
              "  // a comment line\n  if (a) {\n    b(); // kept: code before it\n  }\n")
    assert slim_js(source) == ('import {a} from "./a.js";\nif (a) {\n'
                               'b(); // kept: code before it\n}\n')
    # a string across lines would change inside: such a file stays whole
    spanning = "const t = `a\n  b`;\n  x();\n"
    assert slim_js(spanning) == spanning
    continued = 'const s = "a\\\n  b";\n'
    assert slim_js(continued) == continued
    built = pages.load_assets()
    booking = built.files[built.paths["booking.js"]].decode()
    assert "\n  " not in booking and "\n//" not in booking
