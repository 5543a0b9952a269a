"""Validate a parsed clinic file into a `Clinic`, collecting every error.

The input is a `booking.tree.Mapping` (parsed YAML that remembers lines);
the output a frozen `booking.model.Clinic`. Every problem becomes a
`ConfigIssue` naming file, line and key with a sentence on how to fix it; all
of them are collected before `ConfigError` is raised.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from booking.addresses import URL_RE, check_addresses
from booking.calendar_config import (
    BLOCK_KEYS,
    CALENDAR_KEYS,
    EXCEPTION_KEYS,
    check_calendars,
)
from booking.checker import ID_RE, Checker
from booking.errors import ConfigError, ConfigIssue
from booking.features import check_features, implied, listed_misses
from booking.model import (
    CHANNELS,
    FEATURE_KEYS,
    LANGUAGES,
    RULE_KEYS,
    AppointmentType,
    BookingLink,
    Calendar,
    Clinic,
    Logo,
    PatientFeatures,
    PatientLogin,
    Rules,
    Tracking,
)
from booking.sms import valid_sms_sender
from booking.sync_config import (
    BUSY_KEYS,
    CALENDAR_SYNC_KEYS,
    CLINIC_SYNC_KEYS,
    PUSH_KEYS,
    check_clinic_sync,
)
from booking.tracking import is_html, read_snippet
from booking.tree import Mapping
from booking.urls import RESERVED_PATHS

SLUG_RE = re.compile(r"^[a-z0-9-]+$")
HEX_RE = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
GA_RE = re.compile(r"^G-[A-Z0-9]{4,20}$")
UA_RE = re.compile(r"^UA-\d{4,10}-\d{1,4}$")

#: names the system's tz database answers to that are no fixed place's time
NOT_ZONES = {"localtime", "posixrules", "Factory"}

#: folder names under a clinic that the build uses itself
RESERVED_LINK_IDS = RESERVED_PATHS

CLINIC_KEYS = {
    "name", "timezone", "language", "address", "phone", "email", "sms_sender", "privacy_url",
    "theme_color", "feed_detail", "logo", "pages_url",
    "endpoint_url", "embed_origins", "test_mode", "tracking", "online",
    "calendars", "appointment_types", "dialogs", "booking_links", "sync", "patient_login",
    "features",
}
PATIENT_LOGIN_KEYS = {"issuer", "client_id", "client_secret_env", "acr_values", "id_claim"}
ENV_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")
CLAIM_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
#: hosts an issuer may name with plain http: the tests' and a developer's own machine
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
TRACKING_KEYS = {"ga_measurement_id", "script", "consent", "send_names"}
TYPE_KEYS = {
    "id", "name", "duration", "online", "price", "address", "info", "notify",
    "reminder_hours", "dialog", "online_rules",
}
LINK_KEYS = {"id", "title", "type", "calendar"}

#: every key a clinic file may hold, by section; the README documents each
CONTENT_KEYS = {
    "clinic": CLINIC_KEYS,
    "tracking": TRACKING_KEYS,
    "online": set(RULE_KEYS) | set(FEATURE_KEYS),
    "calendars": CALENDAR_KEYS,
    "week blocks": BLOCK_KEYS,
    "exceptions": EXCEPTION_KEYS,
    "appointment_types": TYPE_KEYS,
    "booking_links": LINK_KEYS,
    "sync": CLINIC_SYNC_KEYS,
    "calendars.sync": CALENDAR_SYNC_KEYS,
    "calendars.sync.busy": BUSY_KEYS,
    "calendars.sync.push": PUSH_KEYS,
    "patient_login": PATIENT_LOGIN_KEYS,
}


def content_version(data: bytes) -> str:
    """A short, stable version of a clinic file's bytes."""
    return hashlib.sha256(data).hexdigest()[:12]


def parse_clinic(tree: object, *, slug: str, file: str, version: str = "") -> Clinic:
    """Validate a parsed clinic file; raise `ConfigError` with every issue found."""
    clinic, issues = check_clinic(tree, slug=slug, file=file, version=version)
    errors = [i for i in issues if not i.warning]
    if errors or clinic is None:
        raise ConfigError(errors)
    return clinic


