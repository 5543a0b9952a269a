"""The staff timebok's pages (docs/staff.md) through the login session: the day's links to the
booking form (free slots and empty time), staff blocks and conflicts on the day, the
week, booking on behalf of a patient (search, prefill, field errors, the stale page,
outside the schedule), a booking's page (move, type, note, attendance, cancel, the
log), blocking time over bookings, the conflicts and waiting-list pages, and what no
page may do: answer another clinic's staff, take a form without its token, or fail
on bad input."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from support import staff_csrf, staff_login

SLUG, OTHER = "fjordlegene", "annen"
PASSWORD = "fjord-kaffe-mandag-7"
NID = "15108695088"
DAY = "2026-12-03"  # a Thursday; the clock stands at Tuesday 2026-12-01 07:00 Oslo
BASE = f"/staff/{SLUG}"


@pytest.fixture
def app(make_app, content_dir):
    shutil.copy(content_dir / "clinics" / f"{SLUG}.yaml", content_dir / "clinics" / f"{OTHER}.yaml")
    app = make_app()
    from endpoint.staff.users import add_user
    from endpoint.storage.db import db

    with db.connection_context():
        add_user(SLUG, "kari", PASSWORD)
        add_user(OTHER, "ola", PASSWORD)
    return app


def _client(app, slug=SLUG, user="kari"):
    client = app.test_client()
    assert staff_login(client, slug, user, PASSWORD).status_code == 303
    return client


@pytest.fixture
def client(app):
    return _client(app)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def oslo(hour: int, minute: int = 0, day: str = DAY) -> datetime:
    from zoneinfo import ZoneInfo

    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, minute, tzinfo=ZoneInfo("Europe/Oslo"))


def booking_row(start: datetime, minutes: int = 20, *, calendar: str = "hansen",
                first: str = "Per", last: str = "Hansen", national_id: str = NID,
                key: str | None = None, attendance: str = "", self_booked: bool = False):
    from endpoint.storage.db import Booking, db, to_db

    with db.connection_context():
        return Booking.create(
            public_id=uuid.uuid4().hex, clinic=SLUG, calendar=calendar, type="konsultasjon",
            start=to_db(start), end=to_db(start + timedelta(minutes=minutes)),
            self_booked=self_booked, patient_key=key or uuid.uuid4().hex, id_type="fnr",
            national_id=national_id, first_name=first, last_name=last, phone="+4740600000",
            attendance=attendance,
            created_at=datetime(2026, 11, 30, 12, tzinfo=UTC).replace(tzinfo=None))


def load(public_id: str):
    from endpoint.storage.db import Booking, db

    with db.connection_context():
        return Booking.get(Booking.public_id == public_id)


def patient_form(csrf: str, **overrides) -> dict[str, str]:
    form = {"csrf": csrf, "calendar": "hansen", "type": "konsultasjon", "date": DAY,
            "time": "08:20", "id_type": "fnr", "national_id": "151086 95088",
            "first_name": "Ola", "last_name": "Nordmann", "phone": "412 34 567", "email": "",
            "note": "Ringte inn", "notify": "1", "q": ""}
    form.update(overrides)
    return form


# -- the day --------------------------------------------------------------------------------

def test_a_free_slot_links_to_the_form_with_its_calendar_time_and_types(client):
    page = soup(client.get(f"{BASE}/calendar?date={DAY}"))
    free = page.select_one(".col.is-picked .free")
    query = parse_qs(urlsplit(free["href"]).query)
    assert urlsplit(free["href"]).path == f"{BASE}/bookings/new"
    assert query["calendar"] == ["hansen"] and query["date"] == [DAY]
    assert query["time"] == ["08:00"] and query["types"] == ["konsultasjon,samtale"]
    form = soup(client.get(free["href"]))
    assert form.select_one("#calendar option[selected]")["value"] == "hansen"
    assert form.select_one("#time")["value"] == "08:00"
    offered = [o["value"] for o in form.select('#type optgroup[label="Luken tilbyr"] option')]
    assert offered == ["konsultasjon", "samtale"]


def test_empty_time_outside_the_blocks_opens_the_form_asking_to_confirm(client):
    page = soup(client.get(f"{BASE}/calendar?date={DAY}"))
    gaps = page.select(".col.is-picked .gap")
    lunch = next(g for g in gaps if "time=11:00" in g["href"])  # 11:00-11:30, between blocks
    assert "outside=1" in lunch["href"] and lunch["tabindex"] == "-1"
    form = soup(client.get(lunch["href"]))
    assert form.select_one("input[name=outside]") is not None


def test_one_calendar_at_a_time_on_a_phone_by_the_picker(client):
    page = soup(client.get(f"{BASE}/calendar?date={DAY}&cal=berg"))
    picks = page.select(".calpick a")
    assert [a.get_text(" ", strip=True).rsplit(" ", 1)[0] for a in picks] == [
        "Kari Hansen", "Ole Berg", "Sykepleiertjenesten"]
    assert page.select_one(".calpick a[aria-current]").get_text().startswith("Ole Berg")
    assert page.select_one(".col.is-picked h2").get_text().startswith("Ole Berg")
    listed = soup(client.get(f"{BASE}/calendar?date={DAY}&cal=berg&view=list"))
    assert listed.select_one(".agenda.is-picked h2").get_text().startswith("Ole Berg")


def test_five_minute_appointments_switch_the_day_to_the_finer_scale(client):
    booking_row(oslo(8, 0), 5, calendar="sykepleier")
    page = soup(client.get(f"{BASE}/calendar?date={DAY}"))
    assert "grid--fine" in page.select_one(".grid")["class"]
    listed = soup(client.get(f"{BASE}/calendar?date={DAY}&view=list"))
    assert "08:00–08:05" in listed.select_one(".ag--booking").get_text()


def test_blocks_and_conflicts_show_on_the_day_in_their_own_kind_of_box(client):
    booking = booking_row(oslo(9, 0))
    csrf = staff_csrf(client, SLUG)
    refused = client.post(f"{BASE}/blocks/new", data={
        "csrf": csrf, "calendar": "hansen", "date": DAY, "start": "09:00", "end": "10:00",
        "reason": "Fagmøte"})
    assert refused.status_code == 409
    listed = soup(refused)
    assert "Per Hansen" in listed.select_one(".alert").get_text()
    assert listed.select_one("input[name=allow_conflicts]") is not None
    done = client.post(f"{BASE}/blocks/new", data={
        "csrf": csrf, "calendar": "hansen", "date": DAY, "start": "09:00", "end": "10:00",
        "reason": "Fagmøte", "allow_conflicts": "1"})
    assert done.status_code == 303 and "done=blocked" in done.headers["Location"]
    page = soup(client.get(f"{BASE}/calendar?date={DAY}"))
    assert "Fagmøte" in page.select_one(".sblock").get_text()
    card = page.select_one(f"#bk-{booking.public_id}")
    assert "booking--conflict" in card["class"]
    links = {a.get_text(strip=True): a["href"] for a in card.select(".pop__link")}
    assert links["Flytt"].endswith("#flytt")
    assert "cancel=clinic" in links["Avbestill og gi beskjed"]
    conflicts = soup(client.get(f"{BASE}/conflicts"))
    item = conflicts.select_one(".conflict")
    assert "Per Hansen" in item.get_text() and "blokkering" in item.get_text()
    block_url = page.select_one(".sblock")["href"]
    removed = client.post(f"{block_url}/delete", data={"csrf": csrf})
    assert removed.status_code == 303
    assert not soup(client.get(f"{BASE}/calendar?date={DAY}")).select(".sblock")
    assert soup(client.get(f"{BASE}/conflicts")).select_one(".empty")


def test_blokker_tid_in_the_bar_takes_the_day_being_viewed(client):
    booking = booking_row(oslo(9, 0))
    for path in (f"calendar?date={DAY}", f"week?date={DAY}", f"bookings/{booking.public_id}",
                 f"bookings/{booking.public_id}/log"):
        link = soup(client.get(f"{BASE}/{path}")).find("a", string="Blokker tid")
        form = soup(client.get(link["href"]))
        assert form.select_one("#date")["value"] == DAY, path


def test_konflikter_in_the_bar_shows_how_many_there_are(client):
    booking_row(oslo(9, 0))
    booking_row(oslo(9, 20), first="Kari", last="Nordmann")
    before = soup(client.get(f"{BASE}/waitlist")).select_one(".menu a[href$=conflicts]")
    client.post(f"{BASE}/blocks/new", data={
        "csrf": staff_csrf(client, SLUG), "calendar": "hansen", "date": DAY, "start": "09:00",
        "end": "10:00", "reason": "Fagmøte", "allow_conflicts": "1"})
    after = soup(client.get(f"{BASE}/waitlist")).select_one(".menu a[href$=conflicts]")
    assert (before.get_text(" ", strip=True), after.get_text(" ", strip=True)) == (
        "Konflikter", "Konflikter 2")


def test_the_week_has_every_calendar_and_day_and_links_them(client):
    booking_row(oslo(9, 0))
    page = soup(client.get(f"{BASE}/week?date={DAY}"))
    assert [th.get_text(strip=True) for th in page.select(".wk thead th")][1:] == [
        "Man 30.11.", "Tir 1.12.", "Ons 2.12.", "Tor 3.12.", "Fre 4.12.", "Lør 5.12.",
        "Søn 6.12."]
    rows = page.select(".wk tbody tr")
    assert [r.th.get_text(" ", strip=True).split(" ")[0] for r in rows] == [
        "Kari", "Ole", "Sykepleiertjenesten"]
    thursday = rows[0].select("td")[3]
    assert "1 time" in thursday.get_text() and "ledige" in thursday.get_text()
    assert thursday.a["href"] == f"{BASE}/calendar?date={DAY}&cal=hansen"
    nav = {a.get("rel", [""])[0]: a["href"] for a in page.select(".daynav a[rel]")}
    assert nav["prev"].endswith("date=2026-11-23") and nav["next"].endswith("date=2026-12-07")
    assert len(page.select(".wk-narrow .wk-cal")) == 3  # the phone's layout


def test_the_week_lists_each_days_appointments_with_time_short_name_and_type(client):
    booking = booking_row(oslo(9, 0), first="Nora", last="Lie")
    booking_row(oslo(8, 0), first="Per", last="Hansen")
    thursday = soup(client.get(f"{BASE}/week?date={DAY}")).select(".wk tbody tr")[0].select(
        "td")[3]
    assert [(a.get_text(" ", strip=True), a["href"])
            for a in thursday.select(".wk__appts a")][1] == (
        "09:00 Nora L. Konsultasjon", f"{BASE}/bookings/{booking.public_id}")


def test_a_past_day_in_the_week_counts_no_free_slots(client):
    monday, tuesday = soup(client.get(f"{BASE}/week?date={DAY}")).select(
        ".wk tbody tr")[0].select("td")[:2]  # the clock stands at Tuesday 07:00
    assert (len(monday.select(".wk__free")), len(tuesday.select(".wk__free"))) == (0, 1)


# -- booking for a patient -------------------------------------------------------------------

def test_booking_for_a_phone_patient_goes_to_the_day_and_is_not_self_booked(client):
    csrf = staff_csrf(client, SLUG)
    done = client.post(f"{BASE}/bookings/new", data=patient_form(csrf))
    assert done.status_code == 303
    query = parse_qs(urlsplit(done.headers["Location"]).query)
    booking = load(query["booking"][0])
    assert (booking.self_booked, booking.calendar, booking.booked_by) == (False, "hansen",
                                                                          "staff:kari")
    assert (booking.national_id, booking.phone, booking.email) == (NID, "+4741234567", "")
    day = soup(client.get(done.headers["Location"]))
    assert "er bestilt" in day.select_one(".notice").get_text()
    assert "booking--staff" in day.select_one(f"#bk-{booking.public_id}")["class"]


def test_field_errors_are_norwegian_next_to_their_fields_and_keep_what_was_typed(client):
    csrf = staff_csrf(client, SLUG)
    response = client.post(f"{BASE}/bookings/new", data=patient_form(
        csrf, national_id="15108695089", phone="5512", first_name="", email="ola@"))
    assert response.status_code == 422
    page = soup(response)
    errors = {p["id"]: p.get_text() for p in page.select(".field-error")}
    assert errors["national_id-error"] == ("Kontrollsifrene stemmer ikke. Sjekk at nummeret "
                                           "er riktig skrevet.")
    assert errors["first_name-error"] == "Må fylles ut."
    assert "mobilnummer" in errors["phone-error"]
    assert "e-postadresse" in errors["email-error"]
    assert page.select_one("#national_id")["aria-invalid"] == "true"
    assert page.select_one("#national_id")["value"] == "15108695089"
    assert page.select_one("#last_name")["value"] == "Nordmann"
    assert page.select_one("#note").get_text() == "Ringte inn"


def test_a_stale_page_says_the_slot_was_taken_keeps_everything_and_offers_free_times(client):
    booking_row(oslo(8, 20), first="Rask")
    csrf = staff_csrf(client, SLUG)
    response = client.post(f"{BASE}/bookings/new", data=patient_form(csrf))
    assert response.status_code == 409
    page = soup(response)
    assert "ikke ledig lenger" in page.select_one("#form-notice").get_text()
    assert page.select_one("#first_name")["value"] == "Ola"
    assert page.select_one("#national_id")["value"] == "151086 95088"
    offered = [b["value"] for b in page.select("button[name=alt_time]")]
    assert "08:40" in offered and "08:20" not in offered  # the block's 40-minute cells
    done = client.post(f"{BASE}/bookings/new", data={**patient_form(csrf), "alt_time": "08:40"})
    assert done.status_code == 303
    booked = load(parse_qs(urlsplit(done.headers["Location"]).query)["booking"][0])
    assert booked.start == oslo(8, 40).astimezone(UTC).replace(tzinfo=None)


def test_outside_the_schedule_needs_the_explicit_confirmation(client):
    csrf = staff_csrf(client, SLUG)
    refused = client.post(f"{BASE}/bookings/new", data=patient_form(csrf, time="11:05"))
    assert refused.status_code == 409
    page = soup(refused)
    assert "utenfor arbeidsplanen" in page.select_one("#form-notice").get_text()
    assert page.select_one("input[name=outside]") is not None
    done = client.post(f"{BASE}/bookings/new", data=patient_form(csrf, time="11:05",
                                                                 outside="1"))
    assert done.status_code == 303
    booked = load(parse_qs(urlsplit(done.headers["Location"]).query)["booking"][0])
    assert booked.outside_schedule


def test_search_finds_a_returning_patient_shows_no_shows_and_picking_prefills(client):
    from endpoint.services.keys import patient_key

    key = patient_key("test-secret-key", NID)  # the app's secret in these tests
    booking_row(oslo(8, 0, "2026-11-20"), key=key, first="Nora", last="Lie",
                attendance="no_show")
    csrf = staff_csrf(client, SLUG)
    form = patient_form(csrf, national_id="", first_name="", last_name="", phone="",
                        note="", q=NID)
    found = client.post(f"{BASE}/bookings/new/search", data=form)
    page = soup(found)
    result = page.select_one(".result")
    assert "Nora Lie" in result.get_text() and "151086 *****" in result.get_text()
    assert "1 ikke møtt" in result.select_one(".noshow").get_text()
    assert NID not in page.select_one(".results").get_text()  # only in the box, as typed
    assert result.select_one("button[name=pick]")["value"] == key
    picked = soup(client.post(f"{BASE}/bookings/new/search", data={**form, "pick": key}))
    assert picked.select_one("#first_name")["value"] == "Nora"
    assert picked.select_one("#phone")["value"] == "+4740600000"
    assert "1 ikke møtt" in picked.select_one("#picked").get_text()
    assert picked.select_one("#national_id") is None  # booked on the number the clinic has
    data = {**form, "q": "", "patient": key, "first_name": "Nora", "last_name": "Lie",
            "phone": "+4740600000", "id_type": "fnr"}
    done = client.post(f"{BASE}/bookings/new", data=data)
    assert done.status_code == 303
    booked = load(parse_qs(urlsplit(done.headers["Location"]).query)["booking"][0])
    assert booked.national_id == NID and booked.first_name == "Nora"


def test_a_short_search_says_so_next_to_the_box(client):
    csrf = staff_csrf(client, SLUG)
    page = soup(client.post(f"{BASE}/bookings/new/search", data=patient_form(csrf, q="a")))
    assert page.select_one("#q-error") is not None
    assert page.select_one("#first_name")["value"] == "Ola"


# -- finding a patient from the top bar -------------------------------------------------------

def _returning_patient():
    """Nora Lie: a no-show on Friday 20 November, an appointment on Thursday 3 December at
    09:00, one cancelled; another patient beside her."""
    from endpoint.services.keys import patient_key

    key = patient_key("test-secret-key", NID)  # the app's secret in these tests
    past = booking_row(oslo(8, 0, "2026-11-20"), key=key, first="Nora", last="Lie",
                       attendance="no_show")
    ahead = booking_row(oslo(9, 0), key=key, first="Nora", last="Lie")
    cancelled = booking_row(oslo(10, 0), key=key, first="Nora", last="Lie")
    from endpoint.storage.db import Booking, db

    with db.connection_context():
        Booking.update(status="cancelled").where(Booking.id == cancelled.id).execute()
    booking_row(oslo(11, 0), first="Per", last="Hansen", national_id="01010150123")
    return key, past, ahead, cancelled


def find(client, q: str):
    return client.post(f"{BASE}/patients", data={"csrf": staff_csrf(client, SLUG), "q": q})


def test_every_page_has_a_patient_search_in_the_bar_that_posts(client):
    for path in ("calendar", "week", "conflicts", "waitlist", "bookings/new", "patients"):
        form = soup(client.get(f"{BASE}/{path}")).select_one("header form[role=search]")
        assert (form["method"], form["action"]) == ("post", f"{BASE}/patients"), path
        assert form.select_one("input[name=q]") is not None, path


def test_the_search_lists_a_patients_upcoming_appointments_with_links(client):
    _, _, ahead, _ = _returning_patient()
    patient = soup(find(client, NID)).select_one(".patient")
    upcoming = patient.select('ul[aria-label^="Kommende"] a')
    assert [(a.get_text(), a["href"]) for a in upcoming] == [
        ("Torsdag 3. desember 2026 kl. 09:00", f"{BASE}/bookings/{ahead.public_id}")]


def test_the_search_lists_past_and_cancelled_appointments_with_what_became_of_them(client):
    _, past, _, cancelled = _returning_patient()
    patient = soup(find(client, NID)).select_one(".patient")
    recent = [(li.a["href"], li.select_one(".appt__state").get_text())
              for li in patient.select('ul[aria-label^="Tidligere"] li')]
    assert recent == [(f"{BASE}/bookings/{cancelled.public_id}", "avbestilt"),
                      (f"{BASE}/bookings/{past.public_id}", "ikke møtt")]


def test_the_search_page_names_nobody_in_its_title(client):
    _returning_patient()
    page = soup(find(client, NID))
    assert page.select_one(".patient h2").get_text() == "Nora Lie"
    assert page.title.get_text() == "Finn pasient · Fjordlegene legesenter · ledig"


def test_every_search_from_the_bar_is_in_the_access_log(app, client):
    from endpoint.services.access import FOUND_IN_SEARCH, accesses
    from endpoint.storage.db import db

    key, *_ = _returning_patient()
    find(client, NID)
    find(client, "Nora")  # not in the blind index (these rows were not indexed): none found
    with db.connection_context():
        rows = accesses(SLUG, key)
        searches = db.execute_sql("SELECT actor, kind FROM patient_search ORDER BY id").fetchall()
    assert [(r.actor, r.action) for r in rows] == [("staff:kari", FOUND_IN_SEARCH)]
    assert [tuple(s) for s in searches] == [("staff:kari", "national_id"),
                                            ("staff:kari", "name")]


def test_a_search_in_the_address_bar_searches_nothing(client):
    _returning_patient()
    page = soup(client.get(f"{BASE}/patients", query_string={"q": NID}))
    assert page.select_one(".patient") is None and page.select_one("#find-q")["value"] == ""


def test_a_short_search_from_the_bar_says_so_next_to_the_box(client):
    response = find(client, "a")
    assert response.status_code == 422
    assert soup(response).select_one("#find-q-error").get_text() == "Skriv minst 2 tegn."


# -- a booking's page --------------------------------------------------------------------------

def test_move_to_another_calendar_keeps_the_id_and_refuses_an_overlap(client):
    booking = booking_row(oslo(9, 0))
    booking_row(oslo(9, 20), calendar="berg", first="Opptatt")
    url = f"{BASE}/bookings/{booking.public_id}"
    csrf = staff_csrf(client, SLUG)
    clash = client.post(f"{url}/move", data={"csrf": csrf, "date": DAY, "time": "09:20",
                                             "calendar": "berg", "notify": "1"})
    assert clash.status_code == 409
    assert "ikke ledig lenger" in soup(clash).select_one("#move-error").get_text()
    assert soup(clash).select_one("#move-time")["value"] == "09:20"
    moved = client.post(f"{url}/move", data={"csrf": csrf, "date": DAY, "time": "10:00",
                                             "calendar": "berg", "notify": "1"})
    assert moved.status_code == 303 and "done=moved" in moved.headers["Location"]
    row = load(booking.public_id)
    assert (row.calendar, row.start) == ("berg", oslo(10).astimezone(UTC).replace(tzinfo=None))
    log = soup(client.get(f"{url}/log"))
    assert "Flyttet fra Kari Hansen" in log.select_one(".log").get_text()
    assert "til Ole Berg" in log.select_one(".log").get_text()


def test_the_move_form_offers_the_free_times_of_the_day_but_its_own(client):
    booking = booking_row(oslo(8, 0))  # Kari Hansen's 08:00–11:00 block: 40-minute slots
    page = soup(client.get(f"{BASE}/bookings/{booking.public_id}"))
    offered = [b["value"] for b in page.select("#flytt button[name=alt_time]")]
    assert offered[:3] == ["08:40", "09:20", "10:00"]


def test_a_free_time_of_the_move_form_moves_there(client):
    booking = booking_row(oslo(8, 0))
    moved = client.post(f"{BASE}/bookings/{booking.public_id}/move", data={
        "csrf": staff_csrf(client, SLUG), "date": DAY, "time": "08:00", "calendar": "hansen",
        "alt_time": "09:20"})
    assert (moved.status_code, load(booking.public_id).start) == (
        303, oslo(9, 20).astimezone(UTC).replace(tzinfo=None))


def test_a_move_between_the_slots_is_asked_about_first(client):
    booking = booking_row(oslo(9, 20))
    asked = client.post(f"{BASE}/bookings/{booking.public_id}/move", data={
        "csrf": staff_csrf(client, SLUG), "date": DAY, "time": "08:10", "calendar": "hansen"})
    page = soup(asked)
    assert (asked.status_code, page.select_one("#move-error").get_text(),
            page.select_one("input[name=off_grid]") is not None,
            load(booking.public_id).start) == (
        409, "Kl. 08:10 ligger mellom lukene i arbeidsplanen, så tiden rundt blir stående "
             "ubrukt. Velg en av de ledige tidene, eller kryss av for å flytte likevel.",
        True, oslo(9, 20).astimezone(UTC).replace(tzinfo=None))


def test_a_move_between_the_slots_is_made_when_confirmed(client):
    booking = booking_row(oslo(9, 20))
    moved = client.post(f"{BASE}/bookings/{booking.public_id}/move", data={
        "csrf": staff_csrf(client, SLUG), "date": DAY, "time": "08:10", "calendar": "hansen",
        "off_grid": "1"})
    assert (moved.status_code, load(booking.public_id).start) == (
        303, oslo(8, 10).astimezone(UTC).replace(tzinfo=None))


def test_type_note_attendance_and_the_log(app, clock):
    booking = booking_row(oslo(8, 0, "2026-12-01"))  # today, 08:00
    clock.advance(minutes=45)  # 07:45: the patient may be marked arrived
    client = _client(app)
    url = f"{BASE}/bookings/{booking.public_id}"
    csrf = staff_csrf(client, SLUG)
    # a short consultation is not offered in the 08:00 block: outside the schedule
    refused = client.post(f"{url}/type", data={"csrf": csrf, "type": "kort"})
    assert refused.status_code == 409 and soup(refused).select_one("input[name=outside]")
    assert client.post(f"{url}/type", data={"csrf": csrf, "type": "samtale"}).status_code == 303
    assert client.post(f"{url}/note", data={"csrf": csrf, "note": "Tolk"}).status_code == 303
    arrived = client.post(f"{url}/attendance", data={"csrf": csrf, "attendance": "arrived"})
    assert arrived.status_code == 303
    page = soup(client.get(arrived.headers["Location"]))
    assert "har møtt" in page.select_one(".notice").get_text()
    row = load(booking.public_id)
    assert (row.type, row.note, row.attendance) == ("samtale", "Tolk", "arrived")
    text = page.select_one(".log").get_text(" ")
    assert "Timetype endret fra Konsultasjon til Samtaletime" in text
    assert "Notat endret" in text and "Oppmøte: Møtt" in text
    assert client.post(f"{url}/attendance", data={"csrf": csrf, "attendance": "late"}
                       ).status_code == 422


def test_a_future_appointment_has_no_attendance_buttons_but_says_when_they_come(client):
    booking = booking_row(oslo(9, 0))  # Thursday; the clock stands at Tuesday 07:00
    page = soup(client.get(f"{BASE}/bookings/{booking.public_id}"))
    assert page.select("button[name=attendance]") == []
    assert page.select_one("#att-when").get_text() == (
        "Oppmøte kan registreres når timen nærmer seg: «Møtt» fra kl. 08:45, «Ikke møtt» "
        "fra kl. 09:00.")


def test_a_no_show_posted_before_the_start_is_refused_in_norwegian(client):
    booking = booking_row(oslo(9, 0))
    refused = client.post(f"{BASE}/bookings/{booking.public_id}/attendance",
                          data={"csrf": staff_csrf(client, SLUG), "attendance": "no_show"})
    assert (refused.status_code, soup(refused).select_one("#attendance-error").get_text()) == (
        409, "Timen har ikke begynt ennå. «Møtt» kan registreres fra 15 minutter før timen, "
             "«Ikke møtt» først når timen har begynt.")


def test_cancel_as_the_patient_asked_needs_no_reason_and_is_logged(client):
    booking = booking_row(oslo(9, 0))
    url = f"{BASE}/bookings/{booking.public_id}"
    csrf = staff_csrf(client, SLUG)
    done = client.post(f"{url}/cancel", data={"csrf": csrf, "initiated_by": "patient",
                                              "reason": "", "notify": "1"})
    assert done.status_code == 303
    row = load(booking.public_id)
    assert (row.status, row.cancelled_by) == ("cancelled", "patient")
    assert "pasienten ba om det" in soup(client.get(f"{url}/log")).select_one(".log").get_text()


def test_the_cancel_link_of_a_conflict_preselects_the_clinic(client):
    booking = booking_row(oslo(9, 0))
    page = soup(client.get(f"{BASE}/bookings/{booking.public_id}?cancel=clinic"))
    assert page.select_one("input[name=initiated_by][checked]")["value"] == "clinic"


def test_reveal_is_written_to_the_log_without_the_number(client):
    booking = booking_row(oslo(9, 0))
    url = f"{BASE}/bookings/{booking.public_id}"
    shown = client.post(f"{url}/reveal", data={"csrf": staff_csrf(client, SLUG)})
    assert NID in shown.get_data(as_text=True)
    log = client.get(f"{url}/log").get_data(as_text=True)
    assert "Fødselsnummeret ble vist" in log and NID not in log


def test_the_logs_times_are_html_datetimes_to_the_second(client, clock):
    booking = booking_row(oslo(9, 0))
    url = f"{BASE}/bookings/{booking.public_id}"
    csrf = staff_csrf(client, SLUG)
    clock.advance(seconds=5, microseconds=123456)  # 07:00:05.123456 in Oslo
    assert client.post(f"{url}/note", data={"csrf": csrf, "note": "Tolk"}).status_code == 303
    times = [t["datetime"] for t in soup(client.get(f"{url}/log")).select(".log time")]
    assert times == ["2026-12-01T07:00:05+01:00"]


# -- every page ----------------------------------------------------------------------------------

def test_waitlist_and_conflicts_say_when_they_are_empty(client):
    assert "Ingen pasienter står på venteliste" in client.get(f"{BASE}/waitlist").get_data(
        as_text=True)
    assert soup(client.get(f"{BASE}/conflicts")).select_one(".empty")


def test_every_page_has_the_navigation_a_main_landmark_and_norwegian(client):
    booking = booking_row(oslo(9, 0))
    for path in ("calendar", "week", "conflicts", "waitlist", "bookings/new", "blocks/new",
                 f"bookings/{booking.public_id}", f"bookings/{booking.public_id}/log",
                 "patients"):
        page = soup(client.get(f"{BASE}/{path}"))
        assert page.html["lang"] == "nb", path
        assert page.find("main", id="main") is not None, path
        nav = [a.get_text(strip=True) for a in page.select(".menu a")]
        assert nav == ["Dag", "Uke", "Konflikter", "Venteliste", "Ny time", "Blokker tid"]
        assert page.select_one("form.session button").get_text() == "Logg ut"
        for form in page.select("form[method=post]"):
            assert form.find("input", {"name": "csrf"})["value"], (path, form.get("action"))


def test_no_page_that_shows_a_patient_names_them_in_its_title(client):
    """A title lands in the browser's history, its tabs and its window list."""
    booking = booking_row(oslo(9, 0), first="Nora", last="Lie", key="nora")
    booking_row(oslo(10, 0), first="Sofie", last="Moen", national_id="01010150123")
    csrf = staff_csrf(client, SLUG)
    url = f"{BASE}/bookings/{booking.public_id}"
    pages = {
        "day": client.get(f"{BASE}/calendar?date={DAY}"),
        "list": client.get(f"{BASE}/calendar?date={DAY}&view=list"),
        "week": client.get(f"{BASE}/week?date={DAY}"),
        "booking": client.get(url),
        "log": client.get(f"{url}/log"),
        "revealed": client.post(f"{url}/reveal", data={"csrf": csrf}),
        "picked": client.post(f"{BASE}/bookings/new/search",
                              data=patient_form(csrf, pick="nora")),
        "found": find(client, NID),
        "conflicts": client.get(f"{BASE}/conflicts"),
    }
    titles = {name: soup(r).title.get_text() for name, r in pages.items()}
    assert soup(pages["booking"]).h1.get_text() == "Nora Lie"  # the page does show her
    named = {name: t for name, t in titles.items()
             if any(word in t for word in ("Nora", "Lie", "Sofie", "Moen"))}
    assert named == {}


