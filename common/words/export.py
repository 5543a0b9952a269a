"""The headings of a patient's data export (`endpoint patient export --format html`)."""

from __future__ import annotations

from collections.abc import Mapping

EXPORT_WORDS: Mapping[str, Mapping[str, str]] = {
    "nb": {
        "title": "Opplysninger lagret om pasienten hos {clinic}",
        "intro": "Alt timebestillingen har lagret om deg hos {clinic}, hentet ut {at}.",
        "bookings": "Timer", "none": "Ingen timer er lagret.",
        "when": "Tid", "what": "Timetype og kalender", "status": "Status",
        "patient": "Pasient", "contact": "Kontakt", "note": "Notat",
        "log": "Logg", "messages": "Meldinger", "access": "Hvem har sett opplysningene",
    },
    "nn": {
        "title": "Opplysningar lagra om pasienten hos {clinic}",
        "intro": "Alt timebestillinga har lagra om deg hos {clinic}, henta ut {at}.",
        "bookings": "Timar", "none": "Ingen timar er lagra.",
        "when": "Tid", "what": "Timetype og kalender", "status": "Status",
        "patient": "Pasient", "contact": "Kontakt", "note": "Notat",
        "log": "Logg", "messages": "Meldingar", "access": "Kven har sett opplysningane",
    },
    "en": {
        "title": "Data stored about the patient at {clinic}",
        "intro": "Everything the booking service has stored about you at {clinic}, "
                 "exported {at}.",
        "bookings": "Appointments", "none": "No appointments are stored.",
        "when": "When", "what": "Appointment type and calendar", "status": "Status",
        "patient": "Patient", "contact": "Contact", "note": "Note",
        "log": "Log", "messages": "Messages", "access": "Who has seen the data",
    },
}


def export_words(language: str) -> Mapping[str, str]:
    return EXPORT_WORDS.get(language, EXPORT_WORDS["nb"])