def check_clinic(
    tree: object, *, slug: str, file: str, version: str = ""
) -> tuple[Clinic | None, list[ConfigIssue]]:
    """Validate a parsed clinic file: the clinic (None if any error) and all issues."""
    c = Checker(file)
    if not SLUG_RE.match(slug):
        c.error(1, "(file name)", f"'{slug}' is not a valid slug: use a-z, 0-9 and '-' only.")
    root = c.mapping(tree, "", 1, CLINIC_KEYS)
    if not isinstance(tree, dict):
        return None, c.issues

    name = c.text(root, "name", "", required=True, default="")
    tz = c.text(root, "timezone", "", default="Europe/Oslo")
    try:
        if tz in NOT_ZONES:
            raise ValueError(tz)
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        c.error(root.line_of("timezone"), "timezone",
                f"'{tz}' is not an IANA timezone name; use e.g. Europe/Oslo.")
    language = c.text(root, "language", "", default="nb")
    if language not in LANGUAGES:
        c.error(root.line_of("language"), "language",
                f"'{language}' is not supported; use one of {', '.join(LANGUAGES)}.")
    pages_url, endpoint_url, origins = check_addresses(c, root)

    rules = _rules(c, root.get("online"), "online", root.line_of("online"), Rules(),
                   extra=set(FEATURE_KEYS))
    features = _features(c, root.get("online"), root.line_of("online"))
    tracking = _tracking(c, root.get("tracking"), root.line_of("tracking"))
    dialogs = _dialogs(c, root.get("dialogs"), root.line_of("dialogs"))
    types = _types(c, root.get("appointment_types"), root.line_of("appointment_types"),
                   rules, dict(dialogs))
    type_by_id = {t.id: t for t in types}
    calendars = check_calendars(c, root.get("calendars"), root.line_of("calendars"), type_by_id)
    links = _links(c, root.get("booking_links"), root.line_of("booking_links"),
                   {k.id: k for k in calendars}, type_by_id)
    if not pages_url and any(t.online and t.notify for t in types):
        c.warn(root.line, "pages_url", "is not set, so the cancellation links in "
               "confirmations cannot point at the pages; set it to where _site/ is published.")
    patient_login = _patient_login(c, root.get("patient_login"), root.line_of("patient_login"))
    if patient_login is not None:
        for k, v in (("pages_url", pages_url), ("endpoint_url", endpoint_url)):
            if not v:
                c.error(root.line_of("patient_login"), k,
                        "must be set when patient_login is: the login returns to the "
                        "endpoint and ends on the clinic's own pages.")
    listed = check_features(c, root.get("features"), root.line_of("features"))
    needs = implied(root, login=patient_login is not None, sync_lines=tuple(
        line for k in calendars for line in _sync_lines(k)))
    if listed is not None:
        listed_misses(c, listed, needs)
    if not calendars:
        c.error(root.line_of("calendars"), "calendars", "add at least one calendar (timebok).")
    if not types:
        c.error(root.line_of("appointment_types"), "appointment_types",
                "add at least one appointment type (timetype).")

    clinic = Clinic(
        slug=slug,
        name=name or "",
        timezone=tz or "Europe/Oslo",
        language=language or "nb",
        address=c.text(root, "address", "", default="") or "",
        phone=c.text(root, "phone", "", default="") or "",
        email=c.text(root, "email", "", default="") or "",
        sms_sender=_sms_sender(c, root),
        privacy_url=_privacy_url(c, root),
        theme_color=_theme_color(c, root),
        feed_detail=_feed_detail(c, root),
        logo=_logo(c, root),
        pages_url=pages_url,
        endpoint_url=endpoint_url.rstrip("/"),
        embed_origins=tuple(origins),
        test_mode=c.flag(root, "test_mode", "", False),
        tracking=tracking,
        online=rules,
        features=features,
        calendars=tuple(calendars),
        types=tuple(types),
        dialogs=tuple(dialogs),
        booking_links=tuple(links),
        sync=check_clinic_sync(c, root.get("sync"), root.line_of("sync")),
        patient_login=patient_login,
        listed=None if listed is None else tuple(n.feature for n in listed),
        needs=(*(listed or ()), *needs),
        source=file,
        version=version,
    )
    if any(not i.warning for i in c.issues):
        return None, c.issues
    return clinic, c.issues


def _sync_lines(calendar: Calendar) -> tuple[int, ...]:
    """Where a calendar's busy sources and push are written: each needs calendar sync."""
    push = (calendar.push.line,) if calendar.push is not None else ()
    return (*(source.line for source in calendar.busy_sources), *push)


