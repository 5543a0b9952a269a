"""Validation of clinic files (README.md#content-format) through
`sitegen.content.load_clinic_bytes`.

Each case is a small clinic file. A line whose comment starts with `#!` is
where an error must be reported, and the words after it are the keys of the
errors on that line; the test compares the exact set of (file, line, key) of
all errors, so a case fails if an error is missed, misplaced or extra — and
files with several problems prove that all errors are reported at once.
"""

from __future__ import annotations

import textwrap
from datetime import time
from pathlib import Path

import pytest

from common.content import load_clinic_bytes

FILE = "test.yaml"
DEMO = Path(__file__).resolve().parents[2] / "content" / "clinics" / "fjordlegene.yaml"


def expected(text: str) -> set[tuple[str, int, str]]:
    """(file, line, key) for every '#! key …' marker in the file."""
    out = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if "#!" in line:
            for key in line.split("#!", 1)[1].split():
                out.add((FILE, number, key))
    return out


def load(text: str, slug: str = "test"):
    data = textwrap.dedent(text).lstrip("\n").encode("utf-8")
    return load_clinic_bytes(data, slug=slug, file=FILE)


def errors_of(text: str, slug: str = "test") -> set[tuple[str, int, str]]:
    clinic, issues = load(text, slug)
    errors = {(i.file, i.line, i.key) for i in issues if not i.warning}
    if errors:
        assert clinic is None
    return errors


def case(text: str):
    text = textwrap.dedent(text).lstrip("\n")
    return text


# A valid clinic every case varies; appointment types and calendars are small.
VALID = case("""
    name: Testklinikken
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon:
            - {start: "08:00", end: "10:00", types: [kons]}
    appointment_types:
      - id: kons
        name: Konsultasjon
        duration: 20
        online: true
    """)

