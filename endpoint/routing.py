"""URL rules whose URL builders are made on their first use.

Werkzeug compiles two small Python functions per URL rule as the rule is added
(to build its URL for `url_for`). For the endpoint's routes that was most of
`create_app`'s time — paid by every process start and every app a test builds —
while most routes are never built into a URL. `LazyRule` makes a rule's
builder when `url_for` first asks for it, and keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        name = "_build_unknown" if append_unknown else "_build"

        def first_use(rule: Rule, **values: Any) -> tuple[str, str]:
            built = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, name, built)
            return built(**values)

        return first_use
