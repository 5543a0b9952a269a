"""The clinic's configuration as frozen values.

Everything here is data: the loader (`booking.config`) builds these from a
clinic file, the engine reads them. Times of day are local wall-clock times in
the clinic's timezone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from urllib.parse import urlsplit, urlunsplit


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL as browsers send it in `Origin`: lower case, without
    the scheme's default port; None when the URL has no host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    host = parts.hostname if port in (None, default) else f"{parts.hostname}:{port}"
    return f"{scheme}://{host}"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHANNELS = ("email", "sms")
LANGUAGES = ("nb", "nn", "en")


@dataclass(frozen=True, slots=True)
class Rules:
    """Online restrictions: the clinic's defaults, or a type's effective rules."""

    first_available_only: bool = False
    max_self_booked: int = 2
    days_ahead: int = 30
    booking_deadline_hours: float = 2
    cancellation_deadline_hours: float = 24
    closed_on_public_holidays: bool = True
    #: the patient may move the appointment online (docs/patients.md), under the cancellation
    #: deadline
    allow_move: bool = True


RULE_KEYS = tuple(Rules.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class PatientFeatures:
    """The clinic-wide switches of docs/patients.md (keys of `online`, not of a type's rules)."""

    #: how long a picked time is held for the patient; 0 turns holds off
    hold_minutes: int = 5
    #: whether patients may join the wait list
    waitlist: bool = True
    #: how many waiting entries a freed time is offered to, in sign-up order
    waitlist_offers: int = 3


FEATURE_KEYS = tuple(PatientFeatures.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Block:
    """A stretch of a working day that offers some appointment types."""

    start: time
    end: time
    types: tuple[str, ...]
    online: bool = True
    smart: bool = False
    slot_minutes: int | None = None
    step_minutes: int = 5
    line: int = 0
    cell: int = 15  # a plain block's slot length: slot_minutes, else its longest type

    def __post_init__(self) -> None:
        if self.slot_minutes:  # the block says so itself: no type needed to derive it
            object.__setattr__(self, "cell", self.slot_minutes)


@dataclass(frozen=True, slots=True)
class ScheduleException:
    """A change to the week: closed days, or days whose blocks replace the week's."""

    first: date
    last: date
    closed: bool = False
    blocks: tuple[Block, ...] = ()
    reason: str = ""
    line: int = 0

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True, slots=True)
class BusySource:
    """Where a calendar reads busy times from (docs/sync.md): an ICS URL or a CalDAV collection.

    `id` is the URL without credentials: the source's name in the database, `/healthz`
    and the staff pages. The password is never in the file, only the name of the
    environment variable that holds it."""

    kind: str  # ics | caldav
    url: str
    name: str = ""
    username: str = ""
    password_env: str = ""
    line: int = 0

    @property
    def id(self) -> str:
        return strip_credentials(self.url)

    @property
    def label(self) -> str:
        """What staff read: the source's `name`, else its host."""
        return self.name or (urlsplit(self.url).hostname or self.url)


@dataclass(frozen=True, slots=True)
class PushTarget:
    """The CalDAV collection a calendar's bookings are written to as events."""

    url: str
    username: str = ""
    password_env: str = ""
    detail: str = "minimal"  # minimal: "Opptatt" only | full: type and patient's name
    line: int = 0


@dataclass(frozen=True, slots=True)
class Need:
    """A clinic file needs `feature` (docs/features.md) because of `key` on `line`."""

    feature: str
    line: int
    key: str


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """How often busy sources are read, and when an unread one closes its calendar."""

    refresh_minutes: int = 5
    stale_after_minutes: int = 30


def strip_credentials(url: str) -> str:
    """The URL without user info (`https://user:pw@host/x` → `https://host/x`)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


@dataclass(frozen=True, slots=True)
class Calendar:
    """A timebok: one practitioner's or one room's appointments."""

    id: str
    name: str
    title: str = ""
    online: bool = False
    week: tuple[tuple[Block, ...], ...] = ((),) * 7  # Monday first
    exceptions: tuple[ScheduleException, ...] = ()
    line: int = 0
    busy_sources: tuple[BusySource, ...] = ()
    push: PushTarget | None = None

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Every block the calendar's week and exceptions hold."""
        return (*(b for day in self.week for b in day),
                *(b for exc in self.exceptions for b in exc.blocks))

    def offers(self, type_id: str) -> bool:
        """Whether some online block of the calendar allows the type."""
        return any(b.online and type_id in b.types for b in self.blocks)


@dataclass(frozen=True, slots=True)
class AppointmentType:
    """A timetype: what the patient books, how long it takes, what they are told."""

    id: str
    name: str
    duration: int
    rules: Rules
    online: bool = False
    price: int | None = None
    address: str | None = None
    info: str | None = None
    notify: tuple[str, ...] = ()
    reminder_hours: float | None = None
    dialog: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class BookingLink:
    id: str
    title: str
    type: str | None = None
    calendar: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Tracking:
    ga_measurement_id: str | None = None
    script: str | None = None
    consent: str = "banner"
    send_names: bool = False


@dataclass(frozen=True, slots=True)
class PatientLogin:
    """Logged-in patients (docs/patient-login.md): the clinic's OpenID Connect provider and client.

    The client secret is never in the file: `client_secret_env` names the environment
    variable that holds it."""

    issuer: str
    client_id: str
    client_secret_env: str
    acr_values: str
    id_claim: str = "pid"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Logo:
    """The clinic's logo: a file in content/media/ (`src`), or an https URL; its size in
    CSS pixels; the build's copy (`data`, `file`) once `common.logo` has read it."""

    src: str
    width: int = 0
    height: int = 0
    line: int = 0
    data: bytes = b""
    file: str = ""


@dataclass(frozen=True, slots=True)
class Clinic:
    slug: str
    name: str
    timezone: str = "Europe/Oslo"
    language: str = "nb"
    address: str = ""
    phone: str = ""
    email: str = ""
    sms_sender: str = ""  # what SMS come from (alphanumeric ≤ 11 or E.164); "" for the setting
    privacy_url: str = ""  # the clinic's privacy page, linked where the pages ask for the id
    theme_color: str = ""  # "#rrggbb": the pages' accent (made dark enough for text)
    feed_detail: str = "minimal"  # the staff ICS feed: minimal (time, link) | full
    logo: Logo | None = None
    pages_url: str = ""
    endpoint_url: str = ""
    embed_origins: tuple[str, ...] = ()
    test_mode: bool = False
    tracking: Tracking = field(default_factory=Tracking)
    online: Rules = field(default_factory=Rules)
    features: PatientFeatures = field(default_factory=PatientFeatures)
    calendars: tuple[Calendar, ...] = ()
    types: tuple[AppointmentType, ...] = ()
    dialogs: tuple[tuple[str, str], ...] = ()
    booking_links: tuple[BookingLink, ...] = ()
    sync: SyncSettings = field(default_factory=SyncSettings)
    patient_login: PatientLogin | None = None
    #: the features its `features:` list names (None: every feature the deployment runs)
    listed: tuple[str, ...] | None = None
    #: what the file needs of the deployment: its list and what its other keys imply
    needs: tuple[Need, ...] = ()
    source: str = ""
    version: str = ""

    def uses(self, feature: str, running: frozenset[str]) -> bool:
        """Whether this clinic uses `feature` on a deployment that runs `running`."""
        return feature in running and (self.listed is None or feature in self.listed)

    def calendar(self, calendar_id: str) -> Calendar | None:
        return next((c for c in self.calendars if c.id == calendar_id), None)

    def type(self, type_id: str) -> AppointmentType | None:
        return next((t for t in self.types if t.id == type_id), None)

    def dialog(self, name: str) -> str | None:
        return dict(self.dialogs).get(name)

    @property
    def origins(self) -> tuple[str, ...]:
        """Where the pages may be framed and the API called from: `embed_origins` and the
        origin of `pages_url`."""
        page = origin_of(self.pages_url) if self.pages_url else None
        return tuple(dict.fromkeys([*self.embed_origins, *([page] if page else [])]))

    @property
    def online_calendars(self) -> tuple[Calendar, ...]:
        return tuple(c for c in self.calendars if c.online)

    @property
    def synced_calendars(self) -> tuple[Calendar, ...]:
        """Calendars that read busy times from elsewhere (docs/sync.md)."""
        return tuple(c for c in self.calendars if c.busy_sources)

    @property
    def furthest_days_ahead(self) -> int:
        """The furthest any type books ahead: how far busy times are read."""
        return max([self.online.days_ahead, *(t.rules.days_ahead for t in self.types)])

    @property
    def online_types(self) -> tuple[AppointmentType, ...]:
        return tuple(t for t in self.types if t.online)
