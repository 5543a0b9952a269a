"""The staff timebok's words (docs/staff.md): what the pages say for the services' codes, the
audit log's actions and a booking's log lines, attendance and who cancelled, the notices
after an action, the login and its guards (CSRF, too many failures), the calendar feed.
The view modules of `endpoint/staff/` hold no sentence of their own
(`tests/test_words.py` checks it; docs/architecture.md).

The staff pages are written in bokmål whatever the clinic's language (the
staff of a Norwegian clinic read bokmål; patients get their messages in the
clinic's language). Field errors of a patient's details are the booking
page's own sentences (`errors.field_message`), so a receptionist and a
patient are told the same about the same number.
"""

from __future__ import annotations

from collections.abc import Mapping

from common.words import plural

#: a service's problem code -> what the page says (and what to do)
PROBLEMS: Mapping[str, str] = {
    "slot_unavailable": "Tiden er ikke ledig lenger: en annen time eller en blokkering ligger "
                        "der nå. Velg en annen tid; det du har skrevet, er tatt vare på.",
    "outside_schedule": "Tiden ligger utenfor arbeidsplanen for denne timetypen. Kryss av "
                        "for «Bestill utenfor arbeidsplanen» hvis det er meningen.",
    "booking_cancelled": "Timen er avbestilt og kan ikke endres. Bestill en ny time i stedet.",
    "booking_ended": "Timen er over og kan ikke avbestilles. Registrer «ikke møtt» i stedet.",
    "attendance_too_early": "Timen har ikke begynt ennå. «Møtt» kan registreres fra 15 "
                            "minutter før timen, «Ikke møtt» først når timen har begynt.",
    "conflicts": "Det ligger timer i denne tiden. Flytt eller avbestill dem først, eller "
                 "kryss av for å blokkere likevel.",
    "block_overlap": "En annen blokkering i samme timebok overlapper denne tiden. Endre eller "
                     "fjern den i stedet.",
    "not_found": "Fant ikke det du ba om; det kan være fjernet i mellomtiden.",
    "validation": "Noe må rettes. Se feltene som er merket.",
}

FIELDS: Mapping[str, str] = {
    "required": "Må fylles ut.",
    "date": "Skriv en dato, for eksempel 2026-12-03.",
    "time": "Skriv et klokkeslett, for eksempel 08:20.",
    "calendar": "Velg en timebok.",
    "type": "Velg en timetype.",
    "end_order": "Slutten må være etter starten.",
    "too_long_block": "En blokkering kan vare høyst {days} dager; lengre fravær hører hjemme "
                      "i arbeidsplanen.",
    "reason": "Skriv en grunn; pasienten får den i meldingen.",
    "initiated_by": "Velg hvem som avbestiller.",
    "attendance": "Velg møtt eller ikke møtt.",
    "query_short": "Skriv minst {min} tegn.",
    "confirm_conflicts": "Kryss av for å blokkere over timene, eller velg en annen tid.",
}

ACTIONS: Mapping[str, str] = {
    "created": "Bestilt",
    "moved": "Flyttet",
    "type_changed": "Timetype endret",
    "attendance": "Oppmøte",
    "note": "Notat endret",
    "cancelled": "Avbestilt",
    "national_id_revealed": "Fødselsnummeret vist",
    "blocked": "Tiden ble blokkert",
    "sms_delivered": "SMS levert",
    "sms_undelivered": "SMS ikke levert",
}

ATTENDANCE: Mapping[str, str] = {"arrived": "Møtt", "no_show": "Ikke møtt", "": "Ikke registrert"}

#: an appointment in a patient's list (the top bar's patient search): what became of it
APPOINTMENT_STATES: Mapping[str, str] = {"cancelled": "avbestilt", "arrived": "møtt",
                                         "no_show": "ikke møtt"}

INITIATED_BY: Mapping[str, str] = {"patient": "pasienten ba om det",
                                   "clinic": "klinikken avlyste"}


def attendance_opens(arrived_from: str, no_show_from: str) -> str:
    """Why a booking's page shows no attendance buttons yet, and when they come."""
    return (f"Oppmøte kan registreres når timen nærmer seg: «Møtt» fra kl. {arrived_from}, "
            f"«Ikke møtt» fra kl. {no_show_from}.")


