"""Clinic-authored message templates, rendered in a bounded Jinja2 sandbox.

#content-format and docs/notifications.md). They run in a
Clinics write their own dialog templates (README.md
`SandboxedEnvironment` (no dunder or unsafe attribute access, no
`str.format`), and every render is bounded: loop iterations and calls share
one step budget, integer arguments and `range` are capped, `*`, `**` and `%`
are checked before they can build a huge value, filters' results are
measured, the output is capped, and a render that runs too long stops.
The context holds only plain values (`dialog_context`): never the national
id. A `date` filter formats a datetime in the clinic's language.
"""

from __future__ import annotations

import contextvars
import functools
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from booking.model import AppointmentType, Clinic, Rules
from common.words.dates import format_when

MAX_RANGE = 1000  # items in one range()
MAX_INT_ARG = 10_000  # any integer passed to a call or filter
MAX_OUTPUT = 10_000  # characters in the message, and in any value built on the way
MAX_STEPS = 50_000  # loop iterations plus calls in one render
MAX_SECONDS = 0.5  # wall-clock time of one render

_WIDE_FORMAT = re.compile(r"\d{5,}|%[-#0 +]*\*")


class DialogError(Exception):
    """A dialog template that does not parse or cannot be rendered."""

    code = "dialog"


# -- the budget of one render ----------------------------------------------------

@dataclass
class _Budget:
    steps: int = MAX_STEPS
    deadline: float = 0.0

    def spend(self, steps: int = 1) -> None:
        self.steps -= steps
        if self.steps < 0:
            raise DialogError(f"the template does more than {MAX_STEPS} steps (loops and "
                              "calls); simplify it")
        if time.monotonic() > self.deadline:
            raise DialogError(f"the template took longer than {MAX_SECONDS} s to render")


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("dialog_budget",
                                                                         default=None)


def _spend(steps: int = 1) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.spend(steps)


def _check_size(value: Any) -> Any:
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > MAX_OUTPUT:
        raise DialogError(f"the template builds a value longer than {MAX_OUTPUT} characters")
    return value


def _check_args(args: tuple, kwargs: dict) -> None:
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_INT_ARG:
            raise DialogError(f"numbers passed to a call are limited to {MAX_INT_ARG}")
        if isinstance(arg, str) and _WIDE_FORMAT.search(arg) and "%" in arg:
            raise DialogError("format widths are limited to 4 digits")


def _counted(iterable: Any):
    """Every loop of a template iterates through here, spending one step per item."""
    for item in iterable:
        _spend()
        yield item


def _limited_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise DialogError(f"range() is limited to {MAX_RANGE} items in dialog templates")
    return result


