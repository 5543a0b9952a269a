"""Many generated clinics for `bench.scale`: a country's worth of clinic files.

Sizes follow a real mix: most clinics have 2–6 calendars, about one in ten
has 8–12, and one in a hundred has 20. Every clinic has three online types,
plain and smart blocks on weekdays, a closed day and a booking link, so its
file is about as long as a real one.
"""

from __future__ import annotations

import random
from pathlib import Path

TYPES = ("konsultasjon", "kort", "samtale")
LIMIT = 2  # max_self_booked of every generated clinic (the violation check counts over it)


def slug(n: int) -> str:
    return f"klinikk-{n:04d}"


def calendar_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.01:
        return 20
    if roll < 0.10:
        return rng.randint(8, 12)
    return rng.randint(2, 6)


def clinic_yaml(n: int, calendars: int, port: int = 8000) -> str:
    opens = ("07:30", "08:00", "08:30")[n % 3]
    lines = [
        f"name: Legesenter {n:04d}",
        "timezone: Europe/Oslo",
        "language: nb",
        f"address: Storgata {n % 200 + 1}, 0155 Oslo",
        f'phone: "+47 22 {n % 100:02d} {n % 97:02d} 00"',
        f"email: post@klinikk{n:04d}.example",
        f"pages_url: https://www.klinikk{n:04d}.example/timebestilling/",
        f"endpoint_url: http://127.0.0.1:{port}",
        f'embed_origins: ["https://www.klinikk{n:04d}.example"]',
        "test_mode: true",
        f"online: {{max_self_booked: {LIMIT}, days_ahead: 30, booking_deadline_hours: 2,",
        "         cancellation_deadline_hours: 24}",
        "calendars:",
    ]
    for i in range(calendars):
        lines += [f"  - id: lege{i}", f"    name: Lege {i}", "    title: Fastlege",
                  "    online: true", "    week:"]
        for day in ("mon", "tue", "wed", "thu", "fri"):
            lines += [
                f"      {day}:",
                f'        - {{start: "{opens}", end: "11:30", types: [konsultasjon, kort]}}',
                '        - {start: "12:00", end: "14:00", types: [konsultasjon, kort, samtale],'
                " smart: true}",
                '        - {start: "14:00", end: "15:30", types: [konsultasjon, samtale]}',
            ]
        lines += ["    exceptions:",
                  "      - {date: 2026-12-24, closed: true, reason: Julaften}"]
    lines += [
        "appointment_types:",
        "  - {id: konsultasjon, name: Konsultasjon, duration: 20, online: true, price: 279,",
        "     info: Møt opp 10 minutter før timen., notify: [email]}",
        "  - {id: kort, name: Kort konsultasjon, duration: 10, online: true, price: 185,",
        "     notify: [email]}",
        "  - {id: samtale, name: Samtale, duration: 40, online: true, price: 558,",
        "     notify: [email]}",
        "booking_links:",
        "  - {id: kort-time, title: Kort konsultasjon, type: kort}",
    ]
    return "\n".join(lines) + "\n"


def write_clinics(content: Path, count: int, seed: int = 17, port: int = 8000) -> dict[str, int]:
    """`count` clinic files under `content/clinics/`; each slug's number of calendars."""
    rng = random.Random(seed)
    folder = content / "clinics"
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for n in range(count):
        sizes[slug(n)] = calendar_count(rng)
        (folder / f"{slug(n)}.yaml").write_text(clinic_yaml(n, sizes[slug(n)], port),
                                                encoding="utf-8")
    return sizes


def zipf_weights(count: int, s: float = 1.1) -> list[float]:
    """Traffic share of clinic k (rank k+1): a few busy clinics and a long tail."""
    raw = [1 / (k + 1) ** s for k in range(count)]
    total = sum(raw)
    return [w / total for w in raw]
