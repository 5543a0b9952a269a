"""The features a deployment runs and a clinic turns on (docs/features.md).

The core — slots, bookings, cancelling and moving by token, confirmations — is
always there. Each feature is a package of the endpoint with its own routes,
workers and commands, and some need libraries that only its extra installs
(`pip install 'ledig[sync]'`). This module is the one list of them: plain data,
so that the page generator's `sitegen check` and the endpoint decide alike
without either importing a feature.
"""

from __future__ import annotations

from dataclasses import dataclass

from booking.checker import Checker
from booking.model import Need
from booking.tree import Mapping, Sequence


@dataclass(frozen=True, slots=True)
class FeatureInfo:
    name: str
    #: the endpoint package that plugs it in (its `feature` module holds a `FEATURE`)
    package: str
    #: the extra that installs its libraries (`pip install 'ledig[<extra>]'`), "" for none
    extra: str
    #: the modules its libraries provide: the feature is installed when all of them import
    modules: tuple[str, ...]
    #: one line for `endpoint features` and errors
    summary: str


FEATURES: tuple[FeatureInfo, ...] = (
    FeatureInfo("timebok", "endpoint.staff", "timebok", ("pyotp",),
                "staff pages and staff API: day and week, staff bookings, blocks, "
                "attendance, logs, patients' rights, the staff ICS feed"),
    FeatureInfo("waitlist", "endpoint.waitlist", "", (),
                "holds on a picked time and the wait list with its offers"),
    FeatureInfo("sync", "endpoint.sync", "sync", ("caldav", "recurring_ical_events"),
                "calendar sync: busy times read from ICS and CalDAV, bookings pushed to CalDAV"),
    FeatureInfo("login", "endpoint.patient", "login", ("authlib", "joserfc", "requests"),
                "patient login with OpenID Connect and the patient's own bookings"),
    FeatureInfo("sms_reports", "endpoint.reports", "", (),
                "delivery reports from SMS providers"),
)

NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def info(name: str) -> FeatureInfo:
    return next(f for f in FEATURES if f.name == name)


def install_hint(name: str) -> str:
    """How to get a feature's libraries: "" when it needs none."""
    extra = info(name).extra
    return f"pip install 'ledig[{extra}]'" if extra else ""


def check_features(c: Checker, value: object, line: int) -> tuple[Need, ...] | None:
    """The clinic's `features:` list: None when absent (every feature the deployment runs)."""
    if value is None:
        return None
    if not isinstance(value, list):
        c.error(line, "features", "must be a list of feature names, for example "
                f"[{', '.join(NAMES[:2])}], or [] for online booking only.")
        return ()
    items = value if isinstance(value, Sequence) else Sequence(value, line=line)
    needs: list[Need] = []
    for index, item in enumerate(items):
        item_line = items.line_of(index)
        if not isinstance(item, str) or item not in NAMES:
            c.error(item_line, "features", f"'{item}' is not a feature; use any of "
                    f"{', '.join(NAMES)} (docs/features.md).")
        elif any(n.feature == item for n in needs):
            c.error(item_line, "features", f"'{item}' is listed twice.")
        else:
            needs.append(Need(item, item_line, "features"))
    return tuple(needs)


def implied(root: Mapping, *, login: bool, sync_lines: tuple[int, ...]) -> tuple[Need, ...]:
    """What other keys of a clinic file need: `patient_login` needs login, a calendar's busy
    sources or push need sync, and `online.waitlist: true` or `online.hold_minutes` written
    out need the wait list."""
    needs: list[Need] = []
    if login:
        needs.append(Need("login", root.line_of("patient_login"), "patient_login"))
    needs.extend(Need("sync", line, "calendars.sync") for line in sync_lines)
    online = root.get("online")
    if isinstance(online, Mapping):
        if online.get("waitlist") is True:
            needs.append(Need("waitlist", online.line_of("waitlist"), "online.waitlist"))
        hold = online.get("hold_minutes")
        if isinstance(hold, int) and not isinstance(hold, bool) and hold > 0:
            needs.append(Need("waitlist", online.line_of("hold_minutes"), "online.hold_minutes"))
    return tuple(needs)


def listed_misses(c: Checker, listed: tuple[Need, ...], needs: tuple[Need, ...]) -> None:
    """A clinic that lists its features must list what its other keys need."""
    names = {n.feature for n in listed}
    for need in needs:
        if need.feature not in names:
            c.error(need.line, need.key, f"needs the feature {need.feature}, which the "
                    f"clinic's `features:` list leaves out; add {need.feature} to it, or "
                    f"remove {need.key}.")


def refusals(file: str, needs: tuple[Need, ...], running: frozenset[str],
             installed: frozenset[str]) -> list[tuple[str, int, str, str]]:
    """(file, line, key, sentence) for each need the deployment does not meet: the feature's
    package is not installed, or the deployment does not run it (LEDIG_FEATURES)."""
    out: list[tuple[str, int, str, str]] = []
    for need in needs:
        if need.feature not in installed:
            out.append((file, need.line, need.key, f"needs the feature {need.feature}, whose "
                        f"libraries are not installed: {install_hint(need.feature)}, then add "
                        f"it to LEDIG_FEATURES (docs/features.md)."))
        elif need.feature not in running:
            out.append((file, need.line, need.key, f"needs the feature {need.feature}, which "
                        "this deployment does not run: add it to LEDIG_FEATURES "
                        "(docs/features.md)."))
    return out
