"""Why a booking no longer fits the schedule, in words (the codes are `booking.fit`'s).

Staff read these beside `…/conflicts` and on the calendar; `sitegen check
--database` prints the English ones.
"""

from __future__ import annotations

from collections.abc import Mapping

REASON_WORDS: Mapping[str, Mapping[str, str]] = {
    "nb": {
        "calendar_removed": "Kalenderen finnes ikke lenger i klinikkfilen.",
        "type_removed": "Timetypen finnes ikke lenger i klinikkfilen.",
        "day_closed": "Dagen er stengt i arbeidsplanen.",
        "block_gone": "Ingen blokk i arbeidsplanen dekker timen lenger.",
        "type_not_offered": "Blokken tilbyr ikke lenger denne timetypen.",
        "staff_block": "En blokkering fra personalet overlapper timen.",
        "busy_time": "En opptatt tid fra en annen kalender overlapper timen.",
        "calendar_offline": "Timen ble bestilt på nett, og kalenderen er ikke lenger åpen "
                            "for nettbestilling.",
        "type_offline": "Timen ble bestilt på nett, og timetypen er ikke lenger åpen for "
                        "nettbestilling.",
    },
    "nn": {
        "calendar_removed": "Kalenderen finst ikkje lenger i klinikkfila.",
        "type_removed": "Timetypen finst ikkje lenger i klinikkfila.",
        "day_closed": "Dagen er stengd i arbeidsplanen.",
        "block_gone": "Ingen blokk i arbeidsplanen dekkjer timen lenger.",
        "type_not_offered": "Blokka tilbyr ikkje lenger denne timetypen.",
        "staff_block": "Ei blokkering frå personalet overlappar timen.",
        "busy_time": "Ei oppteken tid frå ein annan kalender overlappar timen.",
        "calendar_offline": "Timen vart bestilt på nett, og kalenderen er ikkje lenger open "
                            "for nettbestilling.",
        "type_offline": "Timen vart bestilt på nett, og timetypen er ikkje lenger open for "
                        "nettbestilling.",
    },
    "en": {
        "calendar_removed": "the calendar is no longer in the clinic file",
        "type_removed": "the appointment type is no longer in the clinic file",
        "day_closed": "the day is closed in the schedule",
        "block_gone": "no block of the schedule holds the appointment any more",
        "type_not_offered": "its block no longer offers the appointment type",
        "staff_block": "a staff block overlaps it",
        "busy_time": "an imported busy time overlaps it",
        "calendar_offline": "it was booked online and the calendar is no longer online",
        "type_offline": "it was booked online and the appointment type is no longer online",
    },
}


def reason_words(language: str) -> Mapping[str, str]:
    """Every reason's sentence in `language` (nb when it is unknown)."""
    return REASON_WORDS.get(language, REASON_WORDS["nb"])