def off_grid(at: str) -> str:
    """A move to a time between the slots (docs/staff.md#a-booking): said before it is done."""
    return (f"Kl. {at} ligger mellom lukene i arbeidsplanen, så tiden rundt blir stående "
            "ubrukt. Velg en av de ledige tidene, eller kryss av for å flytte likevel.")


def problem(code: str) -> str:
    """The page's sentence for a service's problem code."""
    return PROBLEMS.get(code, "Det gikk ikke. Last siden på nytt og prøv igjen.")


def field(code: str, **params: object) -> str:
    return FIELDS[code].format(**params)


#: calendar sync (docs/sync.md): why a source's warning is shown, by its error code
SYNC_ERRORS: Mapping[str, str] = {
    "never_synced": "den er ikke lest ennå",
    "stale": "den er ikke lest på en stund",
    "unreachable": "serveren svarer ikke",
    "timeout": "serveren svarer ikke i tide",
    "unauthorized": "brukernavnet eller passordet blir ikke godtatt",
    "password_missing": "passordet mangler på serveren (miljøvariabelen er ikke satt)",
    "malformed": "filen er ikke en gyldig kalender",
    "not_found": "kalenderen finnes ikke på adressen",
    "redirect_refused": "adressen sender videre til et annet sted",
    "too_large": "filen er for stor",
    "too_many_events": "kalenderen har for mange hendelser",
}


def sync_warning(source: str, calendar: str, since: str | None, error: str,
                 closed: bool) -> str:
    """The staff pages' warning about a busy source that fails or is stale."""
    code = error.split(":", 1)[0]
    why = SYNC_ERRORS.get(code, "lesingen feilet")
    read = f"sist lest {since}" if since else "aldri lest"
    then = (f" Nettbestilling i {calendar} er stengt til den svarer igjen; dere kan fortsatt "
            "bestille her, men opptatte tider som er lagt inn siden, vises ikke."
            if closed else " De opptatte tidene som sist ble lest, gjelder fortsatt.")
    return f"Kalenderen «{source}» for {calendar} ({read}): {why}.{then}"


#: a pushed booking's event title at the least detail (`sync.push.detail: minimal`), by
#: the clinic's language: the calendar leaves the clinic, so it says only "taken"
PUSH_BUSY: Mapping[str, str] = {"nb": "Opptatt", "nn": "Oppteken", "en": "Booked"}

#: an imported busy time that fills the day (an all-day event) on the week view
WHOLE_DAY = "hele dagen"


def held_until(until: str) -> str:
    """A time a patient holds on the booking page (docs/patients.md), as the day and week say it."""
    return f"holdt på nett til {until}"


#: an SMS provider's delivery report in a booking's log (docs/notifications.md), by
#: language; the staff pages read bokmål ("nb"), like everything else in this table
SMS_KINDS: Mapping[str, Mapping[str, str]] = {
    "nb": {"confirmation": "bekreftelsen", "reminder": "påminnelsen",
           "moved": "beskjeden om ny tid", "cancellation": "avbestillingen",
           "dialog": "meldingen fra klinikken"},
    "nn": {"confirmation": "stadfestinga", "reminder": "påminninga",
           "moved": "beskjeden om ny tid", "cancellation": "avbestillinga",
           "dialog": "meldinga frå klinikken"},
    "en": {"confirmation": "confirmation", "reminder": "reminder",
           "moved": "message about the new time", "cancellation": "cancellation",
           "dialog": "clinic's message"},
}

#: why the provider could not deliver it, by the reason code of `endpoint.notify.reports`
DELIVERY_REASONS: Mapping[str, Mapping[str, str]] = {
    "nb": {"unknown_number": "nummeret finnes ikke",
           "unreachable": "telefonen var ikke å nå",
           "blocked": "mottakeren eller operatøren blokkerer meldinger",
           "refused": "operatøren avviste meldingen",
           "other": "ukjent grunn"},
    "nn": {"unknown_number": "nummeret finst ikkje",
           "unreachable": "telefonen var ikkje å nå",
           "blocked": "mottakaren eller operatøren blokkerer meldingar",
           "refused": "operatøren avviste meldinga",
           "other": "ukjend grunn"},
    "en": {"unknown_number": "the number does not exist",
           "unreachable": "the phone could not be reached",
           "blocked": "the recipient or their operator blocks messages",
           "refused": "the operator refused the message",
           "other": "reason unknown"},
}

