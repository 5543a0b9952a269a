"""The slot route's `full` and `closed` days (README.md#http-api), on SQLite: a day whose every
opening is booked is full, a closed exception gives its reason, a public holiday its
Norwegian name, a weekend none; "first available" is full only when every calendar is;
a calendar closed by calendar sync shows its open days as full and nothing more; a day
open for other types only is marked `other_types`."""

from __future__ import annotations

from endpoint_support import patient
from support import write_clinic
from sync_support import synced_clinic

SLOTS = "/api/v1/clinics/fjordlegene/slots?type=konsultasjon"
DAY = "2026-12-03"  # a Thursday; the clock is Tuesday 1 December 2026, 07:00 in Oslo


def _book_the_whole_day(client) -> int:
    """Book Kari Hansen's konsultasjon times on DAY, one patient each, until none is left."""
    for n in range(40):
        days = client.get(f"{SLOTS}&calendar=hansen&from={DAY}&to={DAY}").get_json()["days"]
        if not days:
            return n
        body = {"calendar": "hansen", "type": "konsultasjon",
                "start": days[0]["slots"][0]["start"], "patient": patient(n)}
        created = client.post("/api/v1/clinics/fjordlegene/bookings", json=body)
        assert created.status_code == 201, created.get_data(as_text=True)
    raise AssertionError("the day never filled")


def test_slot_days_full_and_closed_with_reasons(client):
    before = client.get(f"{SLOTS}&calendar=hansen").get_json()
    assert before["full"] == []
    assert _book_the_whole_day(client) >= 10
    body = client.get(f"{SLOTS}&calendar=hansen").get_json()
    assert set(body) == {"clinic", "type", "timezone", "version", "days", "full", "closed"}
    assert DAY not in [d["date"] for d in body["days"]]
    assert body["full"] == [DAY]
    assert body["closed"] == [
        *({"date": day, "reason": None, "other_types": False}
          for day in ("2026-12-05", "2026-12-06", "2026-12-12", "2026-12-13", "2026-12-19",
                      "2026-12-20")),
        {"date": "2026-12-24", "reason": "Julaften", "other_types": False},
        {"date": "2026-12-25", "reason": "Første juledag", "other_types": False},
        {"date": "2026-12-26", "reason": "Andre juledag", "other_types": False},
        {"date": "2026-12-27", "reason": None, "other_types": False},
        {"date": "2026-12-31", "reason": "Nyttårsaften", "other_types": False},
    ]
    # first available: Ole Berg still has times on DAY, and works Saturdays and the 24th
    anyone = client.get(SLOTS).get_json()
    assert DAY in [d["date"] for d in anyone["days"]]
    assert anyone["full"] == []
    assert anyone["closed"] == [
        *({"date": day, "reason": None, "other_types": False}
          for day in ("2026-12-06", "2026-12-13", "2026-12-20")),
        {"date": "2026-12-25", "reason": "Første juledag", "other_types": False},
        {"date": "2026-12-26", "reason": "Andre juledag", "other_types": False},
        {"date": "2026-12-27", "reason": None, "other_types": False},
    ]


def test_a_day_open_for_other_types_only_says_so(client):
    # Kari Hansen works Fridays, but not with samtale; she works no Saturdays
    body = client.get("/api/v1/clinics/fjordlegene/slots?type=samtale&calendar=hansen"
                      "&from=2026-12-04&to=2026-12-05").get_json()
    assert body["closed"] == [{"date": "2026-12-04", "reason": None, "other_types": True},
                              {"date": "2026-12-05", "reason": None, "other_types": False}]


def test_slot_days_of_a_short_range(client):
    body = client.get(f"{SLOTS}&calendar=hansen&from=2026-12-24&to=2026-12-28").get_json()
    assert [d["date"] for d in body["days"]] == ["2026-12-28"]
    assert body["full"] == []
    assert [c["date"] for c in body["closed"]] == ["2026-12-24", "2026-12-25", "2026-12-26",
                                                   "2026-12-27"]


def test_slot_days_of_a_calendar_closed_by_sync_are_full_not_why(make_app, content_dir,
                                                                 sqlite_url):
    text = synced_clinic("{ics: 'http://127.0.0.1:9/lege.ics', name: EPJ}").replace(
        "  - id: vikar\n",
        "    exceptions:\n      - {date: 2026-12-05, closed: true, reason: Kurs}\n"
        "  - id: vikar\n")
    write_clinic(content_dir, "timebok", text)
    client = make_app(database_url=sqlite_url).test_client()
    for query in ("&calendar=lege", ""):
        body = client.get("/api/v1/clinics/timebok/slots?type=kons&from=2026-12-02"
                          f"&to=2026-12-07{query}").get_json()
        assert body["days"] == []  # never synced: fail closed
        assert body["full"] == ["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-06",
                                "2026-12-07"]
        assert body["closed"] == [{"date": "2026-12-05", "reason": "Kurs", "other_types": False}]