def test_another_clinics_staff_get_404_on_every_page(app):
    booking = booking_row(oslo(9, 0))
    other = _client(app, OTHER, "ola")
    csrf = staff_csrf(other, OTHER)
    # a browser would not send ola's cookie here (its path is /staff/annen/); a script may
    cookie = other.get_cookie("ledig_staff", path=f"/staff/{OTHER}/").value
    intruder = app.test_client()
    intruder.set_cookie("ledig_staff", cookie, path="/")
    for path in ("calendar", "week", "conflicts", "waitlist", "bookings/new", "blocks/new",
                 f"bookings/{booking.public_id}", f"bookings/{booking.public_id}/log",
                 "patients"):
        assert intruder.get(f"{BASE}/{path}").status_code == 404, path
    for path in ("bookings/new", f"bookings/{booking.public_id}/cancel",
                 f"bookings/{booking.public_id}/move", "blocks/new", "patients"):
        assert intruder.post(f"{BASE}/{path}", data={"csrf": csrf}).status_code == 404, path
    # the id of their booking under their own clinic is nobody's
    assert other.get(f"/staff/{OTHER}/bookings/{booking.public_id}").status_code == 404
    assert load(booking.public_id).status == "active"


def test_a_form_without_its_token_is_refused(client):
    booking = booking_row(oslo(9, 0))
    for path in ("bookings/new", f"bookings/{booking.public_id}/cancel", "blocks/new",
                 f"bookings/{booking.public_id}/attendance", "patients"):
        assert client.post(f"{BASE}/{path}", data={"attendance": "arrived"}).status_code == 403
    assert load(booking.public_id).attendance == ""


