"""Every page is valid HTML by the W3C Nu Html Checker (npm's `vnu-jar`, run on Java): the
pages `sitegen build` writes for the demo clinic, and the timebok's pages as a receptionist
sees them with a booking in the day. The embed snippets are fragments to paste into a
clinic's own page, not pages, and are left out.

One run of the checker reads every page (the JVM starts once); an error names the page,
line and what is wrong."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from support import form_field, staff_csrf, staff_login

from sitegen.cli import main as sitegen_main

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SLUG = "fjordlegene"
PASSWORD = "fjord-kaffe-mandag-7"


def need(component: str, reason: str) -> None:
    """tests/conftest.py's rule: skip for a missing component, except under CI (fail)."""
    if os.environ.get("CI"):
        pytest.fail(f"{component} is required under CI: {reason}")
    pytest.skip(f"{component} not available: {reason}")


def check(pages: list[Path]) -> list[str]:
    """The checker's errors, as `page:line: message`."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        need("the Nu Html Checker", "Java (Debian's default-jre-headless) and npm's vnu-jar "
             "(npm install)")
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                           *map(str, pages)], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or "{}").get("messages", [])
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
            for m in messages]


def staff_pages(make_app, clock, out: Path) -> list[Path]:
    """The timebok's pages with one booking in the day, each written to a file."""
    app = make_app()
    from endpoint.staff.users import add_user
    from endpoint.storage.db import db

    with db.connection_context():
        add_user(SLUG, "kari", PASSWORD)
    client = app.test_client()
    login_page = client.get(f"/staff/{SLUG}/login").get_data(as_text=True)
    day = (clock.now() + timedelta(days=2)).date().isoformat()
    slots = client.get(f"/api/v1/clinics/{SLUG}/slots?type=konsultasjon&from={day}&to={day}")
    start = slots.get_json()["days"][0]["slots"][0]
    booked = client.post(f"/api/v1/clinics/{SLUG}/bookings", json={
        "calendar": start["calendar"], "type": "konsultasjon", "start": start["start"],
        "patient": {"id_type": "fnr", "national_id": "12098510042", "first_name": "Kari",
                    "last_name": "Nordmann", "phone": "+4791234567",
                    "email": "kari@example.org"}})
    booking = booked.get_json()["booking"]["id"]
    assert staff_login(client, SLUG, "kari", PASSWORD).status_code == 303
    base = f"/staff/{SLUG}"
    asked = {"day": f"{base}/calendar?date={day}", "week": f"{base}/week?date={day}",
             "booking": f"{base}/bookings/{booking}", "log": f"{base}/bookings/{booking}/log",
             "new-booking": f"{base}/bookings/new?date={day}",
             "new-block": f"{base}/blocks/new?date={day}", "conflicts": f"{base}/conflicts",
             "waitlist": f"{base}/waitlist"}
    answers = {name: client.get(path) for name, path in asked.items()}
    answers["patient-search"] = client.post(f"{base}/patients", data={
        "csrf": staff_csrf(client, SLUG), "q": "Nordmann"})
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 200)
    missing = client.get(f"{base}/bookings/{'0' * 32}")
    assert missing.status_code == 404
    pages = {"login": login_page, "not-found": missing.get_data(as_text=True),
             **{name: a.get_data(as_text=True) for name, a in answers.items()}}
    assert form_field(client.get(f"{base}/calendar"), "csrf")  # still logged in
    written = []
    for name, html in pages.items():
        path = out / f"staff-{name}.html"
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written


def test_every_page_is_valid_html(tmp_path, content_dir, clock, make_app):
    site = tmp_path / "_site"
    assert sitegen_main(["build", "--content", str(content_dir), "--out", str(site)],
                        now=clock.now()) == 0
    generated = [p for p in site.rglob("*.html") if "snippets" not in p.parts]
    assert len(generated) >= 5
    staff = staff_pages(make_app, clock, tmp_path)
    assert check([*generated, *staff]) == []