def _guard_filter(func):
    @functools.wraps(func)  # keeps jinja's pass_context/pass_environment marks
    def guarded(*args, **kwargs):
        _check_args(args, kwargs)
        _spend()
        return _check_size(func(*args, **kwargs))
    return guarded


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "%"])

    def call(self, context, obj, *args, **kwargs):  # jinja2 hook
        _spend()
        _check_args(args, kwargs)
        if getattr(obj, "__name__", "") == "replace" and isinstance(
                getattr(obj, "__self__", None), str) and len(args) >= 2:
            text, old, new = obj.__self__, str(args[0]), str(args[1])
            _check_size(" " * ((text.count(old) + 1) * len(new) + len(text)))
        return _check_size(super().call(context, obj, *args, **kwargs))

    def wrap_str_format(self, value: Any):
        if super().wrap_str_format(value) is not None:
            def refused(*args, **kwargs):
                raise DialogError("str.format is not allowed in dialog templates (a width "
                                  "could build a huge text); join text with ~")
            return refused
        return None

    def call_binop(self, context, operator, left, right):
        _spend()
        if operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
            if abs(right) > 64 and abs(left) > 1:
                raise DialogError("powers are limited to an exponent of 64")
        elif operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int):
                    _check_size(" " * max(0, min(len(seq) * n, MAX_OUTPUT + 1)))
        elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise DialogError("format widths are limited to 4 digits")
        return _check_size(super().call_binop(context, operator, left, right))

    def _parse(self, source, name, filename):
        """Route every `for` loop through the step budget."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.Name("_ledig_loop", "load"), [loop.iter], [], None,
                                   None, lineno=loop.lineno)
        return tree


@lru_cache(maxsize=4)
def environment(language: str = "nb") -> ImmutableSandboxedEnvironment:
    env = _Environment(undefined=StrictUndefined, autoescape=False, optimized=False)
    env.globals.pop("lipsum", None)
    env.globals["range"] = _limited_range
    env.globals["_ledig_loop"] = _counted
    env.filters = {name: _guard_filter(func) for name, func in env.filters.items()}
    env.filters["date"] = _guard_filter(lambda v: format_when(v, language))
    return env


# -- the context ---------------------------------------------------------------------

def dialog_context(clinic: Clinic, kind: AppointmentType, *, first_name: str, last_name: str,
                   start: datetime, end: datetime, calendar_name: str,
                   booking_id: str = "") -> dict:
    """What a dialog template sees: plain values only, never the national id.

    `start`/`end` should be in the clinic's timezone (the `date` filter shows
    them as they are).
    """
    return {
        "patient": {"first_name": first_name, "last_name": last_name,
                    "name": f"{first_name} {last_name}".strip()},
        "clinic": {"name": clinic.name, "address": clinic.address, "phone": clinic.phone,
                   "email": clinic.email, "pages_url": clinic.pages_url},
        "booking": {"id": booking_id, "start": start, "end": end, "calendar": calendar_name,
                    "type": kind.name, "address": kind.address or clinic.address},
        "type": {"id": kind.id, "name": kind.name, "duration": kind.duration,
                 "price": kind.price, "address": kind.address or clinic.address,
                 "info": kind.info or ""},
    }


def sample_context() -> dict:
    """A made-up booking, to try a template at `sitegen check` time."""
    clinic = Clinic(slug="eksempel", name="Eksempel legesenter", address="Gata 1, 0001 Oslo",
                    phone="+47 22 00 00 00", email="post@eksempel.example",
                    pages_url="https://eksempel.example/")
    kind = AppointmentType(id="konsultasjon", name="Konsultasjon", duration=20, rules=Rules(),
                           price=350, info="Møt opp 10 minutter før.")
    start = datetime(2026, 12, 1, 8, 20, tzinfo=UTC)
    return dialog_context(clinic, kind, first_name="Kari", last_name="Nordmann", start=start,
                          end=start + timedelta(minutes=20), calendar_name="Kari Hansen",
                          booking_id="0" * 32)


# -- checking and rendering ----------------------------------------------------------

@lru_cache(maxsize=256)
def _compiled(source: str, language: str):
    """Compile once per template text: clinics share templates, and each booking renders one."""
    return environment(language).from_string(source)


@lru_cache(maxsize=256)
def check_template(source: str) -> str | None:
    """None if the template parses and renders a sample booking, else the complaint."""
    try:
        environment().parse(source)
    except TemplateSyntaxError as exc:
        return f"line {exc.lineno} of the template: {exc.message}"
    try:
        render_dialog(source, sample_context())
    except DialogError as exc:
        return f"the template fails on a sample booking: {exc}"
    return None


def render_dialog(source: str, context: dict, language: str = "nb") -> str:
    """Render a clinic template; raise `DialogError` on any failure or oversize output."""
    token = _budget.set(_Budget(deadline=time.monotonic() + MAX_SECONDS))
    try:
        template = _compiled(source, language)
        out = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise DialogError(f"the message is longer than {MAX_OUTPUT} characters")
            _spend(0)
            out.append(chunk)
    except DialogError:
        raise
    except Exception as exc:  # the sandbox raises SecurityError, UndefinedError, …
        raise DialogError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _budget.reset(token)
    return "".join(out).strip()