def _privacy_url(c: Checker, root: Mapping) -> str:
    url = c.text(root, "privacy_url", "", default="") or ""
    if url and not URL_RE.match(url):
        c.error(root.line_of("privacy_url"), "privacy_url",
                f"'{url}' must be the http(s) address of the clinic's privacy page, like "
                "https://www.example.no/personvern.")
    return url


def _theme_color(c: Checker, root: Mapping) -> str:
    color = c.text(root, "theme_color", "", default="") or ""
    if color and not HEX_RE.match(color):
        c.error(root.line_of("theme_color"), "theme_color",
                f"'{color}' must be a hex colour like \"#0b5cad\" (quote it: YAML reads # "
                "as the start of a comment).")
        return ""
    return color.lower()


def _logo(c: Checker, root: Mapping) -> Logo | None:
    value = root.get("logo")
    if value is None:
        return None
    line = root.line_of("logo")
    m = value if isinstance(value, Mapping) else Mapping({"src": value}, line=line,
                                                             key_lines={"src": line})
    if isinstance(value, dict):
        m = c.mapping(value, "logo", line, {"src", "width", "height"})
    src = c.text(m, "src", "logo", required=True, default="") or ""
    width = c.number(m, "width", "logo", default=0, minimum=1, maximum=2000)
    height = c.number(m, "height", "logo", default=0, minimum=1, maximum=2000)
    if src.startswith("http://") or (":" in src.split("/")[0] and not src.startswith("https://")):
        c.error(line, "logo", f"'{src}' must be a file in content/media/ or an https:// URL.")
        return None
    if src.startswith("https://") and not (width and height):
        c.error(line, "logo", "a logo at a URL needs its size: logo: {src: https://…, "
                "width: 160, height: 48} (the page reserves its place).")
        return None
    return Logo(src=src, width=width, height=height, line=line) if src else None


def _feed_detail(c: Checker, root: Mapping) -> str:
    detail = c.text(root, "feed_detail", "", default="minimal") or "minimal"
    if detail not in ("minimal", "full"):
        c.error(root.line_of("feed_detail"), "feed_detail",
                f"'{detail}' is not allowed; use minimal (time and a link to the booking) or "
                "full (also the patient's name and phone and the type).")
        return "minimal"
    return detail


def _sms_sender(c: Checker, root: Mapping) -> str:
    sender = c.text(root, "sms_sender", "", default="") or ""
    if sender and not valid_sms_sender(sender):
        c.error(root.line_of("sms_sender"), "sms_sender",
                f"'{sender}' cannot be an SMS sender: use at most 11 letters (A-Z, no æøå), "
                "digits and spaces with at least one letter, like Fjordlegene, or a phone "
                "number like +4755123456.")
    return sender


def _rules(c: Checker, value: object, key: str, line: int, base: Rules,
           extra: set[str] | None = None) -> Rules:
    m = c.mapping(value, key, line, set(RULE_KEYS) | (extra or set()))
    return replace(
        base,
        first_available_only=c.flag(m, "first_available_only", key, base.first_available_only),
        max_self_booked=c.number(m, "max_self_booked", key, default=base.max_self_booked,
                                 minimum=1, maximum=100),
        days_ahead=c.number(m, "days_ahead", key, default=base.days_ahead, maximum=730),
        booking_deadline_hours=c.number(m, "booking_deadline_hours", key,
                                        default=base.booking_deadline_hours, maximum=24 * 90,
                                        integer=False),
        cancellation_deadline_hours=c.number(m, "cancellation_deadline_hours", key,
                                             default=base.cancellation_deadline_hours,
                                             maximum=24 * 90, integer=False),
        closed_on_public_holidays=c.flag(m, "closed_on_public_holidays", key,
                                         base.closed_on_public_holidays),
        allow_move=c.flag(m, "allow_move", key, base.allow_move),
    )


def _features(c: Checker, value: object, line: int) -> PatientFeatures:
    """`online`'s clinic-wide keys of docs/patients.md (the mapping's other keys are `_rules`')."""
    if not isinstance(value, dict):
        return PatientFeatures()  # `_rules` reported a wrong shape already
    m = value if isinstance(value, Mapping) else Mapping(value, line=line)
    base = PatientFeatures()
    return PatientFeatures(
        hold_minutes=c.number(m, "hold_minutes", "online", default=base.hold_minutes,
                              maximum=60),
        waitlist=c.flag(m, "waitlist", "online", base.waitlist),
        waitlist_offers=c.number(m, "waitlist_offers", "online",
                                 default=base.waitlist_offers, minimum=1, maximum=50),
    )


