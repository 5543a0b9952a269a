"""What the patient reads: subjects, mail bodies and SMS texts in nb, nn and en.

Plain format strings, filled from a `Facts` value; the clinic's language
picks the set (unknown languages fall back to nb). SMS texts are short; mails
carry everything: time in the clinic's timezone, place, price, info and the
cancellation link. Nothing here ever sees the national id.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "confirmation.subject": "Timebekreftelse: {type} {when}",
        "confirmation.lead": "Timen din er bestilt.",
        "reminder.subject": "Påminnelse: {type} {when}",
        "reminder.lead": "Vi minner om timen din.",
        "cancellation.subject": "Avbestilt: {type} {when}",
        "cancellation.lead": "Timen din er avbestilt.",
        "cancellation.by_staff": "Klinikken har avbestilt timen. Ta kontakt med oss for en "
                                 "ny time.",
        "dialog.subject": "Melding fra {clinic}",
        "hello": "Hei {first_name},",
        "what": "Hva", "with": "Hos", "when": "Når", "where": "Hvor", "price": "Pris",
        "price.value": "{price} kr",
        "cancel": "Må du avbestille? Gjør det senest {hours} timer før timen:",
        "cancel.late": "Må du avbestille, ring oss på {phone}.",
        "signature": "Vennlig hilsen\n{clinic}",
        "calendar.attached": "Timen ligger vedlagt som kalenderfil (.ics).",
        "sms.confirmation": "{clinic}: Time {when}, {type}. Sted: {place}. "
                            "Avbestilling: {cancel_url}",
        "sms.reminder": "{clinic}: Påminnelse om time {when}, {type}. Sted: {place}.",
        "sms.cancellation": "{clinic}: Timen din {when} ({type}) er avbestilt.",
    },
    "nn": {
        "confirmation.subject": "Timestadfesting: {type} {when}",
        "confirmation.lead": "Timen din er bestilt.",
        "reminder.subject": "Påminning: {type} {when}",
        "reminder.lead": "Vi minner om timen din.",
        "cancellation.subject": "Avbestilt: {type} {when}",
        "cancellation.lead": "Timen din er avbestilt.",
        "cancellation.by_staff": "Klinikken har avbestilt timen. Ta kontakt med oss for ein "
                                 "ny time.",
        "dialog.subject": "Melding frå {clinic}",
        "hello": "Hei {first_name},",
        "what": "Kva", "with": "Hos", "when": "Når", "where": "Kvar", "price": "Pris",
        "price.value": "{price} kr",
        "cancel": "Må du avbestille? Gjer det seinast {hours} timar før timen:",
        "cancel.late": "Må du avbestille, ring oss på {phone}.",
        "signature": "Venleg helsing\n{clinic}",
        "calendar.attached": "Timen ligg vedlagd som kalenderfil (.ics).",
        "sms.confirmation": "{clinic}: Time {when}, {type}. Stad: {place}. "
                            "Avbestilling: {cancel_url}",
        "sms.reminder": "{clinic}: Påminning om time {when}, {type}. Stad: {place}.",
        "sms.cancellation": "{clinic}: Timen din {when} ({type}) er avbestilt.",
    },
    "en": {
        "confirmation.subject": "Appointment confirmed: {type} {when}",
        "confirmation.lead": "Your appointment is booked.",
        "reminder.subject": "Reminder: {type} {when}",
        "reminder.lead": "A reminder of your appointment.",
        "cancellation.subject": "Cancelled: {type} {when}",
        "cancellation.lead": "Your appointment has been cancelled.",
        "cancellation.by_staff": "The clinic has cancelled the appointment. Please contact "
                                 "us for a new one.",
        "dialog.subject": "A message from {clinic}",
        "hello": "Hello {first_name},",
        "what": "What", "with": "With", "when": "When", "where": "Where", "price": "Price",
        "price.value": "NOK {price}",
        "cancel": "Need to cancel? Do it at least {hours} hours before the appointment:",
        "cancel.late": "To cancel, call us on {phone}.",
        "signature": "Kind regards\n{clinic}",
        "calendar.attached": "The appointment is attached as a calendar file (.ics).",
        "sms.confirmation": "{clinic}: Appointment {when}, {type}. Place: {place}. "
                            "Cancel: {cancel_url}",
        "sms.reminder": "{clinic}: Reminder of your appointment {when}, {type}. "
                        "Place: {place}.",
        "sms.cancellation": "{clinic}: Your appointment {when} ({type}) is cancelled.",
    },
}


@dataclass(frozen=True)
class Facts:
    """Everything a message may say about one booking (already formatted)."""

    language: str
    clinic: str
    clinic_phone: str
    first_name: str
    type: str
    calendar: str
    when: str  # in the clinic's timezone, in its language
    place: str
    price: int | None = None
    info: str = ""
    cancel_url: str = ""
    cancel_hours: str = ""
    by_staff: bool = False


def text(language: str, key: str, **values: object) -> str:
    table = TEXTS.get(language, TEXTS["nb"])
    return table[key].format(**values)


def _details(f: Facts) -> list[str]:
    t = lambda key, **v: text(f.language, key, **v)  # noqa: E731
    lines = [f"{t('what')}: {f.type}"]
    if f.calendar:
        lines.append(f"{t('with')}: {f.calendar}")
    lines += [f"{t('when')}: {f.when}", f"{t('where')}: {f.place}"]
    if f.price is not None:
        lines.append(f"{t('price')}: {t('price.value', price=f.price)}")
    return lines


def email(kind: str, f: Facts) -> tuple[str, str]:
    """(subject, body) of a confirmation, reminder or cancellation mail."""
    t = lambda key, **v: text(f.language, key, **v)  # noqa: E731
    subject = t(f"{kind}.subject", type=f.type, when=f.when)
    parts = [t("hello", first_name=f.first_name).replace(" ,", ","), t(f"{kind}.lead")]
    parts.append("\n".join(_details(f)))
    if kind == "cancellation":
        if f.by_staff:
            parts.append(t("cancellation.by_staff"))
    else:
        if f.info:
            parts.append(f.info)
        if f.cancel_url:
            parts.append(f"{t('cancel', hours=f.cancel_hours)}\n{f.cancel_url}")
        elif f.clinic_phone:
            parts.append(t("cancel.late", phone=f.clinic_phone))
    if kind in ("confirmation", "cancellation"):
        parts.append(t("calendar.attached"))
    parts.append(t("signature", clinic=f.clinic))
    return subject, "\n\n".join(parts) + "\n"


def sms(kind: str, f: Facts) -> str:
    """The short text of a confirmation, reminder or cancellation."""
    return text(f.language, f"sms.{kind}", clinic=f.clinic, when=f.when, type=f.type,
                place=f.place, cancel_url=f.cancel_url)


def dialog_subject(language: str, clinic: str) -> str:
    return text(language, "dialog.subject", clinic=clinic)
