"""Number-dependent words: "1 ledig", "2 ledige"; "1 time", "2 timer".

Bokmål, nynorsk and English all use two forms: one for exactly 1 and one
for everything else (0 included: "0 ledige", "0 free").
"""

from __future__ import annotations

from collections.abc import Mapping

#: the word for a count, per language: (one, other)
NOUNS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "nb": {"free": ("ledig", "ledige"), "appointment": ("time", "timer"),
           "hour": ("time", "timer"), "booking": ("bestilling", "bestillinger"),
           "self_booked": ("selvbestilt", "selvbestilte"), "slot": ("ledig time", "ledige timer")},
    "nn": {"free": ("ledig", "ledige"), "appointment": ("time", "timar"),
           "hour": ("time", "timar"), "booking": ("bestilling", "bestillingar"),
           "self_booked": ("sjølvbestilt", "sjølvbestilte"),
           "slot": ("ledig time", "ledige timar")},
    "en": {"free": ("free", "free"), "appointment": ("appointment", "appointments"),
           "hour": ("hour", "hours"), "booking": ("booking", "bookings"),
           "self_booked": ("self-booked", "self-booked"), "slot": ("free slot", "free slots")},
}


def form(n: int, one: str, other: str) -> str:
    """The form of a word for `n`: `one` for exactly 1, else `other`."""
    return one if n == 1 else other


def count(n: int, noun: str, language: str = "nb") -> str:
    """`n` and its noun in the right form: `count(1, "free")` -> "1 ledig"."""
    table = NOUNS.get(language, NOUNS["nb"])
    one, other = table[noun]
    return f"{n} {form(n, one, other)}"
