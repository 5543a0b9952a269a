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
        "next_not_own_page": "Innloggingen kan bare gå tilbake til klinikkens egne sider.",
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
        "unknown": "Ukjent felt; sjekk stavemåten.",
        "boolean": "Må være true eller false.",
        "hold_token": "Reservasjonen er ugyldig; velg tidspunktet på nytt.",
        "waitlist_too_far": "Venteperioden kan vare til høyst {days} dager fram i tid.",
        "waitlist_no_channel": "Vi kan ikke varsle deg om ledige timer av denne typen med "
                               "kontaktinformasjonen du har gitt.",
        "waitlist_outside": "Tidspunktet passer ikke med ventelisteplassen din (timetype, "
                            "behandler eller datoer).",
        "notify": "Bruk true, false eller en liste med email og sms.",
        "attendance": "Bruk arrived, no_show eller null.",
        "calendar_unknown": "Klinikken har ingen kalender med denne id-en.",
        "type_unknown": "Klinikken har ingen timetype med denne id-en.",
        "end_order": "Slutten må være etter starten.",
        "block_length": "En blokkering kan vare høyst {days} dager; lengre fravær hører "
                        "hjemme i klinikkfilens unntak.",
        "initiated_by": "Bruk patient (pasienten ba om det) eller clinic (klinikken avlyser).",
        "reason_needed": "Skriv en grunn: pasienten får den i meldingen.",
        "query_short": "Skriv minst {min} tegn.",
        "nothing_to_change": "Send minst ett av start, calendar, type, note og attendance.",
    },
    "nn": {
        "required": "Må fyllast ut.",
        "next_not_own_page": "Innlogginga kan berre gå tilbake til klinikken sine eigne sider.",
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
        "unknown": "Ukjent felt; sjekk stavemåten.",
        "boolean": "Må vere true eller false.",
        "hold_token": "Reservasjonen er ugyldig; vel tidspunktet på nytt.",
        "waitlist_too_far": "Venteperioden kan vare til høgst {days} dagar fram i tid.",
        "waitlist_no_channel": "Vi kan ikkje varsle deg om ledige timar av denne typen med "
                               "kontaktinformasjonen du har gitt.",
        "waitlist_outside": "Tidspunktet passar ikkje med ventelisteplassen din (timetype, "
                            "behandlar eller datoar).",
        "notify": "Bruk true, false eller ei liste med email og sms.",
        "attendance": "Bruk arrived, no_show eller null.",
        "calendar_unknown": "Klinikken har ingen kalender med denne id-en.",
        "type_unknown": "Klinikken har ingen timetype med denne id-en.",
        "end_order": "Slutten må vere etter starten.",
        "block_length": "Ei blokkering kan vare høgst {days} dagar; lengre fråvær høyrer "
                        "heime i unntaka i klinikkfila.",
        "initiated_by": "Bruk patient (pasienten bad om det) eller clinic (klinikken avlyser).",
        "reason_needed": "Skriv ein grunn: pasienten får han i meldinga.",
        "query_short": "Skriv minst {min} teikn.",
        "nothing_to_change": "Send minst eitt av start, calendar, type, note og attendance.",
    },
    "en": {
        "required": "This is required.",
        "next_not_own_page": "The login can only return to the clinic's own pages.",
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
        "unknown": "Unknown field; check the spelling.",
        "boolean": "Must be true or false.",
        "hold_token": "The hold is not valid; pick the time again.",
        "waitlist_too_far": "You can wait at most {days} days ahead.",
        "waitlist_no_channel": "We cannot tell you of free times of this type with the "
                               "contact details you gave.",
        "waitlist_outside": "The time does not fit your wait-list entry (type, practitioner "
                            "or dates).",
        "notify": "Use true, false or a list of email and sms.",
        "attendance": "Use arrived, no_show or null.",
        "calendar_unknown": "The clinic has no calendar with this id.",
        "type_unknown": "The clinic has no appointment type with this id.",
        "end_order": "The end must be after the start.",
        "block_length": "A block may last at most {days} days; a longer absence belongs in "
                        "the clinic file's exceptions.",
        "initiated_by": "Use patient (the patient asked) or clinic (the clinic cancels).",
        "reason_needed": "Give a reason: the patient is told it.",
        "query_short": "Enter at least {min} characters.",
        "nothing_to_change": "Send at least one of start, calendar, type, note and attendance.",
    },
}


def field_message(language: str, code: str, params: Mapping[str, object] | None = None) -> str:
    """The sentence for a field error's code in `language` (nb when it is unknown)."""
    lang = language if language in FIELD_WORDS else "nb"
    if code in CORE_CODES:
        return strings(lang)[CORE_CODES[code]]
    return FIELD_WORDS[lang][code].format(**(params or {}))
