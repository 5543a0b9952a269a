"""Validating a clinic file's calendars (timebøker): week templates, blocks, exceptions.

Part of `booking.config`, which checks the rest of the file; the same
`Checker` collects every issue with its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time

from booking.checker import Checker, closest
from booking.model import WEEKDAYS, AppointmentType, Block, Calendar, ScheduleException
from booking.sync_config import check_calendar_sync
from booking.tree import Mapping

CALENDAR_KEYS = {"id", "name", "title", "online", "week", "exceptions", "sync"}
BLOCK_KEYS = {"start", "end", "types", "online", "smart", "slot_minutes", "step_minutes"}
EXCEPTION_KEYS = {"date", "from", "to", "closed", "blocks", "reason"}


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass
class Seen:
    """A block as first checked in a week, for the days whose lists hold the same block
    (one YAML anchor, aliased in several days' lists): its issues' span in the checker."""

    block: Block | None
    issues: range
    days: list[str] = field(default_factory=list)


def check_blocks(
    c: Checker, value: object, key: str, line: int, types: dict[str, AppointmentType],
    seen: dict[int, Seen] | None = None, days: tuple[str, ...] = (),
) -> tuple[Block, ...]:
    """A day's blocks. With `seen` (a week's), a block met before in another day's list —
    the same YAML node, aliased — is not checked again: `days` join its `Seen`."""
    seq = c.sequence(value, key, line)
    blocks = []
    for i, item in enumerate(seq):
        shareable = seen is not None and isinstance(item, dict)  # a mapping is a YAML node
        if shareable and seen is not None and id(item) in seen:
            first = seen[id(item)]
            first.days.extend(d for d in days if d not in first.days)
            block = first.block
        else:
            begin = len(c.issues)
            block = _check_block(c, item, f"{key}[{i}]", seq.line_of(i), types)
            if shareable and seen is not None:
                seen[id(item)] = Seen(block, range(begin, len(c.issues)), list(days))
        if block is not None:
            blocks.append(block)
    ordered = sorted(blocks, key=lambda b: b.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            c.error(b.line, key,
                    f"the block {b.start:%H:%M}–{b.end:%H:%M} overlaps the block "
                    f"{a.start:%H:%M}–{a.end:%H:%M} (line {a.line}); blocks of one day must not "
                    "overlap.")
    return tuple(ordered)


def _check_block(
    c: Checker, item: object, bkey: str, line: int, types: dict[str, AppointmentType]
) -> Block | None:
    m = c.mapping(item, bkey, line, BLOCK_KEYS)
    start, end = c.clock(m, "start", bkey), c.clock(m, "end", bkey)
    tseq = c.sequence(m.get("types"), f"{bkey}.types", m.line_of("types"))
    tids = []
    for j in range(len(tseq)):
        t = c.item_text(tseq, j, f"{bkey}.types")
        if str(t) not in types:
            hint = closest(str(t), set(types))
            more = f" Did you mean '{hint}'?" if hint else ""
            c.error(tseq.line_of(j), f"{bkey}.types",
                    f"appointment type '{t}' does not exist.{more} "
                    "Define it under appointment_types or fix the id.")
        else:
            tids.append(str(t))
    if not tseq:
        c.error(m.line, f"{bkey}.types", "list the appointment types this block offers.")
    slot_minutes = c.number(m, "slot_minutes", bkey, default=None, minimum=5, maximum=480)
    step = c.number(m, "step_minutes", bkey, default=5, minimum=1, maximum=120)
    if start is None or end is None:
        return None
    length = _minutes(end) - _minutes(start)
    if length <= 0:
        c.error(m.line_of("end"), f"{bkey}.end",
                f"ends at {end:%H:%M}, not after its start {start:%H:%M}; "
                "the end must be later than the start.")
        return None
    for t in tids:
        if types[t].duration > length:
            c.error(m.line, bkey,
                    f"the block is {length} minutes, shorter than '{t}' "
                    f"({types[t].duration} minutes): lengthen the block or remove the type.")
    longer = [t for t in tids if slot_minutes and types[t].duration > slot_minutes]
    if slot_minutes and longer:
        longest = max(types[t].duration for t in longer)
        named = _and([f"'{t}' ({types[t].duration} minutes)" for t in longer])
        c.error(m.line_of("slot_minutes"), f"{bkey}.slot_minutes",
                f"{slot_minutes} is shorter than {named}, which the block allows; "
                "a slot must fit every type booked in it: raise slot_minutes to "
                f"{longest} or remove the type.")
    return Block(
        start=start, end=end, types=tuple(tids),
        online=c.flag(m, "online", bkey, True),
        smart=c.flag(m, "smart", bkey, False),
        slot_minutes=slot_minutes, step_minutes=step, line=m.line,
        cell=max((types[t].duration for t in tids), default=15),
    )


def check_week(
    c: Checker, week_m: Mapping, key: str, types: dict[str, AppointmentType]
) -> tuple[tuple[Block, ...], ...]:
    """Each weekday's blocks, Monday first.

    What several days share through a YAML anchor — a whole list (`mon: &day`,
    `tue: *day`) or one block (`- &morning {…}`, `- *morning`) — is checked once: a
    mistake in it is one error at its line, under the first day that holds it, naming
    every day that shares it (README.md, calendars), not one error per day that all
    point at the same line.
    """
    groups: list[list[str]] = []
    for d in WEEKDAYS:
        value = week_m.get(d)
        group = next((g for g in groups if value is not None and week_m.get(g[0]) is value),
                     None)
        if group is None:
            groups.append([d])
        else:
            group.append(d)
    found: dict[str, tuple[Block, ...]] = {}
    seen: dict[int, Seen] = {}
    spans: list[tuple[range, list[str]]] = []
    for group in groups:
        begin = len(c.issues)
        blocks = check_blocks(c, week_m.get(group[0]), f"{key}.{group[0]}",
                              week_m.line_of(group[0]), types, seen, tuple(group))
        spans.append((range(begin, len(c.issues)), group))
        found.update(dict.fromkeys(group, blocks))
    _name_the_days(c, spans, list(seen.values()))
    return tuple(found[d] for d in WEEKDAYS)


def _name_the_days(c: Checker, lists: list[tuple[range, list[str]]], blocks: list[Seen]) -> None:
    """Add to each issue of a shared list or block the days that share it."""
    days: dict[int, list[str]] = {}
    for span, group in lists:
        days.update(dict.fromkeys(span, group))
    for block in blocks:
        days.update(dict.fromkeys(block.issues, block.days))
    for index, shared in days.items():
        if len(shared) < 2:
            continue
        ordered = [d for d in WEEKDAYS if d in shared]
        issue = c.issues[index]
        c.issues[index] = replace(issue, message=(
            f"{issue.message} This is shared through a YAML alias by {_and(ordered)}: the one "
            f"fix here mends all {len(ordered)} days."))


def _and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def check_calendars(
    c: Checker, value: object, line: int, types: dict[str, AppointmentType]
) -> list[Calendar]:
    seq = c.sequence(value, "calendars", line)
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(seq):
        key = f"calendars[{i}]"
        m = c.mapping(item, key, seq.line_of(i), CALENDAR_KEYS)
        cid = c.ident(m, key, seen)
        if cid:
            key = f"calendars.{cid}"
        week_m = c.mapping(m.get("week"), f"{key}.week", m.line_of("week"), set(WEEKDAYS))
        week = check_week(c, week_m, f"{key}.week", types)
        exceptions = check_exceptions(c, m.get("exceptions"), f"{key}.exceptions",
                                 m.line_of("exceptions"), types)
        busy, push = check_calendar_sync(c, m.get("sync"), key, m.line_of("sync"))
        if cid is None:
            continue
        out.append(Calendar(
            id=cid,
            name=c.text(m, "name", key, required=True, default=cid) or cid,
            title=c.text(m, "title", key, default="") or "",
            online=c.flag(m, "online", key, False),
            week=week,
            exceptions=exceptions,
            line=m.line,
            busy_sources=busy,
            push=push,
        ))
    return out


def check_exceptions(
    c: Checker, value: object, key: str, line: int, types: dict[str, AppointmentType]
) -> tuple[ScheduleException, ...]:
    seq = c.sequence(value, key, line)
    out = []
    for i, item in enumerate(seq):
        ekey = f"{key}[{i}]"
        m = c.mapping(item, ekey, seq.line_of(i), EXCEPTION_KEYS)
        if "date" in m and ("from" in m or "to" in m):
            c.error(m.line, ekey, "give either date: or from:/to:, not both.")
            continue
        if "date" in m:
            first = last = c.day(m, "date", ekey)
        elif "from" in m and "to" in m:
            first, last = c.day(m, "from", ekey), c.day(m, "to", ekey)
            if first and last and last < first:
                c.error(m.line_of("to"), f"{ekey}.to",
                        f"{last} is before from: {first}; the range must run forward.")
                continue
        else:
            c.error(m.line, ekey, "needs date: (one day) or both from: and to: (a range).")
            continue
        closed = c.flag(m, "closed", ekey, False)
        has_blocks = "blocks" in m
        blocks = check_blocks(c, m.get("blocks"), f"{ekey}.blocks", m.line_of("blocks"), types)
        if closed and has_blocks:
            c.error(m.line_of("blocks"), ekey,
                    "a closed day has no blocks: remove closed: true or the blocks.")
        elif not closed and not has_blocks:
            c.error(m.line, ekey,
                    "say what changes: closed: true, or blocks: [...] that replace the week's.")
        if first is None or last is None:
            continue
        out.append(ScheduleException(first=first, last=last, closed=closed, blocks=blocks,
                                     reason=c.text(m, "reason", ekey, default="") or "",
                                     line=m.line))
    return tuple(out)
