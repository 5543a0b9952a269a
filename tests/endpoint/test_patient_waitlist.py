"""The wait list (docs/patients.md): joining, offers of freed times through the outbox, the
entry's page data, claiming an offer and leaving; on SQLite and PostgreSQL with the
fixed `clock` (Tuesday 2026-12-01 07:00 in Oslo)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from endpoint_support import SLUG, booking_body, fnr, grenda_yaml, local, patient
from patient_support import API, auth, patient_yaml, problem
from staff_api_support import STAFF, add_staff, opened_rows, rows
from support import write_clinic

DAY = date(2026, 12, 3)
LINK = re.compile(r"https://pages\.grenda\.example/booking/grenda/venteliste/"
                  r"#id=([0-9a-f]{32})&token=([A-Za-z0-9_-]{43})")


@pytest.fixture
def client(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, patient_yaml(cancellation_deadline_hours=0))
    return make_app(database_url=database_url).test_client()


def join(client, who: int = 0, *, first: date = DAY, last: date = DAY, calendar="a",
         **changes):
    body = {"type": "time", "calendar": calendar, "from": first.isoformat(),
            "to": last.isoformat(), "patient": patient(who)}
    body.update(changes)
    return client.post(f"{API}/waitlist", json=body)


def joined(client, who: int = 0, **kw) -> tuple[str, str]:
    r = join(client, who, **kw)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["entry"]["id"], r.get_json()["token"]


def book(client, start: datetime, who: int = 9, **kw) -> tuple[str, str]:
    r = client.post(f"{API}/bookings", json=booking_body(start, who=who, **kw))
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["booking"]["id"], r.get_json()["cancel_token"]


def cancel(client, booking: tuple[str, str]) -> None:
    r = client.delete(f"{API}/bookings/{booking[0]}", headers=auth(booking[1]))
    assert r.status_code == 200, r.get_data(as_text=True)


def offers_sent(database_url: str) -> list[tuple[str, str, str]]:
    return opened_rows(database_url, "outbox", ("channel", "recipient", "body"),
                       "SELECT channel, recipient, body FROM outbox "
                       "WHERE kind = 'waitlist_offer' ORDER BY id")


def claim(client, entry: tuple[str, str], start: datetime, calendar: str = "a"):
    return client.post(f"{API}/waitlist/{entry[0]}/claim", headers=auth(entry[1]),
                       json={"calendar": calendar, "start": start.isoformat()})


def test_joining_is_201_and_sends_the_link(client, database_url):
    r = join(client, calendar=None)
    assert r.status_code == 201, r.get_data(as_text=True)
    body = r.get_json()
    assert set(body) == {"entry", "token"} and len(body["token"]) >= 43
    assert body["entry"] == {"id": body["entry"]["id"], "status": "waiting", "type": "time",
                             "calendar": None, "from": "2026-12-03", "to": "2026-12-03"}
    assert fnr(0) not in r.get_data(as_text=True)
    sent = opened_rows(database_url, "outbox", ("channel", "body"),
                       "SELECT channel, body FROM outbox WHERE kind = "
                       "'waitlist_joined' ORDER BY channel")
    assert [c for c, _ in sent] == ["email", "sms"]
    link = LINK.search(sent[0][1])
    assert link and link.groups() == (body["entry"]["id"], body["token"])
    assert rows(database_url, "SELECT token_hash FROM waitlist_entry") != [(body["token"],)]


def test_from_defaults_to_today_and_to_is_bounded(client):
    r = client.post(f"{API}/waitlist", json={"type": "time", "to": "2026-12-05",
                                             "patient": patient(0)})
    assert r.status_code == 201 and r.get_json()["entry"]["from"] == "2026-12-01"
    cases = [({"to": None}, {("to", "required")}),
             ({"to": "2027-01-01"}, {("to", "waitlist_too_far")}),  # 31 days ahead
             ({"to": "2026-12-02"}, {("to", "date_order")}),  # before `from`
             ({"to": "3.12.2026"}, {("to", "date")}),
             ({"calendar": "stengt"}, {("calendar", "calendar_offline")}),
             ({"type": "intern"}, {("type", "type_offline")}),
             ({"extra": 1}, {("extra", "unknown")}),
             ({"patient": patient(0, national_id="12345678901")},
              {("patient.national_id", "identity.checksum")})]
    for change, expected in cases:
        body = problem(join(client, **change), 422, "validation")
        assert {(e["field"], e["code"].split(".")[0] if e["field"] != "patient.national_id"
                 else e["code"]) for e in body["errors"]} >= {
            (f, c.split(".")[0] if f != "patient.national_id" else c) for f, c in expected}, \
            (change, body["errors"])


def test_a_type_that_tells_nobody_cannot_be_waited_for(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, grenda_yaml())  # `time` notifies on no channel
    client = make_app(database_url=database_url).test_client()
    body = problem(join(client), 422, "validation")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("type", "waitlist_no_channel")]


def test_a_cancellation_offers_the_time_with_a_link_that_opens_the_entry(client,
                                                                           database_url):
    taken = book(client, local(DAY, 9))
    entry = joined(client, 0)
    got = client.get(f"{API}/waitlist/{entry[0]}", headers=auth(entry[1])).get_json()
    assert got == {"entry": {**got["entry"], "status": "waiting"}, "offers": []}
    cancel(client, taken)
    sent = offers_sent(database_url)
    assert [c for c, _, _ in sent] == ["email", "sms"]
    assert sent[0][1] == "kari@example.no" and sent[1][1] == "+4740612345"
    link = LINK.search(sent[1][2])
    assert link and link.group(1) == entry[0]
    offer_token = link.group(2)
    assert offer_token != entry[1]  # an offer's own token, stored hashed
    got = client.get(f"{API}/waitlist/{entry[0]}", headers=auth(offer_token)).get_json()
    assert got["offers"] == [{"calendar": "a", "start": "2026-12-03T09:00:00+01:00",
                              "end": "2026-12-03T10:00:00+01:00", "available": True}]
    r = claim(client, (entry[0], offer_token), local(DAY, 9))
    assert r.status_code == 201, r.get_data(as_text=True)
    booked = r.get_json()
    assert set(booked) == {"booking", "cancel_token"}
    assert datetime.fromisoformat(booked["booking"]["start"]) == local(DAY, 9)
    got = client.get(f"{API}/waitlist/{entry[0]}", headers=auth(entry[1])).get_json()
    assert got["entry"]["status"] == "booked"
    assert got["offers"][0]["available"] is False
    problem(claim(client, entry, local(DAY, 10)), 409, "waitlist_ended")  # one booking only
    log = rows(database_url, "SELECT details FROM booking_log WHERE action = 'created' "
                             "ORDER BY id")
    assert '"via": "waitlist"' in log[-1][0]


def test_offers_go_to_the_first_entries_in_sign_up_order(client, database_url):
    taken = book(client, local(DAY, 9))
    entries = [joined(client, n, calendar=None if n % 2 else "a") for n in range(5)]
    joined(client, 5, calendar="b")  # waits for another calendar
    cancel(client, taken)
    offered = {r[0] for r in rows(database_url, "SELECT e.public_id FROM waitlist_offer o "
                                                "JOIN waitlist_entry e ON e.id = o.entry_id")}
    assert offered == {e[0] for e in entries[:3]}


def test_waitlist_offers_sets_how_many(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, patient_yaml(cancellation_deadline_hours=0,
                                                 features="waitlist_offers: 1"))
    client = make_app(database_url=database_url).test_client()
    taken = book(client, local(DAY, 9))
    first = joined(client, 0)
    joined(client, 1)
    cancel(client, taken)
    assert rows(database_url, "SELECT e.public_id FROM waitlist_offer o JOIN waitlist_entry e "
                              "ON e.id = o.entry_id") == [(first[0],)]


def test_no_offer_inside_the_booking_deadline_or_outside_the_range(client, clock,
                                                                     database_url):
    today = date(2026, 12, 1)
    soon = book(client, local(today, 10))  # three hours ahead
    later = book(client, local(DAY, 9), who=8)
    joined(client, 0, first=today, last=today)
    joined(client, 1, first=date(2026, 12, 4), last=date(2026, 12, 6))  # not the 3rd
    clock.advance(hours=1, minutes=30)  # 10:00 is now inside the two-hour deadline
    cancel(client, soon)
    cancel(client, later)
    assert offers_sent(database_url) == []


def test_a_move_and_a_removed_staff_block_offer_the_freed_time(client, clock, database_url):
    from endpoint.services import blocks
    from endpoint.services.blocks import BlockRequest
    from endpoint.state import of

    moving = book(client, local(DAY, 9))
    entry = joined(client, 0, first=DAY, last=DAY)
    r = client.patch(f"{API}/bookings/{moving[0]}", headers=auth(moving[1]),
                     json={"start": local(DAY, 14).isoformat()})
    assert r.status_code == 200
    assert len(offers_sent(database_url)) == 2  # e-mail and SMS for 09:00
    clinic = of(client.application).registry.get(SLUG)
    now = clock.now()
    with client.application.app_context():
        hooks = of(client.application).hooks  # the running features' (the wait list's)
        block = blocks.add_block(clinic, BlockRequest("a", local(DAY, 11), local(DAY, 13),
                                                      "møte"), "staff:kari", now, hooks=hooks)
        blocks.remove_block(clinic, block.public_id, now, hooks=hooks)
    got = client.get(f"{API}/waitlist/{entry[0]}", headers=auth(entry[1])).get_json()
    assert [o["start"] for o in got["offers"]] == ["2026-12-03T09:00:00+01:00",
                                                   "2026-12-03T11:00:00+01:00"]


def test_a_claim_obeys_every_rule(client, database_url):
    taken = book(client, local(DAY, 9))
    entry = joined(client, 0)
    other = joined(client, 1, calendar=None)
    cancel(client, taken)
    book(client, local(DAY, 9), who=7)  # someone else was faster
    problem(claim(client, entry, local(DAY, 9)), 409, "slot_unavailable")
    body = problem(claim(client, entry, local(DAY, 10), calendar="b"), 422, "validation")
    assert body["errors"][0]["code"] == "waitlist_outside"  # the entry waits for `a`
    problem(claim(client, entry, local(date(2026, 12, 4), 10)), 422, "validation")
    problem(claim(client, ("0" * 32, entry[1]), local(DAY, 10)), 404, "not_found")
    problem(claim(client, (entry[0], "x" * 43), local(DAY, 10)), 404, "not_found")
    problem(client.post(f"{API}/waitlist/{entry[0]}/claim", json={}), 401, "unauthorized")
    # max_self_booked (2) counts the patient's own online bookings
    book(client, local(DAY, 11), who=1)
    book(client, local(DAY, 12), who=1)
    problem(claim(client, other, local(DAY, 13), calendar="b"), 409, "max_self_booked")
    assert claim(client, entry, local(DAY, 10)).status_code == 201


def test_leaving_and_ending(client, clock):
    entry = joined(client, 0)
    url = f"{API}/waitlist/{entry[0]}"
    problem(client.delete(url), 401, "unauthorized")
    problem(client.delete(url, headers=auth("x" * 43)), 404, "not_found")
    r = client.delete(url, headers=auth(entry[1]))
    assert r.status_code == 200 and r.get_json()["entry"]["status"] == "cancelled"
    assert client.delete(url, headers=auth(entry[1])).get_json()["entry"]["status"] == \
        "cancelled"
    problem(claim(client, entry, local(DAY, 10)), 409, "waitlist_ended")
    waiting = joined(client, 1)
    clock.advance(days=3)  # Friday: the entry's `to` (Thursday) has passed
    got = client.get(f"{API}/waitlist/{waiting[0]}", headers=auth(waiting[1])).get_json()
    assert got["entry"]["status"] == "expired"
    problem(claim(client, waiting, local(date(2026, 12, 5), 10)), 409, "waitlist_ended")


def test_staff_see_who_waits_without_the_national_id(client, database_url):
    add_staff(database_url, clinic=SLUG)
    entry = joined(client, 0, calendar=None)
    r = client.get(f"/api/v1/staff/{SLUG}/waitlist", headers=STAFF)
    assert r.status_code == 200, r.get_data(as_text=True)
    [row] = r.get_json()["entries"]
    assert row["id"] == entry[0] and row["calendar"] is None
    assert (row["first_name"], row["phone"], row["from"], row["to"]) == (
        "Kari", "+4740612345", "2026-12-03", "2026-12-03")
    assert row["masked_id"] and fnr(0) not in r.get_data(as_text=True)


def test_the_wait_list_switched_off_is_404(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, patient_yaml(features="waitlist: false"))
    client = make_app(database_url=database_url).test_client()
    assert client.get(API).get_json()["waitlist"] is False
    problem(join(client), 404, "not_found")
    hdr = auth("x" * 43)
    problem(client.get(f"{API}/waitlist/{'0' * 32}", headers=hdr), 404, "not_found")
    problem(client.delete(f"{API}/waitlist/{'0' * 32}", headers=hdr), 404, "not_found")
    problem(client.post(f"{API}/waitlist/{'0' * 32}/claim", headers=hdr,
                        json={"calendar": "a", "start": local(DAY, 9).isoformat()}),
            404, "not_found")


def test_the_purge_deletes_ended_entries_and_expired_holds(client, clock, database_url):
    from endpoint.storage.purge import purge

    left = joined(client, 0)
    client.delete(f"{API}/waitlist/{left[0]}", headers=auth(left[1]))
    waiting = joined(client, 1, last=date(2026, 12, 20))
    passed = joined(client, 2)  # waits until Thursday the 3rd
    r = client.post(f"{API}/holds", json={"calendar": "a", "type": "time",
                                          "start": local(DAY, 9).isoformat()})
    assert r.status_code == 201
    clock.advance(days=2, hours=12)  # Thursday evening: the hold is long gone
    first = purge(30, clock.now())
    assert (first.waitlist, first.holds) == (1, 1)  # the cancelled one; the hold
    clock.advance(days=1)  # Friday evening: the 3rd has passed everywhere
    assert purge(30, clock.now()).waitlist == 1
    left_ids = {r[0] for r in rows(database_url, "SELECT public_id FROM waitlist_entry")}
    assert left_ids == {waiting[0]} and passed[0] not in left_ids
    assert rows(database_url, "SELECT id FROM hold") == []


def test_a_staff_cancellation_and_a_staff_move_offer_the_freed_time(client, database_url):
    add_staff(database_url, clinic=SLUG)
    staff = f"/api/v1/staff/{SLUG}"
    first, _ = book(client, local(DAY, 9))
    second, _ = book(client, local(DAY, 10), who=8)
    entry = joined(client, 0)
    r = client.post(f"{staff}/bookings/{first}/cancel", headers=STAFF,
                    json={"reason": "Legen er syk", "initiated_by": "clinic"})
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.patch(f"{staff}/bookings/{second}", headers=STAFF,
                     json={"start": local(DAY, 15).isoformat()})
    assert r.status_code == 200, r.get_data(as_text=True)
    got = client.get(f"{API}/waitlist/{entry[0]}", headers=auth(entry[1])).get_json()
    assert [o["start"] for o in got["offers"]] == ["2026-12-03T09:00:00+01:00",
                                                   "2026-12-03T10:00:00+01:00"]
