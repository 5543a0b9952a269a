"""`sitegen check` end to end, as a subprocess: exit codes, errors with file:line: key, reasons.

On the demo content it exits 0 and lists the bookable calendar/type pairs and
why the staff-only type is not bookable; on a folder of broken clinic files it
exits 1 and names file:line: key for every error of every file; on a valid
clinic with unbookable pairs it prints each reason (calendar offline, type
offline, type in no online block, every block closed in the window, every slot
before the deadline, type offered by no calendar).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def check(content: Path | str) -> subprocess.CompletedProcess:
    return subprocess.run(
        # --database none: a var/ledig.sqlite3 left by `make demo` is not this test's
        [sys.executable, "-m", "sitegen", "check", "--content", str(content), "--database",
         "none"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / "clinics" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo() -> subprocess.CompletedProcess:
    return check(ROOT / "content")


def test_demo_content_is_valid(demo):
    assert demo.returncode == 0, demo.stderr
    assert demo.stderr == ""
    assert demo.stdout.startswith("fjordlegene: Fjordlegene legesenter  [TEST MODE]\n")


@pytest.mark.parametrize("pair", [
    "Kari Hansen / Konsultasjon",
    "Kari Hansen / Kort konsultasjon",
    "Kari Hansen / Samtaletime",
    "Ole Berg / Konsultasjon",
    "Ole Berg / Kort konsultasjon",
    "Ole Berg / Samtaletime",
    "Sykepleiertjenesten / Influensavaksine",
    "Sykepleiertjenesten / Blodprøve",
])
def test_demo_lists_the_bookable_pairs(demo, pair):
    lines = [ln for ln in demo.stdout.splitlines() if f" {pair}:" in ln]
    assert len(lines) == 1, demo.stdout
    assert lines[0].startswith("  ok    ")
    assert " slots, first 20" in lines[0]


def test_demo_says_why_the_staff_only_type_is_not_online(demo):
    line = next(ln for ln in demo.stdout.splitlines() if "Reseptfornyelse" in ln)
    assert line.startswith("  no    Ole Berg / Reseptfornyelse (kun personale): ")
    assert "the type is not online" in line
    assert "  8 of 9 calendar/type pairs bookable online\n" in demo.stdout
    assert "  ok    link influensa (http://127.0.0.1:8000/fjordlegene/influensa/): " in demo.stdout


BROKEN = {
    "adresse.yaml": ("""
        name: Adresse
        adress: Strandkaien 2
        calendars: []
        appointment_types: []
        """, [(2, "adress"), (3, "calendars"), (4, "appointment_types")]),
    "blokker.yaml": ("""
        name: Blokker
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - {start: "08:00", end: "10:00", types: [kons]}
                - {start: "09:30", end: "11:00", types: [kons, vaksine]}
            exceptions:
              - {from: 2027-07-23, to: 2027-07-05, closed: true}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20, dialog: hei}
        """, [(8, "calendars.lege.week.mon"), (8, "calendars.lege.week.mon[1].types"),
              (10, "calendars.lege.exceptions[0].to"), (12, "appointment_types.kons.dialog")]),
    "syntaks.yaml": ("""
        name: Syntaks
        calendars:
          - id: lege
            name: Lege: Kari
        """, [(4, "(yaml)")]),
    "latin1.yaml": ("name: Legesenteret på Ås\n".encode("latin-1"), [(1, "(file)")]),
    "tom.yaml": ("", [(1, "(file)")]),
    "Stor_Bokstav.yaml": ("""
        name: Feil filnavn
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """, [(1, "(file name)")]),
}


def test_broken_clinics_exit_1_and_name_every_error(tmp_path):
    for name, (text, _) in BROKEN.items():
        write(tmp_path, name, text)
    result = check(tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith(str(tmp_path))]
    want = [f"{tmp_path / 'clinics' / name}:{line}: {key}: "
            for name, (_, issues) in sorted(BROKEN.items()) for line, key in issues]
    for prefix in want:
        assert sum(ln.startswith(prefix) for ln in errors) == 1, (prefix, result.stderr)
    assert len(errors) == len(want), result.stderr
    assert f"{len(want)} error(s)" in result.stderr


def test_one_broken_clinic_fails_the_whole_check(tmp_path):
    write(tmp_path, "fjordlegene.yaml", (ROOT / "content/clinics/fjordlegene.yaml").read_bytes())
    write(tmp_path, "adresse.yaml", BROKEN["adresse.yaml"][0])
    result = check(tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path / 'clinics' / 'adresse.yaml'}:2: adress: unknown key" in result.stderr
    assert "fjordlegene" not in result.stderr


def test_a_folder_without_clinics_is_an_error(tmp_path):
    (tmp_path / "clinics").mkdir()
    result = check(tmp_path)
    assert result.returncode == 1
    assert "no clinic files" in result.stderr


REASONS = """
    name: Grunnklinikken
    online: {days_ahead: 14, closed_on_public_holidays: false}
    tracking: {ga_measurement_id: UA-1234567-1}
    calendars:
      - id: stengt
        name: Stengt kalender
        week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
      - id: intern
        name: Intern kalender
        online: true
        week: {tue: [{start: "08:00", end: "10:00", types: [kons], online: false}]}
      - id: ferie
        name: Ferie kalender
        online: true
        week: {mon: &dag [{start: "08:00", end: "10:00", types: [kons]}], tue: *dag, wed: *dag,
               thu: *dag, fri: *dag, sat: *dag, sun: *dag}
        exceptions:
          - {from: 2000-01-01, to: 2099-12-31, closed: true, reason: Permisjon}
      - id: apen
        name: Åpen kalender
        online: true
        week: {mon: &alle [{start: "08:00", end: "10:00", types: [kons, lukket, snart]}],
               tue: *alle, wed: *alle, thu: *alle, fri: *alle, sat: *alle, sun: *alle}
    appointment_types:
      - {id: kons, name: Konsultasjon, duration: 20, online: true}
      - {id: lukket, name: Lukket type, duration: 20}
      - id: snart
        name: Snarttime
        duration: 20
        online: true
        online_rules: {days_ahead: 0, booking_deadline_hours: 24}
      - {id: ubrukt, name: Ubrukt type, duration: 20, online: true}
    """


def test_each_reason_is_printed(tmp_path):
    path = write(tmp_path, "grunner.yaml", REASONS)
    result = check(tmp_path)
    assert result.returncode == 0, result.stderr
    # the UA- id is a warning on stderr, not an error
    assert result.stderr.strip() == (
        f"{path}:3: tracking.ga_measurement_id: warning: 'UA-1234567-1' is a Universal "
        "Analytics id, which Google stopped processing in 2023; create a GA4 property and use "
        "its G-… measurement id.")
    lines = result.stdout.splitlines()
    assert lines[0] == "grunner: Grunnklinikken"

    def line(label: str) -> str:
        found = [ln for ln in lines if ln[8:].startswith(label + ":")]
        assert len(found) == 1, (label, result.stdout)
        return found[0]

    assert line("Stengt kalender / Konsultasjon").startswith("  no    ")
    assert "the calendar is not online" in line("Stengt kalender / Konsultasjon")
    assert "the type is in no online block" in line("Intern kalender / Konsultasjon")
    assert "no online block for it in the next 14 days" in line("Ferie kalender / Konsultasjon")
    assert line("Åpen kalender / Konsultasjon").startswith("  ok    ")
    assert "the type is not online" in line("Åpen kalender / Lukket type")
    assert "starts before the booking deadline of 24 hours" in line("Åpen kalender / Snarttime")
    assert "no calendar's schedule offers it" in line("Ubrukt type")
    assert lines[-1] == "  1 of 6 calendar/type pairs bookable online"


def test_booking_links_say_whether_they_have_free_slots(tmp_path):
    text = REASONS.replace('      - {id: ubrukt, name: Ubrukt type, duration: 20, online: true}\n',
                           '      - {id: ubrukt, name: Ubrukt type, duration: 20, online: true}\n'
                           '    booking_links:\n'
                           '      - {id: apen-lenke, title: Åpen, calendar: apen, type: kons}\n'
                           '      - {id: ferie-lenke, title: Ferie, calendar: ferie}\n')
    assert text != REASONS
    write(tmp_path, "grunner.yaml", text)
    result = check(tmp_path)
    assert result.returncode == 0, result.stderr
    links = [ln for ln in result.stdout.splitlines() if " link " in ln]
    assert len(links) == 2
    assert links[0].startswith("  ok    link apen-lenke (") and links[0].endswith(" slots")
    assert links[1].startswith("  no    link ferie-lenke (")


def test_check_says_when_the_built_pages_are_of_an_older_clinic_file(tmp_path):
    content = tmp_path / "content"
    import shutil
    shutil.copytree(ROOT / "content", content)
    site = tmp_path / "_site"
    built = subprocess.run([sys.executable, "-m", "sitegen", "build", "--content", str(content),
                            "--out", str(site)], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert built.returncode == 0, built.stderr

    def run() -> str:
        done = subprocess.run([sys.executable, "-m", "sitegen", "check", "--content",
                               str(content), "--site", str(site), "--database", "none"],
                              cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert f"ok    the pages in {site}/fjordlegene/ are built from this clinic file" in run()
    clinic = content / "clinics" / "fjordlegene.yaml"
    clinic.write_text(clinic.read_text().replace("price: 279", "price: 299", 1))
    out = run()
    assert f"no    the pages in {site}/fjordlegene/ are not built from this clinic file" in out
    assert "run `sitegen build`" in out
