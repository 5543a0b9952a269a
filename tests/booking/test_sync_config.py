# ruff: noqa: E501 - each case keeps its error marker on the line it marks
"""Validation of calendar sync (docs/sync.md): every error with its line and key, the URL rules
(https, or http only to this machine; no credentials in the URL), secrets only by the name
of an environment variable, and the clinic's refresh settings."""

from __future__ import annotations

import pytest
from test_config import FILE, case, errors_of, expected, load

HEAD = """
    name: Testklinikken
    appointment_types:
      - {id: kons, name: Konsultasjon, duration: 20, online: true}
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon:
            - {start: "08:00", end: "10:00", types: [kons]}
"""

CASES = {
    "plain http to another host": """
        sync:
          busy:
            - {ics: "http://ehr.example.no/lege.ics"}          #! calendars.lege.sync.busy[0].ics
    """,
    "credentials in the URL": """
        sync:
          busy:
            - caldav: https://kari:hemmelig@dav.example.no/c/  #! calendars.lege.sync.busy[0].caldav
    """,
    "neither or both kinds, and an unknown key": """
        sync:
          busy:
            - {name: EPJ}                                     #! calendars.lege.sync.busy[0]
            - {ics: "https://a.example/x.ics", caldav: "https://a.example/c/"}  #! calendars.lege.sync.busy[1]
            - {ics: "https://a.example/y.ics", passwd: x}     #! calendars.lege.sync.busy[2].passwd
          pull: []                                            #! calendars.lege.sync.pull
    """,
    "a password where its variable's name belongs, and no user": """
        sync:
          busy:
            - ics: https://a.example/x.ics
              password_env: "hunter2 is my password"          #! calendars.lege.sync.busy[0].password_env
            - ics: https://a.example/y.ics
              password_env: LEDIG_ICS                         #! calendars.lege.sync.busy[1].username
    """,
    "the same source twice": """
        sync:
          busy:
            - {ics: "https://a.example/x.ics"}
            - {ics: "https://a.example/x.ics"}                #! calendars.lege.sync.busy[1]
    """,
    "push needs caldav and a known detail": """
        sync:
          push: {username: kari, detail: alt}                 #! calendars.lege.sync.push.caldav calendars.lege.sync.push.detail
    """,
    "not a URL at all": """
        sync:
          busy:
            - {ics: "ftp://a.example/x.ics"}                  #! calendars.lege.sync.busy[0].ics
            - {ics: "https://a.example:99999/x.ics"}          #! calendars.lege.sync.busy[1].ics
    """,
}

CLINIC_CASES = {
    "stale before the next refresh": """
        sync:
          refresh_minutes: 10
          stale_after_minutes: 5                              #! sync.stale_after_minutes
    """,
    "out of range and unknown": """
        sync:
          refresh_minutes: 0                                  #! sync.refresh_minutes
          stale_minutes: 30                                   #! sync.stale_minutes
    """,
}


def _calendar_case(body: str) -> str:
    return case(HEAD) + "\n".join("    " + line for line in case(body).splitlines()) + "\n"


@pytest.mark.parametrize("body", list(CASES.values()), ids=list(CASES))
def test_calendar_sync_errors_name_line_and_key(body: str):
    text = _calendar_case(body)
    assert errors_of(text) == expected(text)


@pytest.mark.parametrize("body", list(CLINIC_CASES.values()), ids=list(CLINIC_CASES))
def test_clinic_sync_errors_name_line_and_key(body: str):
    text = case(HEAD) + case(body)
    assert errors_of(text) == expected(text)
    for issue in load(text)[1]:
        assert str(issue).startswith(f"{FILE}:{issue.line}: ")


def test_a_valid_sync_block_loads_with_defaults():
    text = _calendar_case("""
        sync:
          busy:
            - {ics: "https://ehr.example.no/lege.ics", name: EPJ}
            - caldav: http://127.0.0.1:5232/kari/jobb/
              username: kari
              password_env: LEDIG_CALDAV_KARI
          push:
            caldav: https://dav.example.no/kari/ledig/
            username: kari
            password_env: LEDIG_CALDAV_KARI
    """)
    clinic, issues = load(text)
    assert issues == []
    lege = clinic.calendar("lege")
    assert [(s.kind, s.label) for s in lege.busy_sources] == [("ics", "EPJ"),
                                                              ("caldav", "127.0.0.1")]
    assert lege.busy_sources[1].password_env == "LEDIG_CALDAV_KARI"
    assert lege.push.url == "https://dav.example.no/kari/ledig/"
    assert lege.push.detail == "minimal"
    assert (clinic.sync.refresh_minutes, clinic.sync.stale_after_minutes) == (5, 30)
    assert clinic.synced_calendars == (lege,)


@pytest.mark.parametrize("url", ["http://localhost:8080/x.ics", "http://[::1]:80/x.ics",
                                 "http://127.0.0.2/x.ics", "https://ehr.example/x.ics?k=1"])
def test_loopback_may_be_plain_http(url: str):
    text = _calendar_case(f"""
        sync:
          busy:
            - {{ics: "{url}"}}
    """)
    assert errors_of(text) == set()