def _patient_login(c: Checker, value: object, line: int) -> PatientLogin | None:
    if value is None:
        return None
    m = c.mapping(value, "patient_login", line, PATIENT_LOGIN_KEYS)
    key = "patient_login"
    issuer = (c.text(m, "issuer", key, required=True, default="") or "").rstrip("/")
    if issuer:
        scheme, _, rest = issuer.partition("://")
        host = rest.split("/", 1)[0].rsplit(":", 1)[0] if not rest.startswith("[") \
            else rest.split("]", 1)[0] + "]"
        if not URL_RE.match(issuer) or "?" in issuer or "#" in issuer:
            c.error(m.line_of("issuer"), f"{key}.issuer", f"'{issuer}' must be the provider's "
                    "https URL without query or fragment, like https://login.example.no.")
        elif scheme.lower() != "https" and host.lower() not in LOOPBACK_HOSTS:
            c.error(m.line_of("issuer"), f"{key}.issuer", f"'{issuer}' must use https "
                    "(plain http only on this machine's loopback, for tests).")
    client_id = c.text(m, "client_id", key, required=True, default="") or ""
    secret_env = c.text(m, "client_secret_env", key, required=True, default="") or ""
    if secret_env and not ENV_NAME_RE.match(secret_env):
        c.error(m.line_of("client_secret_env"), f"{key}.client_secret_env",
                f"'{secret_env[:40]}' must be the name of an environment variable, like "
                "LEDIG_OIDC_SECRET (never the secret itself).")
    acr = c.text(m, "acr_values", key, required=True, default="") or ""
    id_claim = c.text(m, "id_claim", key, default="pid") or "pid"
    if not CLAIM_RE.match(id_claim):
        c.error(m.line_of("id_claim"), f"{key}.id_claim",
                f"'{id_claim[:40]}' is not a claim name; use e.g. pid.")
    if not (issuer and client_id and secret_env and acr):
        return None
    return PatientLogin(issuer=issuer, client_id=client_id, client_secret_env=secret_env,
                        acr_values=acr, id_claim=id_claim, line=m.line)


def _tracking(c: Checker, value: object, line: int) -> Tracking:
    m = c.mapping(value, "tracking", line, TRACKING_KEYS)
    ga = c.text(m, "ga_measurement_id", "tracking")
    if ga and not GA_RE.match(ga):
        if UA_RE.match(ga):
            c.warn(m.line_of("ga_measurement_id"), "tracking.ga_measurement_id",
                   f"'{ga}' is a Universal Analytics id, which Google stopped processing in 2023; "
                   "create a GA4 property and use its G-… measurement id.")
        else:
            c.error(m.line_of("ga_measurement_id"), "tracking.ga_measurement_id",
                    f"'{ga}' is not a GA4 measurement id like G-ABC123DEF4.")
    consent = c.text(m, "consent", "tracking", default="banner")
    if consent not in ("banner", "none"):
        c.error(m.line_of("consent"), "tracking.consent",
                f"'{consent}' is not allowed; use banner or none.")
    raw_script = m.get("script")
    script = raw_script if isinstance(raw_script, str) else None
    if raw_script is not None and script is None:
        c.error(m.line_of("script"), "tracking.script", "must be text (use 'script: |').")
    if script and is_html(script):
        # a block (`script: |`) starts on the line after its key; a one-line value on it
        first = m.line_of("script")
        for at, problem in read_snippet(script).problems:
            c.error(first + at if "\n" in script else first, "tracking.script", problem)
    return Tracking(
        ga_measurement_id=ga or None,
        script=script or None,
        consent=consent or "banner",
        send_names=c.flag(m, "send_names", "tracking", False),
    )


def _dialogs(c: Checker, value: object, line: int) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, dict):
        c.error(line, "dialogs", "must be a mapping of template name to template text.")
        return []
    m = value if isinstance(value, Mapping) else Mapping(value, line=line)
    out = []
    for k, v in m.items():
        if not isinstance(v, str) or not v.strip():
            c.error(m.line_of(k), f"dialogs.{k}", "must be the template's text (use '|').")
            continue
        if not ID_RE.match(str(k)):
            c.error(m.line_of(k), f"dialogs.{k}", "use lower-case letters, digits, '-', '_'.")
        out.append((str(k), v))
    return out