JUNK = ["", "x" * 5000, "\x00", "<script>alert(1)</script>", "2026-02-30", "25:99", "٠٨:٠٠",
        "9999-12-31", "0001-01-01", "-1", "1e9"]


@pytest.mark.parametrize("value", JUNK)
def test_bad_input_never_fails_a_page(client, value):
    booking = booking_row(oslo(9, 0))
    csrf = staff_csrf(client, SLUG)
    url = f"{BASE}/bookings/{booking.public_id}"
    codes = [
        client.get(f"{BASE}/calendar", query_string={"date": value, "cal": value}).status_code,
        client.get(f"{BASE}/week", query_string={"date": value}).status_code,
        client.get(f"{BASE}/bookings/new", query_string={k: value for k in (
            "calendar", "date", "time", "type", "types", "patient")}).status_code,
        client.post(f"{BASE}/bookings/new", data=patient_form(
            csrf, date=value, time=value, calendar=value, national_id=value)).status_code,
        client.post(f"{BASE}/bookings/new/search", data=patient_form(csrf, q=value)).status_code,
        client.post(f"{BASE}/bookings/new/search", data=patient_form(csrf, pick=value)
                    ).status_code,
        client.post(f"{BASE}/patients", data={"csrf": csrf, "q": value}).status_code,
        client.post(f"{url}/move", data={"csrf": csrf, "date": value, "time": value,
                                         "calendar": value}).status_code,
        client.post(f"{url}/type", data={"csrf": csrf, "type": value}).status_code,
        client.post(f"{url}/note", data={"csrf": csrf, "note": value}).status_code,
        client.post(f"{BASE}/blocks/new", data={"csrf": csrf, "calendar": "hansen",
                                                "date": value, "start": value, "end": value,
                                                "end_date": value}).status_code,
        client.get(f"{BASE}/blocks/{value or 'x'}").status_code,
    ]
    assert all(code < 500 for code in codes), codes
    for response in (client.get(f"{BASE}/calendar", query_string={"date": value}),):
        assert "<script>alert" not in response.get_data(as_text=True)
    assert re.fullmatch(r"[0-9a-f]{32}", booking.public_id)


# -- a refused clinic file -----------------------------------------------------------------

def test_a_refused_change_of_the_clinic_file_is_a_banner_naming_the_file_and_the_error(
        client, content_dir):
    path = content_dir / "clinics" / f"{SLUG}.yaml"
    path.write_text(path.read_text().replace("timezone: Europe/Oslo", "timezone: Europe/Osl"))
    banner = soup(client.get(f"{BASE}/calendar?date={DAY}")).select_one("#refused-file")
    line = path.read_text().splitlines().index("timezone: Europe/Osl") + 1
    assert [li.text for li in banner.select("li")] == [
        f"{SLUG}.yaml:{line}: timezone: 'Europe/Osl' is not an IANA timezone name; use e.g. "
        "Europe/Oslo."]


def test_another_clinics_refused_file_is_not_shown(client, content_dir):
    path = content_dir / "clinics" / f"{OTHER}.yaml"
    path.write_text(path.read_text().replace("timezone: Europe/Oslo", "timezone: Europe/Osl"))
    assert soup(client.get(f"{BASE}/calendar?date={DAY}")).select_one("#refused-file") is None