SMS_REPORT: Mapping[str, Mapping[str, str]] = {
    "nb": {"delivered": "SMS med {kind} er levert",
           "undelivered": "SMS med {kind} ble ikke levert ({reason}{code}). Den sendes ikke "
                          "på nytt: ring pasienten",
           "code": "; feilkode {code}"},
    "nn": {"delivered": "SMS med {kind} er levert",
           "undelivered": "SMS med {kind} vart ikkje levert ({reason}{code}). Ho blir ikkje "
                          "send på nytt: ring pasienten",
           "code": "; feilkode {code}"},
    "en": {"delivered": "The SMS with the {kind} was delivered",
           "undelivered": "The SMS with the {kind} was not delivered ({reason}{code}). It "
                          "is not sent again: call the patient",
           "code": "; error code {code}"},
}


def sms_report(status: str, kind: str, reason: str = "", code: str = "",
               language: str = "nb") -> str:
    """A delivery report's line in the log: "SMS med bekreftelsen ble ikke levert
    (nummeret finnes ikke; feilkode 30005). …"."""
    words = SMS_REPORT[language]
    what = SMS_KINDS[language].get(kind, SMS_KINDS[language]["dialog"])
    if status == "delivered":
        return words["delivered"].format(kind=what)
    why = DELIVERY_REASONS[language].get(reason, DELIVERY_REASONS[language]["other"])
    return words["undelivered"].format(kind=what, reason=why,
                                       code=words["code"].format(code=code) if code else "")


# -- login and the forms' guards (endpoint/staff/login.py, auth.py) --------------------------

WRONG_LOGIN = "Feil brukernavn eller passord. Sjekk at Caps Lock er av, og prøv igjen."
WRONG_CODE = ("Koden stemmer ikke, eller er allerede brukt. Skriv inn koden som vises i "
              "appen nå.")
EXPIRED = "Økten er utløpt. Logg inn på nytt."
LOGGED_OUT = "Du er logget ut."
CROSS_SITE = "Skjemaet kom fra et annet nettsted og ble avvist."
BAD_CSRF = "Skjemaet er utløpt eller ugyldig; last siden på nytt og prøv igjen."
NOT_FOUND = "Fant ikke siden."


def too_many_logins(minutes: int) -> str:
    """The 429 page after too many failed logins (docs/staff.md): how long to wait."""
    return (f"For mange mislykkede innlogginger. Vent {minutes} "
            f"{plural.form(minutes, 'minutt', 'minutter')} og prøv igjen.")


def not_a_date(value: str) -> str:
    """A page's `date` in the query string that is no date (a 400)."""
    return f"«{value}» er ikke en dato; bruk formen ÅÅÅÅ-MM-DD, for eksempel 2026-12-03."


# -- who, and the notices after an action (the day's and a booking's pages) ------------------

#: a booking without a name on the day, the week and in the feed
NO_NAME = "(uten navn)"
#: a log entry's actor that is no staff user, by its code (`services.audit`)
ACTORS: Mapping[str, str] = {"patient": "pasienten", "staff": "personalet"}
UNKNOWN_ACTOR = "ukjent"
#: who cancelled a booking, by `Booking.cancelled_by`
CANCELLED_BY: Mapping[str, str] = {"patient": "pasienten", "staff": "klinikken"}
#: the kind of a booking's number, by `Booking.id_type`, and when it has none of these
ID_TYPES: Mapping[str, str] = {"fnr": "Fødselsnummer", "dnr": "D-nummer"}
ID_TYPE_OTHER = "Identitetsnummer"

#: a booking's page after a change (`?done=`)
DONE: Mapping[str, str] = {
    "moved": "Timen er flyttet.", "type": "Timetypen er endret.",
    "note": "Notatet er lagret.", "arrived": "Registrert: pasienten har møtt.",
    "no_show": "Registrert: pasienten møtte ikke.", "attendance": "Oppmøtet er fjernet."}
#: the day's page after a block was made or removed (`?done=`)
BLOCK_DONE: Mapping[str, str] = {"blocked": "Tiden er blokkert.",
                                 "unblocked": "Blokkeringen er fjernet."}
