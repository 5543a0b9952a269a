"""The words for error codes: what a patient reads when a field is wrong.

The core raises codes (`booking.identity`, `booking.phone`); the endpoint's
parser names a code per field. The sentence for each exists once per
language: identity and phone sentences are the booking page's own
(`pages`), so the page and the API never disagree; the rest are here.
"""

from __future__ import annotations

from collections.abc import Mapping

from common.words.pages import strings

#: the core's identity and phone codes -> the page string that says it
CORE_CODES: Mapping[str, str] = {
    "identity.format": "id_format",
    "identity.checksum": "id_checksum",
    "identity.date": "id_date",
    "identity.kind_not_accepted": "id_kind",
    "identity.id_type": "id_type_missing",
    "identity.id_type_mismatch.dnr": "id_is_dnr",
    "identity.id_type_mismatch.fnr": "id_is_fnr",
    "phone.format": "bad_phone",
    "phone.not_mobile": "phone_not_mobile",
    "email.format": "bad_email",
}

FIELD_WORDS: Mapping[str, Mapping[str, str]] = {
    "nb": {
        "required": "Må fylles ut.",
        "not_text": "Må være tekst.",
        "too_long": "Kan være høyst {limit} tegn.",
        "control_chars": "Kan ikke inneholde kontrolltegn.",
        "email_needed": "Skriv e-postadressen din: bekreftelsen sendes på e-post.",
        "date": "Skriv en dato som 2026-12-01.",
        "date_order": "Sluttdatoen kan ikke være før startdatoen.",
        "range": "Perioden kan være høyst {days} dager.",
        "start": "Skriv tidspunktet med UTC-forskyvning, som 2026-12-01T08:00:00+01:00.",
        "start_offset": "Tidspunktet må ha UTC-forskyvning, som +01:00.",
        "start_years": "Datoen må ligge mellom årene {min} og {max}.",
        "calendar_offline": "Denne behandleren kan ikke bestilles på nett.",
        "type_offline": "Denne timetypen kan ikke bestilles på nett.",
        "id_type": "Velg fødselsnummer (fnr) eller D-nummer (dnr).",
        "object": "Må være et JSON-objekt.",
        "json": "Innholdet er ikke gyldig JSON.",
        "bad_request": "Forespørselen er ugyldig.",
    },
    "nn": {
        "required": "Må fyllast ut.",
        "not_text": "Må vere tekst.",
        "too_long": "Kan vere høgst {limit} teikn.",
        "control_chars": "Kan ikkje innehalde kontrollteikn.",
        "email_needed": "Skriv e-postadressa di: stadfestinga blir send på e-post.",
        "date": "Skriv ein dato som 2026-12-01.",
        "date_order": "Sluttdatoen kan ikkje vere før startdatoen.",
        "range": "Perioden kan vere høgst {days} dagar.",
        "start": "Skriv tidspunktet med UTC-forskyving, som 2026-12-01T08:00:00+01:00.",
        "start_offset": "Tidspunktet må ha UTC-forskyving, som +01:00.",
        "start_years": "Datoen må liggje mellom åra {min} og {max}.",
        "calendar_offline": "Denne behandlaren kan ikkje bestillast på nett.",
        "type_offline": "Denne timetypen kan ikkje bestillast på nett.",
        "id_type": "Vel fødselsnummer (fnr) eller D-nummer (dnr).",
        "object": "Må vere eit JSON-objekt.",
        "json": "Innhaldet er ikkje gyldig JSON.",
        "bad_request": "Førespurnaden er ugyldig.",
    },
    "en": {
        "required": "This is required.",
        "not_text": "This must be text.",
        "too_long": "At most {limit} characters.",
        "control_chars": "This must not contain control characters.",
        "email_needed": "Enter your e-mail address: the confirmation is sent by e-mail.",
        "date": "Enter a date like 2026-12-01.",
        "date_order": "The end date must not be before the start date.",
        "range": "The range may span at most {days} days.",
        "start": "Enter a date-time with its UTC offset, like 2026-12-01T08:00:00+01:00.",
        "start_offset": "The time must include its UTC offset, like +01:00.",
        "start_years": "The date must lie between the years {min} and {max}.",
        "calendar_offline": "This practitioner cannot be booked online.",
        "type_offline": "This appointment type cannot be booked online.",
        "id_type": "Choose national identity number (fnr) or D-number (dnr).",
        "object": "This must be a JSON object.",
        "json": "The body is not valid JSON.",
        "bad_request": "The request is not valid.",
    },
}


def field_message(language: str, code: str, params: Mapping[str, object] | None = None) -> str:
    """The sentence for a field error's code in `language` (nb when it is unknown)."""
    lang = language if language in FIELD_WORDS else "nb"
    if code in CORE_CODES:
        return strings(lang)[CORE_CODES[code]]
    return FIELD_WORDS[lang][code].format(**(params or {}))
