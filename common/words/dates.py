"""How days and times are written, in nb, nn and en (the one place for it).

`format_when` is what patients read in messages and dialogs ("tirsdag 2.
desember 2026 kl. 08:20"); `long_date` and `short_date` are the staff
calendar's headings ("tirsdag 2. desember 2026", "tir 2.12."); `numeric_when` and
`format_span` the staff pages' stamps ("28.11.2026 kl. 14:03") and a booking's or a
block's time ("tirsdag 1. desember 2026 kl. 08:00–08:20").
"""

from __future__ import annotations

from datetime import date, datetime

MONTHS: dict[str, tuple[str, ...]] = {
    "nb": ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
MONTHS["nn"] = MONTHS["nb"]
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "nn": ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def _lang(language: str) -> str:
    return language if language in MONTHS else "nb"


def long_date(day: date, language: str = "nb") -> str:
    """`tirsdag 2. desember 2026` (`Tuesday 2 December 2026`)."""
    lang = _lang(language)
    weekday, month = WEEKDAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{weekday} {day.day} {month} {day.year}"
    return f"{weekday} {day.day}. {month} {day.year}"


def short_date(day: date, language: str = "nb") -> str:
    """`tir 2.12.` (`Tue 2.12.`)."""
    return f"{WEEKDAYS[_lang(language)][day.weekday()][:3]} {day.day}.{day.month}."


def format_when(value: date | datetime, language: str = "nb") -> str:
    """`tirsdag 2. desember 2026 kl. 08:20` (or the English equivalent)."""
    lang = _lang(language)
    day = value.date() if isinstance(value, datetime) else value
    text = long_date(day, lang)
    if isinstance(value, datetime):
        text += (f" kl. {value:%H:%M}" if lang != "en" else f" at {value:%H:%M}")
    return text


def short_when(value: datetime, language: str = "nb") -> str:
    """`tir 2.12. kl. 08:20` (`Tue 2.12. at 08:20`): for an SMS that must stay short."""
    lang = _lang(language)
    return short_date(value.date(), lang) + (f" kl. {value:%H:%M}" if lang != "en"
                                             else f" at {value:%H:%M}")


def numeric_when(value: datetime, language: str = "nb", *, year: bool = True) -> str:
    """`28.11.2026 kl. 14:03`, or `28.11. kl. 14:03` without the year: the staff pages'
    stamps (when a booking was made, a log line)."""
    day = f"{value:%d.%m.%Y}" if year else f"{value:%d.%m.}"
    return f"{day} {'at' if _lang(language) == 'en' else 'kl.'} {value:%H:%M}"


def format_span(start: datetime, end: datetime, language: str = "nb") -> str:
    """`tirsdag 1. desember 2026 kl. 08:00–08:20`; across days both ends in full,
    `… kl. 08:00 – onsdag 2. desember 2026 kl. 09:00`."""
    if start.date() == end.date():
        return f"{format_when(start, language)}–{end:%H:%M}"
    return f"{format_when(start, language)} – {format_when(end, language)}"