#: the day's page after a booking was made or moved: "Timen for Kari Hansen kl. 08:00 …"
BOOKING_DONE: Mapping[str, str] = {"booked": "er bestilt", "moved": "er flyttet"}


def booking_done(who: str, at: str, done: str) -> str:
    """The day's notice after a booking was made or moved (`done` a key of BOOKING_DONE)."""
    return f"Timen for {who} kl. {at} {BOOKING_DONE[done]}."


def booking_cancelled(who: str, at: str) -> str:
    """The day's notice after a booking was cancelled."""
    return f"Timen kl. {at} for {who} er avbestilt."


def note_too_long(limit: int) -> str:
    return f"Notatet kan være høyst {limit} tegn."


# -- a booking's log (endpoint/staff/history.py): one line per audit entry --------------------

NATIONAL_ID_SHOWN = "Fødselsnummeret ble vist"
BLOCKED_BY_STAFF = "Tiden ble blokkert av personalet"


def booked(online: bool, place: str, outside: bool, notified: bool) -> str:
    """ "Bestilt på nett av pasienten til Kari Hansen 01.12. kl. 08:00"; `place` may be ""."""
    how = "på nett av pasienten" if online else "av klinikken"
    start = f" til {place}" if place else ""
    extra = " utenfor arbeidsplanen" if outside else ""
    told = "" if notified else "; ingen bekreftelse sendt"
    return f"Bestilt {how}{start}{extra}{told}"


def moved(from_place: str, to_place: str, notified: bool) -> str:
    told = "pasienten fikk beskjed" if notified else "uten beskjed til pasienten"
    return f"Flyttet fra {from_place} til {to_place} ({told})"


def type_changed(from_type: str, to_type: str) -> str:
    return f"Timetype endret fra {from_type} til {to_type}"


def attendance_changed(to: str) -> str:
    """`to` is the attendance's words (ATTENDANCE), or "" when it was removed."""
    return f"Oppmøte: {to}" if to else "Oppmøte fjernet"


def note_changed(kept: bool) -> str:
    return "Notat endret" if kept else "Notat fjernet"


def cancelled(online: bool, who: str, notified: bool) -> str:
    """ "Avbestilt på nett: pasienten ba om det"; `who` is INITIATED_BY's words or ""."""
    via = " på nett" if online else ""
    told = "" if notified else ", uten beskjed til pasienten"
    return f"Avbestilt{via}{': ' + who if who else ''}{told}"


# -- the staff calendar feed (endpoint/staff/feed.py, docs/staff.md) -------------------------

FEED_ONLINE = "Bestilt online"
FEED_BY_CLINIC = "Lagt inn av klinikken"


def feed_origin(online: bool, booked_at: str) -> str:
    """How a feed event's booking came: "Bestilt online 28.11.2026 kl. 14:03"."""
    return f"{FEED_ONLINE} {booked_at}" if online else FEED_BY_CLINIC


def feed_full(kind: str, where: str, who: str, phone: str) -> list[str]:
    """A feed event's first lines at full detail: the type and place, the patient, the phone."""
    return [f"{kind} hos {where}", f"Pasient: {who}", *([f"Telefon: {phone}"] if phone else [])]


def feed_summary(where: str) -> str:
    """A feed event's title at the least detail: no name, no type."""
    return f"Time hos {where}"


def feed_open(link: str) -> str:
    return f"Åpne timen: {link}"


def feed_name(clinic: str) -> str:
    """The feed's name in a calendar app: "Fjord: timer"."""
    return f"{clinic}: timer"


#: a wait-list entry that takes any of the clinic's calendars, in the staff pages' wait list
ANY_CALENDAR = "Alle"


def week_title(number: int, first: str, last: str) -> str:
    """The week view's heading: "Uke 49: mandag 30. november 2026 – søndag 6. desember 2026"."""
    return f"Uke {number}: {first} – {last}"


def refused_file(file: str, count: int) -> str:
    """The timebok's banner when the running endpoint refused a change of the clinic's file
    (it keeps serving the last valid version); the errors follow it, one a line."""
    errors = "feilen" if count == 1 else f"de {count} feilene"
    return (f"Den siste endringen i klinikkfila {file} ble avvist, så timeboka og "
            f"bestillingssidene bruker fortsatt forrige gyldige versjon. Rett {errors} under "
            "og lagre fila på nytt:")
