"""What the patient reads: subjects, mail bodies and SMS texts in nb, nn and en.

Plain format strings, filled from a `Facts` value; the clinic's language
picks the set (unknown languages fall back to nb). SMS texts are short; mails
carry everything: time in the clinic's timezone, place, price, info and the
cancellation link. Nothing here ever sees the national id.
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.sms import segments

TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "confirmation.subject": "Timebekreftelse: {type} {when}",
        "confirmation.lead": "Timen din er bestilt.",
        "reminder.subject": "Påminnelse: {type} {when}",
        "reminder.lead": "Vi minner om timen din.",
        "cancellation.subject": "Avbestilt: {type} {when}",
        "cancellation.lead": "Timen din er avbestilt.",
        "cancellation.by_clinic": "Klinikken har avbestilt timen. Ta kontakt med oss for en "
                                  "ny time.",
        "cancellation.reason": "Grunn: {reason}",
        "cancellation.by_patient": "Timen er avbestilt slik du ba om.",
        "moved.subject": "Endret time: {type} {when}",
        "moved.lead": "Timen din er endret. Her er den nye timen:",
        "moved.cancel": "Må du flytte eller avbestille, bruk lenken i timebekreftelsen eller "
                        "ring oss på {phone}.",
        "dialog.subject": "Melding fra {clinic}",
        "hello": "Hei {first_name},",
        "what": "Hva", "with": "Hos", "when": "Når", "where": "Hvor", "price": "Pris",
        "price.value": "{price} kr",
        "cancel": "Må du flytte eller avbestille timen? Gjør det senest {hours} timer før "
                  "timen:",
        "cancel.late": "Må du flytte eller avbestille, ring oss på {phone}.",
        "signature": "Vennlig hilsen\n{clinic}",
        "calendar.attached": "Timen ligger vedlagt som kalenderfil (.ics).",
        "calendar.removed": "Vedlagt ligger en kalenderfil (.ics) som tar timen ut av "
                            "kalenderen din.",
        "sms.confirmation": "{clinic}: Time {when}, {type}. Sted: {place}. "
                            "Flytt/avbestill: {cancel_url}",
        "sms.reminder": "{clinic}: Påminnelse om time {when}, {type}. Sted: {place}.",
        "sms.cancellation": "{clinic}: Timen din {when} ({type}) er avbestilt slik du ba om.",
        "sms.cancellation.by_clinic": "{clinic}: Klinikken har avbestilt timen din {when} "
                                      "({type}). Grunn: {reason}. Ring {phone} for ny time.",
        "sms.moved": "{clinic}: Timen din er flyttet til {when}, {type}. Sted: {place}. "
                     "Flytt/avbestill: {cancel_url}",
        "sms.moved.short": "{clinic}: Timen din er flyttet til {short_when}, {type}. "
                           "Flytt/avbestill: {cancel_url}",
        "sms.moved.plain": "{clinic}: Timen din er flyttet til {when}, {type}. Sted: {place}. "
                           "Flytt/avbestill med lenken i timebekreftelsen.",
        "waitlist_joined.subject": "Du står på venteliste: {type}",
        "waitlist_joined.lead": "Du står på ventelisten for {type} fra {first} til {last}. "
                                "Blir en passende time ledig, sender vi deg den.",
        "waitlist_joined.manage": "Se eller forlat ventelisteplassen din her:",
        "waitlist_offer.subject": "Ledig time: {type} {when}",
        "waitlist_offer.lead": "En time du venter på, er blitt ledig. Den som bestiller "
                               "først, får den.",
        "waitlist_offer.book": "Bestill timen her:",
        "sms.waitlist_joined": "{clinic}: Du står på venteliste for {type} til {last} "
                               "Se eller forlat plassen: {url}",
        "sms.waitlist_offer": "{clinic}: Ledig time {when}, {type}. Først til mølla: {url}",
        "sms.confirmation.short": "{clinic}: Time {when}, {type}. Flytt/avbestill: {cancel_url}",
        "sms.confirmation.brief": "{clinic}: {type} {short_when}. Flytt/avbestill: {cancel_url}",
        "sms.confirmation.shorter": "{clinic}: Time {short_when}. Flytt/avbestill: {cancel_url}",
        "sms.confirmation.bare": "{type} {short_when}. Flytt/avbestill: {cancel_url}",
        "sms.reminder.short": "{clinic}: Påminnelse om time {when}, {type}.",
        "sms.reminder.brief": "{clinic}: Påminnelse om time {short_when}, {type}.",
        "sms.reminder.shorter": "{clinic}: Påminnelse om time {short_when}.",
        "sms.reminder.bare": "Påminnelse om time {short_when}, {type}.",
    },
    "nn": {
        "confirmation.subject": "Timestadfesting: {type} {when}",
        "confirmation.lead": "Timen din er bestilt.",
        "reminder.subject": "Påminning: {type} {when}",
        "reminder.lead": "Vi minner om timen din.",
        "cancellation.subject": "Avbestilt: {type} {when}",
        "cancellation.lead": "Timen din er avbestilt.",
        "cancellation.by_clinic": "Klinikken har avbestilt timen. Ta kontakt med oss for ein "
                                  "ny time.",
        "cancellation.reason": "Grunn: {reason}",
        "cancellation.by_patient": "Timen er avbestilt slik du bad om.",
        "moved.subject": "Endra time: {type} {when}",
        "moved.lead": "Timen din er endra. Her er den nye timen:",
        "moved.cancel": "Må du flytte eller avbestille, bruk lenkja i timestadfestinga eller "
                        "ring oss på {phone}.",
        "dialog.subject": "Melding frå {clinic}",
        "hello": "Hei {first_name},",
        "what": "Kva", "with": "Hos", "when": "Når", "where": "Kvar", "price": "Pris",
        "price.value": "{price} kr",
        "cancel": "Må du flytte eller avbestille timen? Gjer det seinast {hours} timar før "
                  "timen:",
        "cancel.late": "Må du flytte eller avbestille, ring oss på {phone}.",
        "signature": "Venleg helsing\n{clinic}",
        "calendar.attached": "Timen ligg vedlagd som kalenderfil (.ics).",
        "calendar.removed": "Vedlagd ligg ei kalenderfil (.ics) som tek timen ut av "
                            "kalenderen din.",
        "sms.confirmation": "{clinic}: Time {when}, {type}. Stad: {place}. "
                            "Flytt/avbestill: {cancel_url}",
        "sms.reminder": "{clinic}: Påminning om time {when}, {type}. Stad: {place}.",
        "sms.cancellation": "{clinic}: Timen din {when} ({type}) er avbestilt slik du bad "
                            "om.",
        "sms.cancellation.by_clinic": "{clinic}: Klinikken har avbestilt timen din {when} "
                                      "({type}). Grunn: {reason}. Ring {phone} for ny time.",
        "sms.moved": "{clinic}: Timen din er flytta til {when}, {type}. Stad: {place}. "
                     "Flytt/avbestill: {cancel_url}",
        "sms.moved.short": "{clinic}: Timen din er flytta til {short_when}, {type}. "
                           "Flytt/avbestill: {cancel_url}",
        "sms.moved.plain": "{clinic}: Timen din er flytta til {when}, {type}. Stad: {place}. "
                           "Flytt/avbestill med lenkja i timestadfestinga.",
        "waitlist_joined.subject": "Du står på venteliste: {type}",
        "waitlist_joined.lead": "Du står på ventelista for {type} frå {first} til {last}. "
                                "Blir ein passande time ledig, sender vi deg han.",
        "waitlist_joined.manage": "Sjå eller forlat ventelisteplassen din her:",
        "waitlist_offer.subject": "Ledig time: {type} {when}",
        "waitlist_offer.lead": "Ein time du ventar på, er blitt ledig. Den som bestiller "
                               "først, får han.",
        "waitlist_offer.book": "Bestill timen her:",
        "sms.waitlist_joined": "{clinic}: Du står på venteliste for {type} til {last} "
                               "Sjå eller forlat plassen: {url}",
        "sms.waitlist_offer": "{clinic}: Ledig time {when}, {type}. Først til mølla: {url}",
        "sms.confirmation.short": "{clinic}: Time {when}, {type}. Flytt/avbestill: {cancel_url}",
        "sms.confirmation.brief": "{clinic}: {type} {short_when}. Flytt/avbestill: {cancel_url}",
        "sms.confirmation.shorter": "{clinic}: Time {short_when}. Flytt/avbestill: {cancel_url}",
        "sms.confirmation.bare": "{type} {short_when}. Flytt/avbestill: {cancel_url}",
        "sms.reminder.short": "{clinic}: Påminning om time {when}, {type}.",
        "sms.reminder.brief": "{clinic}: Påminning om time {short_when}, {type}.",
        "sms.reminder.shorter": "{clinic}: Påminning om time {short_when}.",
        "sms.reminder.bare": "Påminning om time {short_when}, {type}.",
    },
    "en": {
        "confirmation.subject": "Appointment confirmed: {type} {when}",
        "confirmation.lead": "Your appointment is booked.",
        "reminder.subject": "Reminder: {type} {when}",
        "reminder.lead": "A reminder of your appointment.",
        "cancellation.subject": "Cancelled: {type} {when}",
        "cancellation.lead": "Your appointment has been cancelled.",
        "cancellation.by_clinic": "The clinic has cancelled the appointment. Please contact "
                                  "us for a new one.",
        "cancellation.reason": "Reason: {reason}",
        "cancellation.by_patient": "The appointment is cancelled as you asked.",
        "moved.subject": "Appointment changed: {type} {when}",
        "moved.lead": "Your appointment has been changed. This is the new appointment:",
        "moved.cancel": "To move or cancel it, use the link in your confirmation or call us "
                        "on {phone}.",
        "dialog.subject": "A message from {clinic}",
        "hello": "Hello {first_name},",
        "what": "What", "with": "With", "when": "When", "where": "Where", "price": "Price",
        "price.value": "NOK {price}",
        "cancel": "Need to move or cancel? Do it at least {hours} hours before the "
                  "appointment:",
        "cancel.late": "To move or cancel, call us on {phone}.",
        "signature": "Kind regards\n{clinic}",
        "calendar.attached": "The appointment is attached as a calendar file (.ics).",
        "calendar.removed": "The attached calendar file (.ics) takes the appointment out of "
                            "your calendar.",
        "sms.confirmation": "{clinic}: Appointment {when}, {type}. Place: {place}. "
                            "Move/cancel: {cancel_url}",
        "sms.reminder": "{clinic}: Reminder of your appointment {when}, {type}. "
                        "Place: {place}.",
        "sms.cancellation": "{clinic}: Your appointment {when} ({type}) is cancelled as "
                            "you asked.",
        "sms.cancellation.by_clinic": "{clinic}: The clinic has cancelled your appointment "
                                      "{when} ({type}). Reason: {reason}. Call {phone} for a "
                                      "new one.",
        "sms.moved": "{clinic}: Your appointment is moved to {when}, {type}. Place: {place}. "
                     "Move/cancel: {cancel_url}",
        "sms.moved.short": "{clinic}: Your appointment is moved to {short_when}, {type}. "
                           "Move/cancel: {cancel_url}",
        "sms.moved.plain": "{clinic}: Your appointment is moved to {when}, {type}. "
                           "Place: {place}. Move or cancel with the link in your confirmation.",
        "waitlist_joined.subject": "You are on the wait list: {type}",
        "waitlist_joined.lead": "You are on the wait list for {type} from {first} to {last}. "
                                "When a fitting time becomes free, we send it to you.",
        "waitlist_joined.manage": "See or leave your place on the wait list here:",
        "waitlist_offer.subject": "Free time: {type} {when}",
        "waitlist_offer.lead": "A time you are waiting for has become free. The first to "
                               "book it gets it.",
        "waitlist_offer.book": "Book it here:",
        "sms.waitlist_joined": "{clinic}: You are on the wait list for {type} until {last} "
                               "See or leave it: {url}",
        "sms.waitlist_offer": "{clinic}: Free time {when}, {type}. First come, first "
                              "served: {url}",
        "sms.confirmation.short": "{clinic}: Appointment {when}, {type}. Move/cancel: {cancel_url}",
        "sms.confirmation.brief": "{clinic}: {type} {short_when}. Move/cancel: {cancel_url}",
        "sms.confirmation.shorter": "{clinic}: Appointment {short_when}. Move/cancel: {cancel_url}",
        "sms.confirmation.bare": "{type} {short_when}. Move/cancel: {cancel_url}",
        "sms.reminder.short": "{clinic}: Reminder of your appointment {when}, {type}.",
        "sms.reminder.brief": "{clinic}: Reminder of your appointment {short_when}, {type}.",
        "sms.reminder.shorter": "{clinic}: Reminder of your appointment {short_when}.",
        "sms.reminder.bare": "Reminder of your appointment {short_when}, {type}.",
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
    cancelled_by: str = ""  # a cancellation's: patient (they asked) | clinic
    reason: str = ""  # the clinic's reason for cancelling; only told when the clinic did
    short_when: str = ""  # "tir 8.12. kl. 10:00": for an SMS that must stay one segment
    sms_sender: str = ""  # the clinic's own SMS sender: the phone shows who writes


def text(language: str, key: str, **values: object) -> str:
    table = TEXTS.get(language, TEXTS["nb"])
    return table[key].format(**values)


def _details(f: Facts, *, price: bool = True) -> list[str]:
    t = lambda key, **v: text(f.language, key, **v)  # noqa: E731
    lines = [f"{t('what')}: {f.type}"]
    if f.calendar:
        lines.append(f"{t('with')}: {f.calendar}")
    lines += [f"{t('when')}: {f.when}", f"{t('where')}: {f.place}"]
    if price and f.price is not None:
        lines.append(f"{t('price')}: {t('price.value', price=f.price)}")
    return lines


def email(kind: str, f: Facts, *, attached: bool = False) -> tuple[str, str]:
    """(subject, body) of a confirmation, reminder, move or cancellation mail.

    A cancellation says who cancelled: the clinic (with its reason) or the patient,
    and lists no price. Only a mail with an `.ics` (`attached`) speaks of one: the
    entry, or for a cancellation the file that takes it out of the calendar."""
    t = lambda key, **v: text(f.language, key, **v)  # noqa: E731
    subject = t(f"{kind}.subject", type=f.type, when=f.when)
    parts = [t("hello", first_name=f.first_name).replace(" ,", ","), t(f"{kind}.lead")]
    parts.append("\n".join(_details(f, price=kind != "cancellation")))
    if kind == "cancellation":
        if f.cancelled_by == "clinic":
            parts.append(t("cancellation.by_clinic"))
            if f.reason:
                parts.append(t("cancellation.reason", reason=f.reason))
        else:
            parts.append(t("cancellation.by_patient"))
    elif kind == "moved" and not f.cancel_url:  # a move without the token: staff, login
        if f.clinic_phone:
            parts.append(t("moved.cancel", phone=f.clinic_phone))
    else:
        if f.info and kind != "moved":
            parts.append(f.info)
        if f.cancel_url:
            parts.append(f"{t('cancel', hours=f.cancel_hours)}\n{f.cancel_url}")
        elif f.clinic_phone:
            parts.append(t("cancel.late", phone=f.clinic_phone))
    if attached:
        parts.append(t("calendar.removed" if kind == "cancellation" else "calendar.attached"))
    parts.append(t("signature", clinic=f.clinic))
    return subject, "\n\n".join(parts) + "\n"


#: an SMS quotes at most this much of the clinic's reason for cancelling
SMS_REASON = 120


def sms(kind: str, f: Facts) -> str:
    """The short text of a confirmation, reminder, move or cancellation.

    A confirmation or a reminder says as much as fits in one SMS segment: the
    whole text, else without the place, else with the short date (with the type,
    then without), else (when the
    SMS comes from the clinic's own `sms_sender`, which the phone shows) without
    the clinic's name; when nothing fits one segment, the first that fits two. A move
    carries the link to move or cancel again when the mover showed the cancel token (the
    endpoint keeps only its hash), else points to the confirmation's."""
    key = f"sms.{kind}"
    if kind == "cancellation" and f.cancelled_by == "clinic":
        key = "sms.cancellation.by_clinic"
    if kind == "moved" and not f.cancel_url:
        key = "sms.moved.plain"
    reason = " ".join(f.reason.split())
    if len(reason) > SMS_REASON:
        reason = reason[:SMS_REASON - 1].rstrip() + "…"
    values = dict(clinic=f.clinic, when=f.when, type=f.type, place=f.place,
                  cancel_url=f.cancel_url, reason=reason or "-", phone=f.clinic_phone,
                  short_when=f.short_when or f.when)
    if key == "sms.moved":
        keys = [key, "sms.moved.short"]
    elif kind in ("confirmation", "reminder"):
        keys = [key, f"{key}.short", f"{key}.brief", f"{key}.shorter"] + (
            [f"{key}.bare"] if f.sms_sender else [])
    else:
        return text(f.language, key, **values)
    texts = [text(f.language, k, **values) for k in keys]
    for most in (1, 2):
        for candidate in texts:
            if segments(candidate) <= most:
                return candidate
    return texts[-1]


@dataclass(frozen=True)
class WaitFacts:
    """What a wait-list message says (already formatted): docs/patients.md."""

    language: str
    clinic: str
    first_name: str
    type: str
    first: str  # the entry's dates, formatted
    last: str
    url: str  # the entry's page, its id and token in the fragment
    when: str = ""  # an offer's time
    calendar: str = ""
    place: str = ""


def waitlist_email(kind: str, f: WaitFacts) -> tuple[str, str]:
    """(subject, body) of `waitlist_joined` or `waitlist_offer`."""
    t = lambda key, **v: text(f.language, key, **v)  # noqa: E731
    subject = t(f"{kind}.subject", type=f.type, when=f.when)
    parts = [t("hello", first_name=f.first_name).replace(" ,", ","),
             t(f"{kind}.lead", type=f.type, first=f.first, last=f.last)]
    if kind == "waitlist_offer":
        lines = [f"{t('what')}: {f.type}"]
        if f.calendar:
            lines.append(f"{t('with')}: {f.calendar}")
        lines += [f"{t('when')}: {f.when}", f"{t('where')}: {f.place}"]
        parts += ["\n".join(lines), f"{t('waitlist_offer.book')}\n{f.url}"]
    else:
        parts.append(f"{t('waitlist_joined.manage')}\n{f.url}")
    parts.append(t("signature", clinic=f.clinic))
    return subject, "\n\n".join(parts) + "\n"


def waitlist_sms(kind: str, f: WaitFacts) -> str:
    """The SMS of `waitlist_joined` or `waitlist_offer`. The short date ends with its own
    full stop ("tor 10.12."), which also ends the sentence: the template adds none."""
    return text(f.language, f"sms.{kind}", clinic=f.clinic, type=f.type, when=f.when,
                last=f.last, url=f.url)


def dialog_subject(language: str, clinic: str) -> str:
    return text(language, "dialog.subject", clinic=clinic)