def _types(
    c: Checker, value: object, line: int, clinic_rules: Rules, dialogs: dict[str, str]
) -> list[AppointmentType]:
    seq = c.sequence(value, "appointment_types", line)
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(seq):
        key = f"appointment_types[{i}]"
        m = c.mapping(item, key, seq.line_of(i), TYPE_KEYS)
        tid = c.ident(m, key, seen)
        if tid:
            key = f"appointment_types.{tid}"
        duration = c.number(m, "duration", key, default=None, minimum=5, maximum=8 * 60)
        if "duration" not in m:
            c.error(m.line, f"{key}.duration", "is required: the length in minutes, like 20.")
        notify_seq = c.sequence(m.get("notify"), f"{key}.notify", m.line_of("notify"))
        notify: list[str] = []
        for j in range(len(notify_seq)):
            ch = c.item_text(notify_seq, j, f"{key}.notify")
            if not isinstance(ch, str) or ch not in CHANNELS:
                c.error(notify_seq.line_of(j), f"{key}.notify",
                        f"'{ch}' is not a channel; use email and/or sms.")
            elif ch not in notify:
                notify.append(ch)
        dialog = c.text(m, "dialog", key)
        if dialog and dialog not in dialogs:
            c.error(m.line_of("dialog"), f"{key}.dialog",
                    f"dialog '{dialog}' is not defined; add it under dialogs: or fix the name.")
        rules = _rules(c, m.get("online_rules"), f"{key}.online_rules",
                       m.line_of("online_rules"), clinic_rules)
        price = c.number(m, "price", key, default=None, maximum=1_000_000)
        if tid is None or duration is None:
            continue
        out.append(AppointmentType(
            id=tid,
            name=c.text(m, "name", key, required=True, default=tid) or tid,
            duration=duration,
            rules=rules,
            online=c.flag(m, "online", key, False),
            price=price,
            address=c.text(m, "address", key),
            info=c.text(m, "info", key),
            notify=tuple(notify),
            reminder_hours=c.number(m, "reminder_hours", key, default=None, minimum=1,
                                    maximum=24 * 30, integer=False),
            dialog=dialog,
            line=m.line,
        ))
    return out


def _links(
    c: Checker, value: object, line: int, calendars: dict[str, Calendar],
    types: dict[str, AppointmentType],
) -> list[BookingLink]:
    seq = c.sequence(value, "booking_links", line)
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(seq):
        key = f"booking_links[{i}]"
        m = c.mapping(item, key, seq.line_of(i), LINK_KEYS)
        lid = c.ident(m, key, seen)
        if lid in RESERVED_LINK_IDS:
            c.error(m.line_of("id"), f"{key}.id", f"'{lid}' is a page the build makes itself "
                    f"({', '.join(sorted(RESERVED_LINK_IDS))}); choose another id.")
            continue
        if lid:
            key = f"booking_links.{lid}"
        tid, cid = c.text(m, "type", key), c.text(m, "calendar", key)
        if tid is not None:
            if tid not in types:
                c.error(m.line_of("type"), f"{key}.type", f"appointment type '{tid}' does not "
                        "exist; use an id from appointment_types.")
            elif not types[tid].online:
                c.error(m.line_of("type"), f"{key}.type", f"appointment type '{tid}' is not "
                        "online; set online: true on it or choose another type.")
        if cid is not None:
            if cid not in calendars:
                c.error(m.line_of("calendar"), f"{key}.calendar", f"calendar '{cid}' does not "
                        "exist; use an id from calendars.")
            elif not calendars[cid].online:
                c.error(m.line_of("calendar"), f"{key}.calendar", f"calendar '{cid}' is not "
                        "online; set online: true on it or choose another calendar.")
        if tid in types and cid in calendars and types[tid].online \
                and calendars[cid].online and not calendars[cid].offers(tid):
            c.error(m.line_of("type"), f"{key}.type", f"calendar '{cid}' has no online block "
                    f"that offers '{tid}', so the page would never show a free time; add the "
                    "type to one of its online blocks or change the link.")
        elif cid is None and tid in types and types[tid].online and not any(
                cal.online and cal.offers(tid) for cal in calendars.values()):
            c.warn(m.line_of("type"), f"{key}.type", f"no online calendar offers '{tid}' in "
                   "an online block yet, so the page shows no free times.")
        if lid is None:
            continue
        out.append(BookingLink(id=lid, title=c.text(m, "title", key, required=True,
                                                     default=lid) or lid,
                               type=tid, calendar=cid, line=m.line))
    return out