CASES = {
    # -- unknown keys, at every level ------------------------------------------------
    "unknown key at the top": """
        name: Testklinikken
        adress: Strandkaien 2             #! adress
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "unknown key in tracking": """
        name: Testklinikken
        tracking:
          ga_id: G-ABC123DEF4             #! tracking.ga_id
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "unknown key in online": """
        name: Testklinikken
        online:
          days_ahed: 30                   #! online.days_ahed
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "unknown key in a calendar": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            titel: Fastlege               #! calendars[0].titel
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "unknown weekday": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon: [{start: "08:00", end: "10:00", types: [kons]}]
              tues: [{start: "08:00", end: "10:00", types: [kons]}]   #! calendars.lege.week.tues
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "unknown key in a block": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - start: "08:00"
                  end: "10:00"
                  types: [kons]
                  onlne: false            #! calendars.lege.week.mon[0].onlne
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "unknown key in an exception": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
            exceptions:
              - date: 2026-12-24
                closed: true
                reson: Julaften           #! calendars.lege.exceptions[0].reson
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "unknown key in an appointment type": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - id: kons
            name: Konsultasjon
            duration: 20
            pris: 350                     #! appointment_types[0].pris
        """,
    "unknown key in online_rules": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - id: kons
            name: Konsultasjon
            duration: 20
            online_rules:
              days: 60                    #! appointment_types.kons.online_rules.days
        """,
    "unknown key in a booking link": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            online: true
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20, online: true}
        booking_links:
          - id: time
            title: Time
            calender: lege                #! booking_links[0].calender
        """,
    # -- blocks ------------------------------------------------------------------------
    "overlapping blocks in a week day": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              tue:
                - {start: "08:00", end: "10:00", types: [kons]}
                - {start: "11:00", end: "12:00", types: [kons]}
                - {start: "09:40", end: "10:40", types: [kons]}   #! calendars.lege.week.tue
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "overlapping blocks in an exception day": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
            exceptions:
              - date: 2026-12-02
                blocks:
                  - {start: "08:00", end: "10:00", types: [kons]}
                  - start: "08:00"        #! calendars.lege.exceptions[0].blocks
                    end: "09:00"
                    types: [kons]
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "touching blocks are fine, one minute more overlaps": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - {start: "08:00", end: "10:00", types: [kons]}
                - {start: "10:00", end: "11:00", types: [kons]}
                - {start: "10:59", end: "12:00", types: [kons]}   #! calendars.lege.week.mon
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "unknown type in a block": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - start: "08:00"
                  end: "10:00"
                  types:
                    - kons
                    - vaksine             #! calendars.lege.week.mon[0].types
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "block shorter than a type's duration": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - {start: "08:00", end: "08:15", types: [kons]}   #! calendars.lege.week.mon[0]
                - {start: "09:00", end: "09:20", types: [kons]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "slot_minutes shorter than a type": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - start: "08:00"
                  end: "10:00"
                  types: [kons]
                  slot_minutes: 15        #! calendars.lege.week.mon[0].slot_minutes
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "end equal to start": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              wed:
                - start: "10:00"
                  end: "10:00"            #! calendars.lege.week.wed[0].end
                  types: [kons]
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "end before start": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              wed:
                - start: "10:00"
                  end: "09:00"            #! calendars.lege.week.wed[0].end
                  types: [kons]
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "bad time format": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - start: "8.30"           #! calendars.lege.week.mon[0].start
                  end: "25:00"            #! calendars.lege.week.mon[0].end
                  types: [kons]
                - start: "12:00"
                  end: noon               #! calendars.lege.week.mon[1].end
                  types: [kons]
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "missing start": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - end: "10:00"            #! calendars.lege.week.mon[0].start
                  types: [kons]
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    # -- clinic-wide values -----------------------------------------------------------
    "unknown timezone": """
        name: Testklinikken
        timezone: Europe/Bergen           #! timezone
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "bad language": """
        name: Testklinikken
        language: se                      #! language
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "missing name": """
        timezone: Europe/Oslo             #! name
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "bad tracking id": """
        name: Testklinikken
        tracking:
          ga_measurement_id: GA-12345     #! tracking.ga_measurement_id
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "tracking snippet with an event handler": """
        name: Testklinikken
        tracking:
          script: |
            <script src="https://plausible.io/js/script.js"></script>
            <img src="https://stats.example/p.gif" onerror="track()">   #! tracking.script
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "tracking snippet with a javascript: URL": """
        name: Testklinikken
        tracking: {script: '<a href="javascript:track()">x</a>'}   #! tracking.script
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    # -- duplicate ids ----------------------------------------------------------------
    "duplicate calendar ids": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
          - id: lege                      #! calendars[1].id
            name: Lege to
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "duplicate type ids": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
          - {id: kons, name: Konsultasjon lang, duration: 40}   #! appointment_types[1].id
        """,
    "duplicate link ids": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            online: true
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20, online: true}
        booking_links:
          - {id: time, title: Time}
          - {id: time, title: Time igjen}   #! booking_links[1].id
        """,
    # -- dialogs ----------------------------------------------------------------------
    "dialog referenced but not defined": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - id: kons
            name: Konsultasjon
            duration: 20
            dialog: velkomen              #! appointment_types.kons.dialog
        dialogs:
          velkommen: Hei {{ patient.first_name }}!
        """,
    "dialog template that does not parse": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20, dialog: velkommen}
        dialogs:
          velkommen: |                    #! dialogs.velkommen
            Hei {{ patient.first_name }!
            {% if booking %}Velkommen.
        """,
    # -- booking links ----------------------------------------------------------------
    "a booking link whose calendar never offers its type online": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            online: true
            week:
              mon:
                - {start: "08:00", end: "10:00", types: [kons]}
                - {start: "10:00", end: "11:00", types: [vaksine], online: false}
          - id: sykepleier
            name: Sykepleier
            online: true
            week: {mon: [{start: "08:00", end: "10:00", types: [vaksine]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20, online: true}
          - {id: vaksine, name: Vaksine, duration: 5, online: true}
        booking_links:
          - id: feil
            title: A
            calendar: lege
            type: vaksine                 #! booking_links.feil.type
          - {id: riktig, title: B, calendar: sykepleier, type: vaksine}
          - {id: bare-typen, title: C, type: vaksine}
        """,
    "booking links naming unknown or offline calendars and types": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            online: true
            week: {mon: [{start: "08:00", end: "10:00", types: [kons, resept]}]}
          - id: vikar
            name: Vikar
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20, online: true}
          - {id: resept, name: Resept, duration: 10}
        booking_links:
          - id: ukjent-kalender
            title: A
            calendar: hansen              #! booking_links.ukjent-kalender.calendar
          - id: stengt-kalender
            title: B
            calendar: vikar               #! booking_links.stengt-kalender.calendar
          - id: ukjent-type
            title: C
            type: vaksine                 #! booking_links.ukjent-type.type
          - id: stengt-type
            title: D
            type: resept                  #! booking_links.stengt-type.type
          - {id: ok, title: E, calendar: lege, type: kons}
        """,
    "reserved link ids": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            online: true
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20, online: true}
        booking_links:
          - {id: avbestill, title: Avbestill}   #! booking_links[0].id
          - {id: snippets, title: Snutter}      #! booking_links[1].id
          - {id: assets, title: Filer}          #! booking_links[2].id
          - {id: avbestilling, title: Ok}
        """,
    # -- exceptions -------------------------------------------------------------------
    "bad dates": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
            exceptions:
              - {date: 2026-13-01, closed: true}        #! calendars.lege.exceptions[0].date
              - {date: 2026-02-30, closed: true}        #! calendars.lege.exceptions[1].date
              - {date: "24.12.2026", closed: true}      #! calendars.lege.exceptions[2].date
              - {date: 2026-12-24T10:00:00, closed: true}   #! calendars.lege.exceptions[3].date
              - {from: 2027-07-05, to: snart, closed: true}  #! calendars.lege.exceptions[4].to
              - {date: 2026-12-31, closed: true}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "exception with neither date nor from/to": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
            exceptions:
              - {closed: true, reason: Kurs}           #! calendars.lege.exceptions[0]
              - {from: 2027-07-05, closed: true}       #! calendars.lege.exceptions[1]
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "exception with both date and from/to": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
            exceptions:
              - date: 2027-07-05          #! calendars.lege.exceptions[0]
                from: 2027-07-05
                to: 2027-07-09
                closed: true
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "from after to": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
            exceptions:
              - from: 2027-07-23
                to: 2027-07-05            #! calendars.lege.exceptions[0].to
                closed: true
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "closed and blocks": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
            exceptions:
              - date: 2026-12-02
                closed: true
                blocks:                   #! calendars.lege.exceptions[0]
                  - {start: "08:00", end: "10:00", types: [kons]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    "exception that changes nothing": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
            exceptions:
              - {date: 2026-12-02, reason: Ingenting}   #! calendars.lege.exceptions[0]
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """,
    # -- appointment types ------------------------------------------------------------
    "bad notify channel": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - id: kons
            name: Konsultasjon
            duration: 20
            notify:
              - email
              - fax                       #! appointment_types.kons.notify
        """,
    "duration missing or out of range": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
          - {id: kort, name: Kort, duration: 2}      #! appointment_types.kort.duration
          - {id: lang, name: Lang}                   #! appointment_types.lang.duration
        """,
    # -- YAML -------------------------------------------------------------------------
    "YAML syntax error": """
        name: Testklinikken
        address: Strandkaien: 2           #! (yaml)
        calendars: []
        """,
    "duplicate YAML key": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            name: Lege igjen              #! (yaml)
        """,
    # -- several problems in one file: all of them are reported ------------------------
    "many problems at once": """
        name: Testklinikken
        timezone: Oslo                    #! timezone
        langauge: nb                      #! langauge
        calendars:
          - id: lege
            name: Lege
            online: true
            week:
              mon:
                - {start: "08:00", end: "10:00", types: [kons]}
                - start: "09:00"          #! calendars.lege.week.mon
                  end: "11:00"
                  types: [kons, vaksine]  #! calendars.lege.week.mon[1].types
              fri:
                - {start: "14:00", end: "13:00", types: [kons]}   #! calendars.lege.week.fri[0].end
            exceptions:
              - {date: 2026-12-32, closed: true}                #! calendars.lege.exceptions[0].date
          - id: lege                                            #! calendars[1].id
            name: Lege
        appointment_types:
          - id: kons
            name: Konsultasjon
            duration: 20
            online: true
            dialog: mangler               #! appointment_types.kons.dialog
            notify: [brev]                #! appointment_types.kons.notify
        dialogs:
          velkommen: "{{ oops"            #! dialogs.velkommen
        booking_links:
          - {id: index, title: Forside}   #! booking_links[0].id
          - {id: x, title: X, type: ukjent}   #! booking_links.x.type
        """,
    # -- patient login (docs/patient-login.md)
    "patient login with bad values": """
        name: Testklinikken
        pages_url: https://www.test.example/booking/
        endpoint_url: https://api.test.example
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        patient_login:
          issuer: http://idp.example.no             #! patient_login.issuer
          client_id: ledig
          client_secret_env: "my secret value"      #! patient_login.client_secret_env
          acr_values: idporten-loa-substantial
          id_claim: "p i d"                         #! patient_login.id_claim
          scope: openid                             #! patient_login.scope
        """,
    "patient login without its required keys": """
        name: Testklinikken
        pages_url: https://www.test.example/booking/
        endpoint_url: https://api.test.example
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        patient_login:
          client_secret_env: LEDIG_OIDC_SECRET  #! patient_login.client_id patient_login.acr_values
          issuer: https://idp.example.no/?x=1   #! patient_login.issuer
        """,
    "patient login needs the pages and the endpoint": """
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        patient_login:                    #! pages_url endpoint_url
          issuer: https://idp.example.no
          client_id: ledig
          client_secret_env: LEDIG_OIDC_SECRET
          acr_values: idporten-loa-substantial
        """,
}


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_errors_are_reported_with_file_line_and_key(text: str):
    text = case(text)
    want = expected(text)
    assert want, "a case must mark at least one error"
    assert errors_of(text) == want


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_error_messages_are_sentences(text: str):
    _, issues = load(case(text))
    for issue in issues:
        assert issue.message.strip().endswith((".", ")")), str(issue)
        assert str(issue).startswith(f"{FILE}:{issue.line}: {issue.key}: ")


def test_the_valid_base_case_loads():
    clinic, issues = load(VALID)
    assert issues == []
    assert clinic is not None and clinic.calendar("lege") is not None


def test_the_demo_clinic_loads_without_errors_or_warnings():
    clinic, issues = load_clinic_bytes(DEMO.read_bytes(), slug="fjordlegene", file=str(DEMO))
    assert issues == []
    assert clinic is not None
    assert {c.id for c in clinic.calendars} == {"hansen", "berg", "sykepleier"}
    assert clinic.type("resept") is not None and not clinic.type("resept").online


@pytest.mark.parametrize("slug", ["Fjordlegene", "fjord_legene", "fjord legene", "æøå", ""])
def test_bad_slug_is_an_error_on_the_file_name(slug: str):
    assert errors_of(VALID, slug=slug) == {(FILE, 1, "(file name)")}


@pytest.mark.parametrize("slug", ["fjordlegene", "fjord-legene-2", "a"])
def test_good_slugs(slug: str):
    assert errors_of(VALID, slug=slug) == set()


@pytest.mark.parametrize("text, where", [
    ("name: Testklinikken\naddress: Strandkaien: 2\n", 2),
    ("name: Testklinikken\ncalendars:\n  - id: lege\n    name: [Lege\n", 5),
    ("name: Testklinikken\n  calendars: []\n", 2),
    ("name: Testklinikken\ncalendars:\n\t- id: lege\n", 3),
])
def test_yaml_syntax_errors_name_their_line(text: str, where: int):
    clinic, issues = load_clinic_bytes(text.encode(), slug="test", file=FILE)
    assert clinic is None
    assert [(i.file, i.line, i.key) for i in issues] == [(FILE, where, "(yaml)")]
    assert "YAML" in issues[0].message


def test_unquoted_times_are_read_as_clock_times():
    quoted = VALID.replace('start: "08:00", end: "10:00"', 'start: "12:30", end: "13:30"')
    unquoted = VALID.replace('start: "08:00", end: "10:00"', "start: 12:30, end: 13:30")
    assert unquoted != quoted and "12:30," in unquoted
    a, issues_a = load(quoted)
    b, issues_b = load(unquoted)
    assert issues_a == issues_b == []
    block_a, block_b = a.calendar("lege").week[0][0], b.calendar("lege").week[0][0]
    assert (block_b.start, block_b.end) == (block_a.start, block_a.end) == (time(12, 30),
                                                                               time(13, 30))


def test_unquoted_time_with_leading_zero_is_read_too():
    clinic, issues = load(VALID.replace('start: "08:00", end: "10:00"', "start: 08:05, end: 9:40"))
    assert issues == []
    block = clinic.calendar("lege").week[0][0]
    assert (block.start, block.end) == (time(8, 5), time(9, 40))


@pytest.mark.parametrize("start", ["900", "8", "0800"])
def test_a_time_without_a_colon_is_an_error_not_a_number_of_minutes(start):
    clinic, issues = load(VALID.replace('start: "08:00", end: "10:00"',
                                        f'start: {start}, end: "10:00"'))
    assert clinic is None
    assert [i.key for i in issues] == ["calendars.lege.week.mon[0].start"]
    assert '"08:00"' in issues[0].message


def test_a_type_only_link_that_no_calendar_offers_is_a_warning():
    clinic, issues = load(VALID.rstrip() + """
  - {id: vaksine, name: Vaksine, duration: 5, online: true}
booking_links:
  - {id: vaksine, title: Vaksine, type: vaksine}
""")
    assert clinic is not None
    assert [(i.key, i.warning) for i in issues] == [("booking_links.vaksine.type", True)]


def test_ua_tracking_id_is_a_warning_not_an_error():
    text = VALID.replace("calendars:", "tracking:\n  ga_measurement_id: UA-12345678-1\ncalendars:")
    clinic, issues = load(text)
    assert clinic is not None
    assert [(i.file, i.line, i.key, i.warning) for i in issues] == [
        (FILE, 3, "tracking.ga_measurement_id", True)]
    assert "G-" in issues[0].message
    assert clinic.tracking.ga_measurement_id == "UA-12345678-1"


def test_ga4_tracking_id_has_no_issue():
    text = VALID.replace("calendars:", "tracking:\n  ga_measurement_id: G-ABC123DEF4\ncalendars:")
    clinic, issues = load(text)
    assert issues == [] and clinic.tracking.ga_measurement_id == "G-ABC123DEF4"


@pytest.mark.parametrize("data", [
    "name: Legesenter på Ås\n".encode("latin-1"),
    b"name: \xff\xfe\n",
    "name: Ås\n".encode("utf-16"),
])
def test_a_file_that_is_not_utf8(data: bytes):
    clinic, issues = load_clinic_bytes(data, slug="test", file=FILE)
    assert clinic is None
    assert [(i.file, i.line, i.key, i.warning) for i in issues] == [(FILE, 1, "(file)", False)]
    assert "UTF-8" in issues[0].message


@pytest.mark.parametrize("data", [b"", b"\n\n", b"# only a comment\n", b"---\n"])
def test_an_empty_file(data: bytes):
    clinic, issues = load_clinic_bytes(data, slug="test", file=FILE)
    assert clinic is None
    assert [(i.file, i.line, i.key) for i in issues] == [(FILE, 1, "(file)")]
    assert "empty" in issues[0].message


def test_a_file_that_is_not_a_mapping():
    clinic, issues = load_clinic_bytes(b"- name: x\n", slug="test", file=FILE)
    assert clinic is None
    assert len(issues) == 1 and issues[0].line == 1 and not issues[0].warning


def test_unknown_key_suggests_the_right_one():
    _, issues = load(CASES["unknown key at the top"])
    assert "Did you mean 'address'?" in issues[0].message


def test_dates_and_ranges_become_exceptions():
    text = VALID.replace("appointment_types:", (
        "    exceptions:\n"
        "      - {date: 2026-12-24, closed: true, reason: Julaften}\n"
        "      - {from: 2027-07-05, to: 2027-07-23, closed: true}\n"
        "      - {date: \"2026-12-02\", blocks: [{start: \"08:00\", end: \"09:00\","
        " types: [kons]}]}\n"
        "appointment_types:"))
    clinic, issues = load(text)
    assert issues == []
    excs = clinic.calendar("lege").exceptions
    assert [(str(e.first), str(e.last), e.closed, len(e.blocks)) for e in excs] == [
        ("2026-12-24", "2026-12-24", True, 0),
        ("2027-07-05", "2027-07-23", True, 0),
        ("2026-12-02", "2026-12-02", False, 1),
    ]


def test_a_patient_login_loads_with_its_defaults():
    clinic, issues = load(VALID + case("""
        pages_url: https://www.test.example/booking/
        endpoint_url: https://api.test.example
        patient_login:
          issuer: https://idp.example.no/
          client_id: ledig
          client_secret_env: LEDIG_OIDC_SECRET
          acr_values: idporten-loa-substantial
        """))
    assert issues == []
    login = clinic.patient_login
    assert (login.issuer, login.client_id, login.client_secret_env, login.acr_values,
            login.id_claim) == ("https://idp.example.no", "ledig", "LEDIG_OIDC_SECRET",
                                "idporten-loa-substantial", "pid")
    assert load(VALID)[0].patient_login is None


@pytest.mark.parametrize("issuer", ["http://127.0.0.1:9400", "http://localhost:9400/realm"])
def test_plain_http_issuers_only_on_loopback(issuer: str):
    assert errors_of(VALID + case(f"""
        pages_url: https://www.test.example/booking/
        endpoint_url: https://api.test.example
        patient_login:
          issuer: {issuer}
          client_id: ledig
          client_secret_env: LEDIG_OIDC_SECRET
          acr_values: idporten-loa-substantial
        """)) == set()


# -- YAML 1.1's surprises: one error that says what YAML made of the word -----------------

MISREAD_ID = case("""
    name: Testklinikken
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon:
            - {start: "08:00", end: "10:00", types: [kons, no]}
          tue:
            - {start: "08:00", end: "10:00", types: [no]}
    appointment_types:
      - {id: kons, name: Konsultasjon, duration: 20, online: true}
      - id: no
        name: Nytt opphold
        duration: 20
        online: true
    booking_links:
      - {id: nei, title: Nei, type: no}
    """)


def test_an_id_yaml_reads_as_a_boolean_is_one_error_naming_every_place():
    clinic, issues = load(MISREAD_ID)
    assert clinic is None
    assert [(i.line, i.key) for i in issues] == [(13, "appointment_types[1].id")]
    message = issues[0].message
    assert "boolean false" in message and 'put it in quotes: "no"' in message
    assert "lines 8, 10, 18" in message
    assert "False" not in message


def test_quoting_the_word_everywhere_clears_the_error():
    quoted = (MISREAD_ID.replace("id: no", 'id: "no"').replace("kons, no]", 'kons, "no"]')
              .replace("types: [no]", 'types: ["no"]').replace("type: no}", 'type: "no"}'))
    clinic, issues = load(quoted)
    assert issues == []
    assert clinic is not None and clinic.type("no") is not None


def test_quoting_only_the_id_leaves_one_error_at_the_first_unquoted_use():
    clinic, issues = load(MISREAD_ID.replace("id: no", 'id: "no"'))
    assert clinic is None
    assert [(i.line, i.key) for i in issues] == [(8, "calendars.lege.week.mon[0].types")]
    assert "lines 10, 18" in issues[0].message


@pytest.mark.parametrize("written, made", [
    ("on", "the boolean true"), ("off", "the boolean false"), ("yes", "the boolean true"),
    ("1.50", "the number 1.5"), ("1_000", "the number 1000"), ("0x1f", "the number 31"),
    ("1.0e+3", "the number 1000.0"),
])
def test_a_name_yaml_misreads_says_what_it_became(written: str, made: str):
    clinic, issues = load(VALID.replace("name: Konsultasjon", f"name: {written}"))
    assert clinic is None
    assert [(i.line, i.key) for i in issues] == [(11, "appointment_types.kons.name")]
    assert made in issues[0].message and f'"{written}"' in issues[0].message


@pytest.mark.parametrize("written", ["2", "Konsultasjon 2", "2026-12-01", "y", "n", "1e3"])
def test_words_that_read_back_as_written_are_text(written: str):
    clinic, issues = load(VALID.replace("name: Konsultasjon", f"name: {written}"))
    assert issues == []
    assert clinic.type("kons").name == written


def test_an_octal_looking_number_is_an_error_not_a_silent_ten():
    clinic, issues = load(VALID.replace("duration: 20", "duration: 020"))
    assert clinic is None
    assert [(i.line, i.key) for i in issues] == [(12, "appointment_types.kons.duration")]
    assert "octal" in issues[0].message and "(20)" in issues[0].message


SHARED_WEEK = case("""
    name: Testklinikken
    calendars:
      - id: lege
        name: Lege
        week:
          mon: &day
            - {block}
          tue: *day
          wed: *day
          thu: *day
          fri: *day
          sat:
            - {block}
    appointment_types:
      - {{id: kons, name: Konsultasjon, duration: 20}}
      - {{id: kort, name: Kort time, duration: 10}}
    """)


def shared_week_errors(block: str) -> list[str]:
    """The errors of a week whose block is in one list shared by mon–fri, and in sat's own."""
    _, issues = load(SHARED_WEEK.format(block=block))
    return [str(i) for i in issues if not i.warning]


def test_a_mistake_in_a_list_shared_by_five_days_is_one_error_naming_them():
    errors = shared_week_errors('{start: "08:00", end: "08:15", types: [kons]}')
    assert errors == [
        "test.yaml:7: calendars.lege.week.mon[0]: the block is 15 minutes, shorter than "
        "'kons' (20 minutes): lengthen the block or remove the type. This is shared through a "
        "YAML alias by mon, tue, wed, thu and fri: the one fix here mends all 5 days.",
        "test.yaml:13: calendars.lege.week.sat[0]: the block is 15 minutes, shorter than "
        "'kons' (20 minutes): lengthen the block or remove the type."]


def test_a_slot_too_short_names_the_type_that_does_not_fit_and_the_days():
    errors = shared_week_errors(
        '{start: "08:00", end: "10:00", types: [kons, kort], slot_minutes: 15}')
    assert errors[0] == (
        "test.yaml:7: calendars.lege.week.mon[0].slot_minutes: 15 is shorter than 'kons' "
        "(20 minutes), which the block allows; a slot must fit every type booked in it: "
        "raise slot_minutes to 20 or remove the type. This is shared through a YAML alias by "
        "mon, tue, wed, thu and fri: the one fix here mends all 5 days.")
    assert len(errors) == 2  # and sat's own


def test_an_unknown_type_in_a_shared_list_is_one_error():
    errors = shared_week_errors('{start: "08:00", end: "10:00", types: [knos]}')
    assert [e.split(": ", 2)[1] for e in errors] == [
        "calendars.lege.week.mon[0].types", "calendars.lege.week.sat[0].types"]
    assert "shared through a YAML alias by mon, tue, wed, thu and fri" in errors[0]


def test_days_that_share_a_list_still_each_get_its_blocks():
    clinic, issues = load(SHARED_WEEK.format(block='{start: "08:00", end: "10:00", types: [kons]}'))
    assert clinic is not None, issues
    assert [len(day) for day in clinic.calendars[0].week] == [1, 1, 1, 1, 1, 1, 0]


def test_a_mistake_in_one_block_shared_by_several_days_lists_is_one_error():
    """An anchor on one block (`- &morning {…}`) in lists that differ otherwise."""
    _, issues = load("""
        name: Testklinikken
        calendars:
          - id: lege
            name: Lege
            week:
              mon:
                - &morning {start: "08:00", end: "08:15", types: [kons]}
              wed:
                - *morning
                - {start: "12:00", end: "14:00", types: [kons]}
              fri: [*morning]
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 20}
        """)
    assert [str(i) for i in issues if not i.warning] == [
        "test.yaml:7: calendars.lege.week.mon[0]: the block is 15 minutes, shorter than "
        "'kons' (20 minutes): lengthen the block or remove the type. This is shared through "
        "a YAML alias by mon, wed and fri: the one fix here mends all 3 days."]
