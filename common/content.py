"""Reading clinic files: YAML with line numbers, validated into `Clinic` values.

The one place that turns `content/clinics/*.yaml` into clinics; both `sitegen`
and `endpoint` call `load_content`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from booking import Clinic, ConfigIssue, check_clinic, content_version
from booking.addresses import previewed
from booking.features import refusals
from booking.tree import Mapping, Sequence
from common.dialogs import check_template
from common.features import installed
from common.logo import read_logo

# libyaml's C parser when PyYAML has it (about 10x faster: parsing dominated the build)
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]  # chosen at import time
    """A SafeLoader whose mappings and lists remember their lines (1-based)."""

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        self.flatten_mapping(node)
        key_lines = {}
        items = {}
        raw = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark)
            if isinstance(key, bool):  # YAML 1.1 reads `on:`/`no:` as booleans
                key = key_node.value
            key = str(key)
            if key in items:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark)
            items[key] = self.construct_object(value_node, deep=True)
            key_lines[key] = key_node.start_mark.line + 1
            if (written := _plain_word(value_node, items[key])) is not None:
                raw[key] = written
        return Mapping(items, line=node.start_mark.line + 1, key_lines=key_lines, raw=raw)

    def construct_sequence(self, node, deep=False):
        items = [self.construct_object(child, deep=True) for child in node.value]
        lines = [child.start_mark.line + 1 for child in node.value]
        raw = {i: written for i, (child, item) in enumerate(zip(node.value, items, strict=True))
               if (written := _plain_word(child, item)) is not None}
        return Sequence(items, line=node.start_mark.line + 1, item_lines=lines, raw=raw)

    def construct_yaml_int(self, node):
        # YAML 1.1 reads an unquoted 12:30 as the base-60 number 750; keep it as the text
        # the admin wrote, so that times work unquoted and a bare 900 is an error
        if ":" in node.value:
            return self.construct_scalar(node)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2026-13-01 looks like a date but is none: validation says so
            return self.construct_scalar(node)


def _plain_word(node: yaml.Node, value: object) -> str | None:
    """The text of an unquoted scalar that YAML 1.1 read as a bool, number or date, else None."""
    if (isinstance(node, yaml.ScalarNode) and not node.style and value is not None
            and not isinstance(value, str)):
        return str(node.value)
    return None


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _LineLoader.construct_yaml_int)


@dataclass
class Content:
    """What a content folder holds: the valid clinics and every issue found."""

    clinics: dict[str, Clinic] = field(default_factory=dict)
    issues: list[ConfigIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ConfigIssue]:
        return [i for i in self.issues if not i.warning]

    @property
    def warnings(self) -> list[ConfigIssue]:
        return [i for i in self.issues if i.warning]


#: the endings of clinic files under `content/clinics/`
CLINIC_SUFFIXES = (".yaml", ".yml")


def clinic_files(content_dir: Path) -> list[Path]:
    folder = Path(content_dir) / "clinics"
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in CLINIC_SUFFIXES)


def read_yaml(data: bytes, file: str) -> tuple[object, list[ConfigIssue]]:
    """Parse YAML that remembers lines; a syntax error becomes one issue with its line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [ConfigIssue(file, 1, "(file)", f"is not UTF-8 text ({exc.reason}); "
                                  "save it as UTF-8.")]
    try:
        return yaml.load(text, Loader=_LineLoader), []  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [ConfigIssue(file, line, "(yaml)", f"{problem}; fix the YAML syntax "
                                  "(indentation, quotes, ':' after keys).")]
    except yaml.YAMLError as exc:
        return None, [ConfigIssue(file, 1, "(yaml)", f"{exc}; fix the YAML syntax.")]
    except RecursionError:  # PyYAML composes recursively: [[[[… a few thousand deep
        return None, [ConfigIssue(file, 1, "(yaml)", "is nested too deeply; a clinic file "
                                  "needs only a few levels of lists and mappings.")]


def load_clinic_bytes(data: bytes, *, slug: str, file: str,
                      preview_url: str | None = None) -> tuple[Clinic | None, list]:
    """Validate one clinic file's bytes: the clinic (or None) and every issue.

    With `preview_url` (`booking.addresses.preview_url`), the clinic is the one a local
    preview serves there (`previewed`).
    """
    tree, issues = read_yaml(data, file)
    if issues:
        return None, issues
    if tree is None:
        return None, [ConfigIssue(file, 1, "(file)", "is empty; start with name: and "
                                  "calendars:.")]
    clinic, issues = check_clinic(tree, slug=slug, file=file, version=content_version(data))
    issues = issues + _dialog_issues(tree, file)
    if any(not i.warning for i in issues):
        return None, issues
    if clinic is not None and clinic.logo is not None:
        clinic, logo_issues = read_logo(clinic, file)
        if logo_issues:
            return None, issues + logo_issues
    if clinic is not None and preview_url:
        clinic = previewed(clinic, preview_url)
    return clinic, issues


def feature_issues(clinic: Clinic, running: frozenset[str],
                   have: frozenset[str]) -> list[ConfigIssue]:
    """Why the deployment cannot serve `clinic`: each feature the file needs that is not
    installed (`have`, found once per load: `common.features.installed`) or not run
    (LEDIG_FEATURES, docs/features.md), with file, line and key."""
    return [ConfigIssue(file, line, key, sentence) for file, line, key, sentence
            in refusals(clinic.source, clinic.needs, running, have)]


def effective(clinic: Clinic, running: frozenset[str]) -> Clinic:
    """The clinic as a deployment running `running` serves it: without the wait-list
    feature it holds no times and has no wait list."""
    if clinic.uses("waitlist", running):
        return clinic
    return replace(clinic, features=replace(clinic.features, hold_minutes=0, waitlist=False))


def _dialog_issues(tree: object, file: str) -> list[ConfigIssue]:
    dialogs = tree.get("dialogs") if isinstance(tree, dict) else None
    if not isinstance(dialogs, Mapping):
        return []
    out = []
    for name, source in dialogs.items():
        if isinstance(source, str) and (problem := check_template(source)):
            out.append(ConfigIssue(file, dialogs.line_of(name), f"dialogs.{name}",
                                   f"the template does not parse: {problem}."))
    return out


def load_content(content_dir: Path | str, preview_url: str | None = None,
                 running: frozenset[str] | None = None) -> Content:
    """Read and validate every clinic file under `content_dir/clinics/`; with `running`
    (the features the deployment runs), a clinic that needs another is refused."""
    content = Content()
    files = clinic_files(Path(content_dir))
    if not files:
        content.issues.append(ConfigIssue(str(Path(content_dir) / "clinics"), 0, "(folder)",
                                          "holds no clinic files (*.yaml); add one."))
    have = installed() if running is not None else frozenset()
    for path in files:
        clinic, issues = load_clinic_bytes(path.read_bytes(), slug=path.stem, file=str(path),
                                           preview_url=preview_url)
        if clinic is not None and running is not None \
                and (refused := feature_issues(clinic, running, have)):
            clinic, issues = None, [*issues, *refused]
        content.issues.extend(issues)
        if clinic is not None:
            content.clinics[clinic.slug] = clinic
    return content
