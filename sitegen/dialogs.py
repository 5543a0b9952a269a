"""Clinic-authored message templates, rendered in a bounded Jinja2 sandbox.

Clinics write their own dialog templates (SPEC §2, §7). They run in a
`SandboxedEnvironment` (no dunder or unsafe attribute access), with `range`
capped and the output size bounded, and a `date` filter that formats a
datetime in Norwegian.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_RANGE = 1000
MAX_OUTPUT = 10_000

MONTHS = {
    "nb": ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
MONTHS["nn"] = MONTHS["nb"]
WEEKDAYS = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "nn": ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


class DialogError(Exception):
    """A dialog template that does not parse or cannot be rendered."""

    code = "dialog"


def format_when(value: date | datetime, language: str = "nb") -> str:
    """`tirsdag 2. desember 2026 kl. 08:20` (or the English equivalent)."""
    lang = language if language in MONTHS else "nb"
    day = value.date() if isinstance(value, datetime) else value
    weekday = WEEKDAYS[lang][day.weekday()]
    month = MONTHS[lang][day.month - 1]
    text = (f"{weekday} {day.day}. {month} {day.year}" if lang != "en"
            else f"{weekday} {day.day} {month} {day.year}")
    if isinstance(value, datetime):
        text += (f" kl. {value:%H:%M}" if lang != "en" else f" at {value:%H:%M}")
    return text


class _Environment(ImmutableSandboxedEnvironment):
    def call(self, context, obj, *args, **kwargs):  # noqa: D401 - jinja2 hook
        if obj is range and args and any(isinstance(a, int) and abs(a) > MAX_RANGE for a in args):
            raise DialogError(f"range() is limited to {MAX_RANGE} items in dialog templates")
        return super().call(context, obj, *args, **kwargs)


@lru_cache(maxsize=4)
def environment(language: str = "nb") -> ImmutableSandboxedEnvironment:
    env = _Environment(undefined=StrictUndefined, autoescape=False)
    env.filters["date"] = lambda v: format_when(v, language)
    return env


def check_template(source: str) -> str | None:
    """None if the template parses, else the parser's complaint with its line."""
    try:
        environment().parse(source)
    except TemplateSyntaxError as exc:
        return f"line {exc.lineno} of the template: {exc.message}"
    return None


def render_dialog(source: str, context: dict, language: str = "nb") -> str:
    """Render a clinic template; raise `DialogError` on any failure or oversize output."""
    try:
        template = environment(language).from_string(source)
        out = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise DialogError(f"the message is longer than {MAX_OUTPUT} characters")
            out.append(chunk)
    except DialogError:
        raise
    except Exception as exc:  # the sandbox raises SecurityError, UndefinedError, …
        raise DialogError(f"{type(exc).__name__}: {exc}") from exc
    return "".join(out).strip()
